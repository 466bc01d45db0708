"""The registry of scheduled scans that `ganchao tick` runs (DESIGN.md 3.9).

An app registers its scans in its AppConfig.ready():

    from ganchao.scheduler.scans import register_scan
    register_scan("supervision.escalate", escalate_scan, label="催督办升级")

A scan is `func(at) -> str`: it does its work as of the aware datetime `at` (never the
clock, so that `tick --at` is deterministic), runs its own transactions through services,
and returns a one-line summary in Chinese. Scans run in `order`, then registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

CHECKPOINT_ORDER = 1000  # last: the checkpoint seals the events the other scans wrote


@dataclass(frozen=True)
class Scan:
    name: str
    func: Callable[[datetime], str]
    label: str
    order: int


_SCANS: dict[str, Scan] = {}


def register_scan(name: str, func: Callable[[datetime], str], *, label: str = "", order=100):
    """Add (or replace) the scan called `name`."""
    _SCANS[name] = Scan(name, func, label or name, order)


def registered_scans() -> list[Scan]:
    return sorted(_SCANS.values(), key=lambda scan: scan.order)


def audit_checkpoint_scan(at: datetime) -> str:
    """Export a signed checkpoint of the audit chain's head to the data folder (3.11), when
    something was recorded since the last one."""
    from ganchao.audit.services import audit_checkpoint_export, checkpoint_path, last_checkpoint

    entry = audit_checkpoint_export()
    if entry is not None:
        return _("已导出检查点 #%(seq)d 到 %(path)s") % {
            "seq": entry["seq"],
            "path": checkpoint_path(),
        }
    last = last_checkpoint()
    if last is None:
        return _("审计日志为空，未导出检查点")
    return _("自检查点 #%(seq)d 以来没有新的审计事件，未导出检查点") % {"seq": last.seq}


def audit_verify_scan(at: datetime) -> str:
    """Verify the whole audit chain once a day (LEGAL_RULES C7) and record the result, which
    the auditor's pages show; a failure is logged as an error too."""
    from ganchao.audit.models import AuditVerifyRun
    from ganchao.audit.services import audit_verify_run, verify_due

    if not verify_due(at):
        return _("今日已校验或未到校验时间")
    result, _run = audit_verify_run(source=AuditVerifyRun.Source.TICK, at=at)
    if result.ok:
        return _("审计链完整：已校验 %(n)d 条事件") % {"n": result.checked}
    return _("审计链校验失败：%(problem)s") % {"problem": result.problem}


def register_builtin_scans() -> None:
    register_scan(
        "audit.verify", audit_verify_scan, label="审计链每日校验", order=CHECKPOINT_ORDER - 1
    )
    register_scan(
        "audit.checkpoint", audit_checkpoint_scan, label="审计检查点", order=CHECKPOINT_ORDER
    )
