"""Shared model bases (no domain knowledge)."""

from django.db import models


class TimeStamped(models.Model):
    """Creation and modification times, and a version counter for optimistic concurrency."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class RefusalCounter(models.Model):
    """Refused accesses (403/404 on an object's URL) of one actor or address in one minute,
    counted in the database so that every worker process sees the same count (LEGAL_RULES C6):
    the first REFUSAL_AUDIT_PER_MINUTE are audit events, the rest only counted here and
    summarised in one event once the minute is over."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    recorded = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    summarised = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="refusalcounter_key_window"
            )
        ]
        indexes = [
            models.Index(fields=["summarised", "window_start"], name="refusalcounter_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M} {self.recorded}+{self.suppressed}"
