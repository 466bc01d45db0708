"""Writes of the escalation ladder, levels 1–2 (DESIGN.md 3.9): alerts raised by the tick and
a unit's written answer to a 催办.

Each cause (level, trigger, assignment, period or deadline key) fires at most once: existing
causes are read first and the rest inserted, with the unique constraint as the final guard.
Alerts carry the tick's `at` as their time; nothing here edits or deletes an alert created by
another tick. Every alert goes to the inbox of its unit's liaisons and unit heads.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.goals import periods as goal_periods
from ganchao.goals import status_rules as rules
from ganchao.goals.choices import Role as AssignmentRole
from ganchao.goals.models import Assignment
from ganchao.goals.status import Outcome, period_code, thresholds_of
from ganchao.notifications.recipients import leaders_in_charge
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of
from ganchao.orgs.selectors import unit_contacts
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.models import Alert

REMIND_WITHIN_WORKING_DAYS = 2
LATE_AFTER_WORKING_DAYS = 1
URGE_RESPONSE_WORKING_DAYS = 3
NOTIFIED_ROLES = (Role.LIAISON, Role.UNIT_HEAD)

register("alert.raise", _("自动提醒、催办"))
register("alert.respond", _("回应催办"))
register_object_type("alert", _("催督办"))
register_object_type("plan", _("年度计划"))


@dataclass(frozen=True)
class Cause:
    level: int
    trigger: str
    assignment_id: int
    unit_id: int
    key: str
    deadline: dt.date | None = None


def causes_for(outcome: Outcome, plan, day: dt.date, cal) -> list[Cause]:
    """The level 1–2 causes an assignment's evaluation at `day` gives (DESIGN.md 3.9)."""
    result = outcome.result
    if result is None or outcome.role == AssignmentRole.COOPERATING:
        return []
    spec, thresholds = outcome.spec, thresholds_of(plan)
    base = (outcome.assignment_id, outcome.unit_id)
    causes = []
    if result.status == rules.YELLOW:
        key = period_code(result.period_end, spec.frequency)
        causes.append(Cause(Level.REMIND, Trigger.TURNED_YELLOW, *base, key))
    if result.status == rules.RED:
        key = (result.red_since or result.period_end).isoformat()
        causes.append(Cause(Level.URGE, Trigger.TURNED_RED, *base, key))
    for end in rules.period_ends(spec.year, spec.frequency):
        if end in outcome.reported_ends or end >= day or result.status == rules.DONE:
            continue
        due = rules.report_due(end, cal, thresholds)
        code = period_code(end, spec.frequency)
        if day <= due and cal.working_days_between(day, due) <= REMIND_WITHIN_WORKING_DAYS:
            causes.append(Cause(Level.REMIND, Trigger.REPORT_DUE_SOON, *base, code, due))
        elif (
            due < day
            and end == result.period_end
            and cal.working_days_between(due, day) >= LATE_AFTER_WORKING_DAYS
        ):
            causes.append(Cause(Level.URGE, Trigger.REPORT_LATE, *base, code, due))
    return causes


def alerts_raise(*, plan, outcomes: list[Outcome], at: dt.datetime) -> list[Alert]:
    """Create the alerts whose causes are new and notify their units; returns the new ones."""
    cal = workdays.current_calendar()
    day = timezone.localtime(at).date()
    causes = [c for o in outcomes for c in causes_for(o, plan, day, cal)]
    if not causes:
        return []
    ids = sorted({c.assignment_id for c in causes})
    existing = set()
    for start in range(0, len(ids), 2000):
        existing.update(
            Alert.objects.filter(
                assignment_id__in=ids[start : start + 2000], level__in=[Level.REMIND, Level.URGE]
            ).values_list("level", "trigger", "assignment_id", "cause_key")
        )
    new = [c for c in causes if (c.level, c.trigger, c.assignment_id, c.key) not in existing]
    if not new:
        return []
    labels = _assignment_labels([c.assignment_id for c in new])
    with transaction.atomic():
        created = _insert(new, labels, at, cal)
        _notify(created, at)
        audit_record(
            actor=None,
            action="alert.raise",
            target=Target("plan", str(plan.pk), str(plan)),
            changes={"alerts": {"before": None, "after": len(created)}},
            reason=_("定时扫描（时点 %(at)s）") % {"at": timezone.localtime(at).isoformat()},
        )
    return created


def _insert(causes: list[Cause], labels: dict, at, cal) -> list[Alert]:
    rows = [
        Alert(
            level=c.level,
            trigger=c.trigger,
            assignment_id=c.assignment_id,
            unit_id=c.unit_id,
            cause_key=c.key,
            at=at,
            message=_message(c, labels.get(c.assignment_id, "")),
            response_due=(
                cal.add_working_days(timezone.localtime(at).date(), URGE_RESPONSE_WORKING_DAYS)
                if c.level == Level.URGE
                else None
            ),
        )
        for c in causes
    ]
    try:
        with transaction.atomic():
            return Alert.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        # another writer raced us to some causes: fall back to one row at a time
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created.append(row)
            except IntegrityError:
                continue
        return created


