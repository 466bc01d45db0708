"""Who hears of a report (called inside the report services' transactions; e-mail and the group
robot go out after commit, submitted reports as a digest):

- submitted (报送, 更正后报送): the office responsible for the unit, one inbox message per report;
- imported (进展数据导入): the office, one message per import (not one per row) unless the
  office imported it itself;
- returned (退回): the reporting unit's liaisons and heads, with the reason.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from ganchao.goals import periods
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.selectors import unit_contacts

REVIEW_URL = "/goals/reports/review/"


def _label(report) -> str:
    period = periods.parse_period(report.period)
    return period.label if period else report.period


def tell_office_submitted(report, at) -> None:
    assignment = report.assignment
    unit, item = assignment.unit, assignment.item
    title = _("进展报送待审核：%(unit)s %(code)s %(name)s %(period)s") % {
        "unit": unit.name,
        "code": item.code,
        "name": item.name,
        "period": _label(report),
    }
    body = _("逾期报送。") if report.late else ""
    if report.revision > 1:
        body += _("这是第%(n)d版（更正）。") % {"n": report.revision}
    url = f"{REVIEW_URL}?{urlencode({'unit': unit.code, 'item': item.pk})}"
    fields = {"title": title[:200], "body": body, "url": url, "kind": "report_submitted"}
    users = offices_for([unit.pk]).get(unit.pk, [])
    notifications_create_many(
        [(user, fields) for user in users if user != report.submitted_by], at=at
    )


def tell_office_imported(*, actor, plan, count: int, unit_ids, at) -> None:
    if not count:
        return
    by_unit = offices_for(unit_ids)
    users = {user.pk: user for people in by_unit.values() for user in people if user != actor}
    who = actor.display_name if actor is not None else _("命令行")
    fields = {
        "title": _("进展数据导入：%(who)s导入%(n)d条报告待审核") % {"who": who, "n": count},
        "body": str(plan),
        "url": REVIEW_URL,
        "kind": "report_submitted",
    }
    notifications_create_many([(user, fields) for user in users.values()], at=at)


def tell_unit_returned(report, at) -> None:
    assignment = report.assignment
    unit = assignment.unit
    fields = {
        "title": _("进展报告被退回：%(code)s %(name)s %(period)s")
        % {"code": assignment.item.code, "name": assignment.item.name, "period": _label(report)},
        "body": _("退回原因：%(reason)s") % {"reason": report.return_reason},
        "url": f"/goals/assignments/{assignment.pk}/report/{report.period}/",
        "kind": "report_returned",
    }
    users = unit_contacts([unit.pk]).get(unit.pk, [])
    notifications_create_many([(user, fields) for user in users], at=at)
