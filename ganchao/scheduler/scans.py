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
    """Export a signed checkpoint of the audit chain's head to the data folder (3.11)."""
    from ganchao.audit.services import audit_checkpoint_export, checkpoint_path

    entry = audit_checkpoint_export()
    if entry is None:
        return _("审计日志为空，未导出检查点")
    return _("已导出检查点 #%(seq)d 到 %(path)s") % {"seq": entry["seq"], "path": checkpoint_path()}


def register_builtin_scans() -> None:
    register_scan(
        "audit.checkpoint", audit_checkpoint_scan, label="审计检查点", order=CHECKPOINT_ORDER
    )
