"""The tick's scan: an appeal still open after its resolve deadline becomes a problem of the
ledger (DESIGN.md 3.14, "an unresolved appeal is a problem"), once; the appeal keeps the link."""

from django.utils.translation import gettext as _

from ganchao.common.errors import GanchaoError
from ganchao.enterprises.choices import OPEN_STATES
from ganchao.enterprises.models import Appeal

SCAN_ORDER = 220  # after the ladder (200); before the audit checkpoint (1000)


def overdue_appeals(at):
    return (
        Appeal.objects.filter(state__in=OPEN_STATES, resolve_due__lt=at, problem__isnull=True)
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
                note=_("超过解决时限仍未解决，自动转入问题台账"),
                system=True,
            )
        except GanchaoError as exc:  # e.g. the owner unit was dissolved: say so, go on
            refused.append(f"{appeal.number}：{exc.message}")
            continue
        made.append(problem.number)
    if not made and not refused:
        return _("没有超过解决时限的企业诉求")
    summary = _("%(n)d件企业诉求超过解决时限，已转入问题台账") % {"n": len(made)}
    if refused:
        summary += _("；未能转入：%(list)s") % {"list": "；".join(refused)}
    return summary
