"""The tick's scan: an unresolved appeal becomes a problem of the ledger (DESIGN.md 3.14, "an
unresolved appeal is a problem"), once, and the appeal keeps the link. Unresolved means still
open after its resolve deadline, or judged 未能解决 by the owner unit (closed or not)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from ganchao.common.errors import GanchaoError
from ganchao.enterprises.choices import OPEN_STATES, AppealState
from ganchao.enterprises.models import Appeal

SCAN_ORDER = 220  # after the ladder (200); before the audit checkpoint (1000)


def overdue_appeals(at):
    unresolved = (
        Q(state__in=OPEN_STATES, resolve_due__lt=at)
        | Q(state=AppealState.UNRESOLVED)
        | Q(state=AppealState.CLOSED, resolved_at__isnull=True)
    )
    return (
        Appeal.objects.filter(unresolved, problem__isnull=True)
        .select_related("enterprise", "owner_unit")
        .order_by("resolve_due", "pk")
    )


def escalate_scan(at) -> str:
    from ganchao.enterprises.services import appeal_to_problem

    made, refused = [], []
    for appeal in overdue_appeals(at):
        try:
            problem = appeal_to_problem(
                actor=None,
                appeal=appeal,
                note=_("超过解决时限仍未解决，自动转入问题台账")
                if appeal.state in OPEN_STATES
                else _("承办单位报告未能解决，自动转入问题台账"),
                system=True,
            )
        except GanchaoError as exc:  # e.g. the owner unit was dissolved: say so, go on
            refused.append(f"{appeal.number}：{exc.message}")
            continue
        made.append(problem.number)
    if not made and not refused:
        return _("没有未解决的企业诉求需要转入问题台账")
    summary = _("%(n)d件未解决的企业诉求已转入问题台账") % {"n": len(made)}
    if refused:
        summary += _("；未能转入：%(list)s") % {"list": "；".join(refused)}
    return summary