def _assignment_labels(ids: list[int]) -> dict[int, str]:
    labels = {}
    for start in range(0, len(ids), 2000):
        rows = Assignment.objects.filter(id__in=ids[start : start + 2000]).values_list(
            "id", "item__code", "item__name"
        )
        labels.update({pk: f"{code} {name}" for pk, code, name in rows})
    return labels


def _key_text(cause: Cause) -> str:
    """The cause key as an official reads it: 2026年11月23日 for a red-since date, 2026年10月 or
    2026年第三季度 for a period (the key itself stays ISO, it identifies the alert)."""
    if cause.trigger == Trigger.TURNED_RED:
        try:
            return _chinese_date(dt.date.fromisoformat(cause.key))
        except ValueError:
            return cause.key
    period = goal_periods.parse_period(cause.key)
    return period.label if period else cause.key


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _message(cause: Cause, label: str) -> str:
    params = {"item": label, "key": _key_text(cause)}
    if cause.deadline:
        params["due"] = _chinese_date(cause.deadline)
    texts = {
        Trigger.TURNED_YELLOW: _("“%(item)s”（%(key)s）进度滞后，请加快推进。"),
        Trigger.TURNED_RED: _(
            "“%(item)s”严重滞后（自 %(key)s 起），请于3个工作日内报送进展或书面说明。"
        ),
        Trigger.REPORT_DUE_SOON: _("“%(item)s”%(key)s期进展应于 %(due)s 前报送，请按时报送。"),
        Trigger.REPORT_LATE: _(
            "“%(item)s”%(key)s期进展已逾期未报送（期限 %(due)s），请于3个工作日内报送或书面说明。"
        ),
    }
    return texts[cause.trigger] % params


def _notify(alerts: list[Alert], at) -> None:
    """The unit's liaisons and heads, one message per alert; the leaders in charge of a unit
    with new 催办, one message per unit listing them (a scan may raise hundreds at once)."""
    by_unit = unit_contacts({a.unit_id for a in alerts}, NOTIFIED_ROLES)
    entries = []
    for alert in alerts:
        title = f"{alert.get_level_display()}：{alert.get_trigger_display()}"
        url = f"/supervision/alerts/{alert.pk}/" if alert.pk else ""
        for user in by_unit.get(alert.unit_id, []):
            fields = {
                "title": title,
                "body": alert.message,
                "url": url,
                "kind": "alert",
                "alert": alert,
            }
            entries.append((user, fields))
    entries += _leader_entries([a for a in alerts if a.level >= Level.URGE], at)
    notifications_create_many(entries, at=at)


LEADER_LINES = 10


def _leader_entries(urged: list[Alert], at) -> list:
    by_unit: dict[int, list[Alert]] = {}
    for alert in urged:
        by_unit.setdefault(alert.unit_id, []).append(alert)
    if not by_unit:
        return []
    leaders = leaders_in_charge(by_unit, timezone.localtime(at).date())
    units = {u.pk: u for u in Unit.objects.filter(pk__in=leaders)}
    entries = []
    for unit_id, users in leaders.items():
        unit, unit_alerts = units[unit_id], by_unit[unit_id]
        lines = [f"· {a.message}" for a in unit_alerts[:LEADER_LINES]]
        if len(unit_alerts) > LEADER_LINES:
            lines.append(_("……等%(n)d项") % {"n": len(unit_alerts)})
        fields = {
            "title": _("分管单位催办：%(unit)s（%(n)d项）")
            % {"unit": unit.name, "n": len(unit_alerts)},
            "body": "\n".join(lines),
            "url": f"/supervision/alerts/?{urlencode({'unit': unit.code, 'level': Level.URGE})}",
            "kind": "alert",
        }
        entries += [(user, fields) for user in users]
    return entries


# ---- answering a 催办 -----------------------------------------------------------------------


def _alert_for_change(actor, alert_id: int) -> Alert:
    alert = Alert.objects.select_related("unit").filter(pk=alert_id).first()
    scope = scope_of(actor)
    if alert is None or not scope.covers_path(alert.unit.path):
        raise NotFound(_("催办事项不存在"))
    if not scope.covers_path(alert.unit.path, write=True):
        raise Forbidden(_("只有被催办单位可以书面说明"))
    return alert


@transaction.atomic
def alert_respond(*, actor, alert_id: int, response: str) -> Alert:
    """A unit answers a 催办 with a written explanation (书面说明)."""
    alert = _alert_for_change(actor, alert_id)
    text = (response or "").strip()
    if alert.level != Level.URGE:
        raise Conflict(_("只有催办需要书面说明"))
    if alert.responded_at is not None:
        raise Conflict(_("该催办已回应，不能重复回应"))
    if not text:
        raise ValidationFailed.on("response", _("书面说明：请填写"))
    if len(text) > 5000:
        raise ValidationFailed.on("response", _("书面说明：不能超过5000字"))
    before = {"response": alert.response, "responded_at": None}
    alert.response, alert.responded_at, alert.responded_by = text, timezone.now(), actor
    alert.save(update_fields=["response", "responded_at", "responded_by"])
    audit_record(
        actor=actor,
        action="alert.respond",
        target=Target.of(alert, "alert"),
        changes=diff(before, {"response": text, "responded_at": alert.responded_at}),
    )
    return alert
