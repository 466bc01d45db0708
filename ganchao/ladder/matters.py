"""Levels 3–5 of the ladder for supervised matters (DESIGN.md 3.9): the causes the tick finds
for a matter and the response due of a matter's 督办单. Levels 4–5 need nothing of their own:
通报 and 约谈 follow the issued 督办单 whatever its subject.

- a 催办 about the matter (a level-2 Alert with the matter set) not answered by its response due:
  answered means a written explanation on the alert or a substantive feedback on the matter,
  either no later than that day;
- the matter red (its response overdue) for 10 working days of office time since the response
  fell due; the deadline is the cause key, so a new deadline (after an extension, a return or a
  reopening) is a new cause.

The cause finders take `proposal`, the escalation module's Proposal type, as an argument
(escalation imports this module, not the other way round).
"""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.ladder.documents import plain_date
from ganchao.ladder.models import SupervisionNotice
from ganchao.supervision import matter_rules
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.matter_selectors import OPEN_STATES, light_of
from ganchao.supervision.models import Alert, Matter, MatterFeedback

RED_WORKING_DAYS = 10
NOTICE_MAX_WORKING_DAYS = 5


def cause_key_of(deadline: dt.datetime) -> str:
    """The deadline as the level-2 alerts key it (minutes, Asia/Shanghai)."""
    return timezone.localtime(deadline).strftime("%Y-%m-%dT%H:%M")


def red_causes(at: dt.datetime, cal, proposal) -> list:
    """Matters whose response has been overdue for 10 working days at `at` and still is."""
    day_micros = cal.day_micros
    matters = list(
        Matter.objects.filter(
            state__in=OPEN_STATES,
            lead_unit__isnull=False,
            responded_at__isnull=True,
            response_due__lt=at,
        ).order_by("pk")
    )
    proposed = set(_proposed_keys([m.pk for m in matters]))  # (matter_id, cause_key)
    found = []
    for matter in matters:
        key = cause_key_of(matter.response_due)
        if (matter.pk, key) in proposed:
            continue
        if light_of(matter, at, cal) != matter_rules.RED:
            continue
        if cal.working_micros_between(matter.response_due, at) < day_micros * RED_WORKING_DAYS:
            continue
        reason = _("反馈期限为%(due)s，超期未反馈已满%(n)d个工作日。") % {
            "due": _moment(matter.response_due),
            "n": RED_WORKING_DAYS,
        }
        found.append(
            proposal(
                Trigger.RED_TEN_DAYS, key, None, matter.lead_unit_id, reason, matter_id=matter.pk
            )
        )
    return found


def _moment(when: dt.datetime) -> str:
    local = timezone.localtime(when)
    return f"{plain_date(local.date())} {local:%H:%M}"


def _proposed_keys(matter_ids: list[int]):
    if not matter_ids:
        return []
    return SupervisionNotice.objects.filter(
        trigger=Trigger.RED_TEN_DAYS, matter_id__in=matter_ids
    ).values_list("matter_id", "cause_key")


def unanswered_urge_causes(at: dt.datetime, day: dt.date, proposal) -> list:
    """A matter's 催办 neither explained nor answered substantively by its response due."""
    rows = (
        Alert.objects.filter(
            level=Level.URGE, at__lte=at, response_due__lt=day, matter__isnull=False
        )
        # answered in writing by the due date (local day): never a cause, read no more (these
        # rows only grow, and a tick with nothing new would load them all again)
        .filter(Q(responded_at__isnull=True) | Q(responded_at__date__gt=F("response_due")))
        # a matter already completed or closed out needs no 督办 any more
        .filter(matter__state__in=OPEN_STATES)
        .filter(~Exists(SupervisionNotice.objects.filter(urge=OuterRef("pk"))))
        .values_list(
            "pk", "matter_id", "unit_id", "trigger", "cause_key", "at", "response_due",
            "responded_at",
        )
        .order_by("at", "pk")
    )  # fmt: skip
    rows = list(rows)
    feedback = _substantive_feedback({row[1] for row in rows})
    found = []
    for pk, matter_id, unit_id, trigger, key, urged_at, response_due, responded_at in rows:
        if responded_at is not None and timezone.localtime(responded_at).date() <= response_due:
            continue
        if any(
            urged_at <= when and timezone.localtime(when).date() <= response_due
            for when in feedback.get(matter_id, ())
        ):
            continue
        reason = _("%(urged)s催办（%(trigger)s），未在%(due)s前书面说明或实质性反馈。") % {
            "urged": plain_date(timezone.localtime(urged_at).date()),
            "trigger": Trigger(trigger).label,
            "due": plain_date(response_due),
        }
        found.append(
            proposal(
                Trigger.URGE_UNANSWERED,
                f"{trigger}:{key}",
                None,
                unit_id,
                reason,
                pk,
                matter_id=matter_id,
            )
        )
    return found


def _substantive_feedback(matter_ids: set[int]) -> dict[int, list[dt.datetime]]:
    result: dict[int, list[dt.datetime]] = {}
    if not matter_ids:
        return result
    rows = MatterFeedback.objects.filter(
        matter_id__in=sorted(matter_ids), substantive=True
    ).values_list("matter_id", "created_at")
    for matter_id, created_at in rows:
        result.setdefault(matter_id, []).append(created_at)
    return result


def subjects(ids: set[int]) -> dict[int, Matter]:
    rows = Matter.objects.filter(id__in=sorted(ids)).only("id", "title", "urgency")
    return {m.pk: m for m in rows}


def tier_working_days(matter: Matter) -> int | None:
    """Working days a matter's 督办单 allows: its tier's response days, at most 5; None for a
    tier answered by milestones (long-term)."""
    days = matter_rules.deadline_table()[matter.urgency].get("response_days")
    return min(days, NOTICE_MAX_WORKING_DAYS) if days else None


def notice_response_due(matter: Matter, at: dt.datetime, cal) -> dt.date:
    """min(the matter's tier deadline, 5 working days) from the issuing day (DESIGN.md 3.9)."""
    day = timezone.localtime(at).date()
    days = tier_working_days(matter)
    if days:
        return cal.add_working_days(day, days)
    five = cal.add_working_days(day, NOTICE_MAX_WORKING_DAYS)
    milestones = [dt.date.fromisoformat(d) for d in matter.milestones or []]
    milestone = matter_rules.response_due(matter.urgency, at, cal, milestones)
    if milestone is None:
        return five
    return min(five, timezone.localtime(milestone).date())
