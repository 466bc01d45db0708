"""Levels 1–2 of the ladder for supervised matters (DESIGN.md 3.9), run by `ganchao tick`:
提醒 when a response falls due within 2 working days, 催办 when receipt or response is 1 working
day overdue. Each cause (level, trigger, matter, deadline) fires once; alerts carry `at`."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record
from ganchao.common import workdays
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.matter_selectors import OPEN_STATES
from ganchao.supervision.models import Alert, Matter
from ganchao.supervision.services import URGE_RESPONSE_WORKING_DAYS, _notify

MATTER_ORDER = 110  # after the goals status scan, before the audit checkpoint
REMIND_WITHIN_WORKING_DAYS = 2
LATE_AFTER_WORKING_DAYS = 1


def matter_causes(matter: Matter, at: dt.datetime, cal) -> list[tuple]:
    """(level, trigger, deadline) for one open matter at `at`."""
    causes = []
    day = cal.day_micros
    receipt_due = matter.receipt_due
    if (
        matter.received_at is None
        and receipt_due
        and cal.working_micros_between(receipt_due, at) >= day * LATE_AFTER_WORKING_DAYS
    ):
        causes.append((Level.URGE, Trigger.MATTER_RECEIPT_LATE, receipt_due))
    due = matter.response_due
    if matter.responded_at is None and due:
        if due >= at and cal.working_micros_between(at, due) <= day * REMIND_WITHIN_WORKING_DAYS:
            causes.append((Level.REMIND, Trigger.MATTER_RESPONSE_DUE_SOON, due))
        elif due < at and cal.working_micros_between(due, at) >= day * LATE_AFTER_WORKING_DAYS:
            causes.append((Level.URGE, Trigger.MATTER_RESPONSE_LATE, due))
    return causes


def _message(matter: Matter, trigger: str, due: dt.datetime) -> str:
    when = timezone.localtime(due).strftime("%Y年%m月%d日 %H:%M")
    texts = {
        Trigger.MATTER_RESPONSE_DUE_SOON: _(
            "督办事项“%(t)s”应于 %(d)s 前反馈，请按时报送实质性反馈。"
        ),
        Trigger.MATTER_RECEIPT_LATE: _("督办事项“%(t)s”已逾期未签收（期限 %(d)s），请立即签收。"),
        Trigger.MATTER_RESPONSE_LATE: _(
            "督办事项“%(t)s”已逾期未反馈（期限 %(d)s），请于3个工作日内反馈或书面说明。"
        ),
    }
    return texts[trigger] % {"t": matter.title, "d": when}


def matter_alerts_scan(at: dt.datetime) -> str:
    with workdays.calendar_session():
        cal = workdays.current_calendar()
        matters = list(
            Matter.objects.filter(state__in=OPEN_STATES, lead_unit__isnull=False).order_by("pk")
        )
        existing = set(
            Alert.objects.filter(matter__in=matters).values_list(
                "level", "trigger", "matter_id", "cause_key"
            )
        )
        rows = []
        for matter in matters:
            for level, trigger, due in matter_causes(matter, at, cal):
                key = timezone.localtime(due).strftime("%Y-%m-%dT%H:%M")
                if (level, trigger, matter.pk, key) in existing:
                    continue
                rows.append(_alert(matter, level, trigger, due, key, at, cal))
        created = _insert(rows, at)
    return _("督办事项新增提醒、催办 %(n)d 条") % {"n": len(created)}


def _alert(matter, level, trigger, due, key, at, cal) -> Alert:
    response_due = None
    if level == Level.URGE:
        response_due = cal.add_working_days(
            timezone.localtime(at).date(), URGE_RESPONSE_WORKING_DAYS
        )
    return Alert(
        level=level,
        trigger=trigger,
        matter=matter,
        unit_id=matter.lead_unit_id,
        cause_key=key,
        at=at,
        message=_message(matter, trigger, due),
        response_due=response_due,
    )


def _insert(rows: list[Alert], at) -> list[Alert]:
    if not rows:
        return []
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created.append(row)
            except IntegrityError:
                continue  # another tick raised this cause first
        _notify(created, at)
        audit_record(
            actor=None,
            action="alert.raise",
            target=Target("matter", "scan", _("督办事项")),
            changes={"alerts": {"before": None, "after": len(created)}},
            reason=_("定时扫描（时点 %(at)s）") % {"at": timezone.localtime(at).isoformat()},
        )
    return created
