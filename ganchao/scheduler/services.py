"""Running the scheduled scans once (`ganchao tick`, and the demo's tick thread).

Two ticks never overlap: a tick first takes a lease on the single TickState row with one
conditional UPDATE (portable: the same on SQLite and PostgreSQL, across processes), renews it
after each scan and gives it back at the end. A second tick finds the lease taken and stops
at once with TickBusy instead of waiting. A lease older than LEASE (a tick killed without
giving it back) counts as abandoned and is taken over. The lease is renewed between scans once
RENEW_EVERY has passed since it was taken or last renewed: a tick with nothing to do (cron runs
one a minute) writes the row twice, not once per scan.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.scheduler.models import TickState
from ganchao.scheduler.scans import registered_scans

LEASE = timedelta(minutes=15)
RENEW_EVERY = timedelta(minutes=1)
logger = logging.getLogger(__name__)


class TickBusy(Exception):
    """Another tick holds the lease."""

    def __init__(self, since: datetime | None):
        self.since = since
        started = timezone.localtime(since).strftime("%Y-%m-%d %H:%M:%S") if since else "?"
        super().__init__(
            _(
                "另一个 tick 正在运行（开始于 %(since)s），本次未运行。"
                "若那个进程已异常退出，锁将在开始后 %(minutes)d 分钟自动失效。"
            )
            % {"since": started, "minutes": LEASE.seconds // 60}
        )


@dataclass
class TickReport:
    at: datetime
    summaries: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def last_tick_at() -> datetime | None:
    """The `at` of the latest completed tick (while a tick runs: of the one before it)."""
    return TickState.objects.filter(pk=1).values_list("last_tick_at", flat=True).first()


def tick_run(*, at: datetime) -> TickReport:
    """Run every registered scan as of `at`; a scan that fails is reported, the rest run."""
    if timezone.is_naive(at):
        raise ValueError("tick needs an aware datetime")
    token = _lease_take()
    renewed = timezone.now()
    report = TickReport(at)
    try:
        for scan in registered_scans():
            try:
                report.summaries.append((scan.label, scan.func(at)))
            except Exception as exc:
                logger.exception("scan %s failed", scan.name)
                report.failures.append((scan.label, f"{type(exc).__name__}: {exc}"))
            if timezone.now() - renewed >= RENEW_EVERY:
                _lease_renew(token)
                renewed = timezone.now()
    finally:
        _lease_give_back(token, at, completed=report.ok)
    return report


def _lease_take() -> str:
    token, now = secrets.token_hex(16), timezone.now()
    with transaction.atomic():
        TickState.objects.get_or_create(pk=1)
        taken = (
            TickState.objects.filter(pk=1)
            .filter(Q(running_since__isnull=True) | Q(running_since__lt=now - LEASE))
            .update(running_since=now, running_token=token)
        )
        if not taken:
            since = TickState.objects.filter(pk=1).values_list("running_since", flat=True)
            raise TickBusy(since.first())
    return token


def _lease_renew(token: str) -> None:
    TickState.objects.filter(pk=1, running_token=token).update(running_since=timezone.now())


def _lease_give_back(token: str, at: datetime, *, completed: bool) -> None:
    with transaction.atomic():
        state = TickState.objects.select_for_update().get(pk=1)
        if state.running_token != token:
            return  # the lease lapsed and another tick took it over
        state.running_since, state.running_token = None, ""
        if completed:
            state.last_finished_at = timezone.now()
            if state.last_tick_at is None or at > state.last_tick_at:
                state.last_tick_at = at
        state.save()
