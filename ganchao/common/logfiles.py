"""Log files and their retention (LEGAL_RULES C9: 网络安全法 Art. 21, at least six months).

The application log (`ganchao.log`) and the security log (`security.log`: logins, failures,
lockouts, refusals, one line each) are written under DATA_DIR/logs and rotated at midnight
(TimedRotatingFileHandler, files `security.log.2026-06-01` …), or sent to syslog when
GANCHAO_LOG_SYSLOG is set. The handler keeps every rotated file (backupCount 0): the period is
the security policy's, read from the database, which settings cannot know — the tick's
retention sweep deletes what is older than the effective retention:

    effective cutoff = the earlier of (today − configured days) and (today − 6 calendar months)

so a configured retention below six months never shortens it (a warning is logged, and the
security policy page says so). The sweep deletes only rotated log files and the refusal
counters; never audit events, decision archives or case files.
"""

import calendar
import logging
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.models import RefusalCounter

log = logging.getLogger("ganchao.security")

LEGAL_MONTHS = 6
ROTATED = re.compile(r"^(ganchao|security)\.log\.(\d{4}-\d{2}-\d{2})$")


def logs_dir() -> Path:
    return Path(settings.DATA_DIR) / "logs"


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (31 Aug − 6 months → 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(today: date, configured_days: int) -> date:
    """Logs dated before this day may be deleted: never less than six calendar months."""
    return min(today - timedelta(days=configured_days), months_before(today, LEGAL_MONTHS))


def _file_date(path: Path) -> date | None:
    found = ROTATED.match(path.name)
    if not found:
        return None
    try:
        return date.fromisoformat(found.group(2))
    except ValueError:
        return None


def log_retention_sweep(at: datetime, configured_days: int, folder: Path | None = None) -> int:
    """Delete rotated log files and refusal counters older than the effective retention."""
    today = timezone.localdate(at) if timezone.is_aware(at) else at.date()
    cutoff = retention_cutoff(today, configured_days)
    if configured_days < (today - months_before(today, LEGAL_MONTHS)).days:
        log.warning(
            "log retention configured %d days, below six months: logs are kept until %s",
            configured_days,
            cutoff.isoformat(),
        )
    deleted = 0
    folder = folder or logs_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            dated = _file_date(path)
            if dated is not None and dated < cutoff and path.is_file():
                path.unlink()
                deleted += 1
    start = timezone.make_aware(datetime.combine(cutoff, datetime.min.time()))
    counters, _details = RefusalCounter.objects.filter(
        window_start__lt=start, summarised=True
    ).delete()
    counters_quiet, _details = RefusalCounter.objects.filter(
        window_start__lt=start, suppressed=0
    ).delete()
    return deleted + counters + counters_quiet


def log_retention_scan(at: datetime) -> str:
    """The tick's scan, with the retention of the security policy in force."""
    from ganchao.accounts.models import SecurityPolicy  # the policy lives above common/

    configured = SecurityPolicy.current().log_retention_days
    return _("已清理过期日志 %(n)d 项") % {"n": log_retention_sweep(at, configured)}
