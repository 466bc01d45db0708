"""Reads of supervised matters, scoped to what the actor may see, with their lights and the
forwarding chain's dwell times in working time."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import MatterState
from ganchao.supervision.matter_services import own_unit_ids, visible_q
from ganchao.supervision.models import Matter, MatterHop

OPEN_STATES = {MatterState.ASSIGNED, MatterState.IN_PROGRESS, MatterState.RETURNED}


def light_of(matter: Matter, now: dt.datetime, cal) -> str:
    return rules.colour(
        open_=matter.state in OPEN_STATES or matter.state == MatterState.AWAITING_REVIEW,
        now=now,
        cal=cal,
        receipt_due=matter.receipt_due,
        received=matter.received_at is not None,
        response_due=matter.response_due,
        responded=matter.responded_at is not None or matter.state == MatterState.AWAITING_REVIEW,
    )


def light_word(matter: Matter, light: str) -> str:
    if light == rules.GREY:
        return matter.get_state_display()
    return {rules.GREEN: _("正常"), rules.YELLOW: _("临期"), rules.RED: _("超期")}[light]


def with_lights(matters, now: dt.datetime | None = None) -> list[Matter]:
    now = now or timezone.now()
    cal = workdays.current_calendar()
    rows = list(matters)
    for matter in rows:
        matter.light = light_of(matter, now, cal)
        matter.light_word = light_word(matter, matter.light)
    return rows


def matter_list(
    *, actor, state: str = "", source: str = "", urgency: str = "", unit: str = "", q: str = ""
):
    """Matters the actor may see, newest first; `unit` matches the lead unit's code or name."""
    query = (
        Matter.objects.filter(visible_q(actor))
        .select_related("lead_unit", "leader", "item")
        .order_by("-created_at", "-id")
    )
    if state in MatterState.values:
        query = query.filter(state=state)
    if source:
        query = query.filter(source=source)
    if urgency:
        query = query.filter(urgency=urgency)
    if unit:
        query = query.filter(lead_unit__code=unit) | query.filter(lead_unit__name=unit)
    if q:
        query = query.filter(title__icontains=q)
    return query


def matter_get(*, actor, pk: int) -> Matter:
    matter = (
        Matter.objects.filter(visible_q(actor), pk=pk)
        .select_related("lead_unit", "leader", "item", "created_by")
        .prefetch_related(
            Prefetch("hops", queryset=MatterHop.objects.select_related("from_unit", "to_unit")),
            "feedbacks__unit",
            "feedbacks__created_by",
            "extensions__unit",
            "events__unit",
            "events__actor",
        )
        .first()
    )
    if matter is None:
        raise NotFound(_("督办事项不存在"))
    return matter


@dataclass
class HopRow:
    hop: MatterHop
    waiting: Decimal  # forwarded → received (or → now while not received), working hours
    waiting_days: Decimal
    held: Decimal | None  # received → forwarded onwards (or → now), working hours
    received: bool


def _hours(cal, start, end) -> Decimal:
    micros = cal.working_micros_between(start, end)
    return (Decimal(micros) / Decimal(3_600_000_000)).quantize(Decimal("0.1"))


def hop_timeline(matter: Matter, now: dt.datetime | None = None) -> list[HopRow]:
    """Each hop with its dwell time: how long it waited to be received, and how long the
    receiving unit held it before passing it on (its last onward hop, or now)."""
    now = now or timezone.now()
    cal = workdays.current_calendar()
    day_hours = Decimal(cal.day_micros) / Decimal(3_600_000_000)
    hops = list(matter.hops.all())
    rows = []
    for hop in hops:
        end = hop.received_at or now
        waiting = _hours(cal, hop.forwarded_at, end)
        onward = [h.forwarded_at for h in hops if h.from_unit_id == hop.to_unit_id]
        held = None
        if hop.received_at:
            held = _hours(cal, hop.received_at, max(onward) if onward else now)
        rows.append(
            HopRow(
                hop,
                waiting,
                (waiting / day_hours).quantize(Decimal("0.1")),
                held,
                bool(hop.received_at),
            )
        )
    return rows


def inbox(*, actor, now: dt.datetime | None = None) -> dict[str, list]:
    """The actor's units' matters: to receive, to answer, and overdue (a matter may be in
    both "to answer" and "overdue")."""
    now = now or timezone.now()
    units = own_unit_ids(actor)
    hops = list(
        MatterHop.objects.filter(to_unit_id__in=units, matter__state__in=OPEN_STATES)
        .select_related("matter__lead_unit", "matter__leader", "to_unit")
        .order_by("matter__response_due", "pk")
    )
    to_receive = [h for h in hops if h.received_at is None]
    to_answer = [h for h in hops if h.received_at is not None and h.matter.responded_at is None]
    overdue = [
        h
        for h in hops
        if (h.received_at is None and h.receipt_due < now)
        or (h.matter.responded_at is None and h.matter.response_due and h.matter.response_due < now)
    ]
    with_lights([h.matter for h in hops], now)
    return {"to_receive": to_receive, "to_answer": to_answer, "overdue": overdue}
