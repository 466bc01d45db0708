"""The state of `ganchao tick`: one row that keeps two ticks from overlapping (a lease) and
remembers the moment of the last completed tick."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickState(models.Model):
    """The single row (id 1) shared by every process that runs `ganchao tick`.

    `running_since` and `running_token` form a lease taken with one conditional UPDATE, so the
    lock works across processes on SQLite and PostgreSQL alike without holding a transaction
    open for the whole tick; a lease older than `services.LEASE` counts as abandoned.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_tick_at = models.DateTimeField(_("最近一次扫描的时点"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近一次扫描完成时间"), null=True, blank=True)
    running_since = models.DateTimeField(_("正在运行，开始于"), null=True, blank=True)
    running_token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("定时扫描状态")

    def __str__(self) -> str:
        return f"tick @ {self.last_tick_at}"


class StatusMark(models.Model):
    """What the status scan last saw (ganchao.scheduler.status_marks): one row per plan with the
    fingerprint of its own inputs and the moment class it was recomputed for, and one row
    ("inputs") with the signatures of the shared report tables. Derived, never audited."""

    key = models.CharField(max_length=40, unique=True)
    value = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("状态重算水位")

    def __str__(self) -> str:
        return self.key
