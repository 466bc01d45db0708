"""Shared model bases (no domain knowledge)."""

from django.db import models


class TimeStamped(models.Model):
    """Creation and modification times, and a version counter for optimistic concurrency."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
