"""Writes of supervised matters (督办事项): one service per step of the workflow declared in
matter_choices.MATTER_TRANSITIONS. Each runs in one transaction, records a MatterEvent and an
audit event there, and tells the people concerned through their inboxes.

Who may act: the office (督查室) assigns, decides extensions, returns and completes; the issuing
leader (the office when the matter has none) closes out or reopens; a unit on the matter's chain
receives, forwards, answers and asks for more time. A user outside the matter gets NotFound,
exactly as for a matter that does not exist.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, Unit, User
from ganchao.orgs.scoping import scope_of
from ganchao.orgs.selectors import unit_contacts
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import (
    MATTER_TRANSITIONS,
    HandlingRole,
    Source,
    Urgency,
)
from ganchao.supervision.models import (
    Matter,
    MatterEvent,
    MatterHop,
)

for _code, _label in [
    ("matter.create", _("督办事项立项")),
    ("matter.assign", _("督办事项交办")),
    ("matter.receive", _("督办事项签收")),
    ("matter.forward", _("督办事项转办")),
    ("matter.respond", _("督办事项反馈")),
    ("matter.request_extension", _("督办事项申请延期")),
    ("matter.decide_extension", _("督办事项审批延期")),
    ("matter.return", _("督办事项退办")),
    ("matter.complete", _("督办事项办结")),
    ("matter.close", _("督办事项销号")),
    ("matter.reopen", _("督办事项再批示")),
]:
    register(_code, _label)
register_object_type("matter", _("督办事项"))

NOTIFIED_ROLES = (Role.LIAISON, Role.UNIT_HEAD)
MAX_TEXT = 5000
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


# ---- access ----------------------------------------------------------------------------------


def visible_q(actor) -> Q:
    """Matters the actor may read: all for the office; for others the matters of their leader,
    the ones they created, and those handed to a unit in their read scope."""
    scope = scope_of(actor)
    if scope.reads_all:
        return ~Q(pk__in=[])
    query = Q(created_by_id=actor.pk) | Q(
        pk__in=MatterHop.objects.filter(scope.units_q("to_unit__")).values("matter_id")
    )
    if actor.leader_id and scope.has(Role.LEADER):
        query |= Q(leader_id=actor.leader_id)
    return query


def own_unit_ids(actor) -> set[int]:
    """The units the actor works for: their unit and their active posts."""
    ids = {actor.unit_id} if actor.unit_id else set()
    ids |= set(actor.posts.filter(active=True).values_list("unit_id", flat=True))
    return ids


def _matter_for_change(actor, matter_id) -> Matter:
    matter = (
        Matter.objects.select_for_update(of=("self",))
        .filter(visible_q(actor), pk=matter_id)
        .select_related("leader", "lead_unit")
        .first()
    )
    if matter is None:
        raise NotFound(_("督办事项不存在"))
    return matter


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def is_issuer(actor, matter: Matter) -> bool:
    if matter.leader_id:
        return actor.leader_id == matter.leader_id and scope_of(actor).has(Role.LEADER)
    return is_office(actor)


def handler_hop(actor, matter: Matter, unit_id: int | None = None) -> MatterHop | None:
    """The actor's own unit's hop on the matter (the lead unit's first when several)."""
    units = own_unit_ids(actor)
    if unit_id is not None:
        units &= {int(unit_id)}
    hops = [h for h in matter.hops.select_related("to_unit") if h.to_unit_id in units]
    hops.sort(key=lambda h: (h.role != HandlingRole.LEAD, h.pk))
    return hops[0] if hops else None


def check_step(verb: str, matter: Matter, actor, hop: MatterHop | None = None) -> None:
    """Refuse a step the table does not allow, saying why in Chinese."""
    step = MATTER_TRANSITIONS[verb]
    kinds = set()
    if is_office(actor):
        kinds.add("office")
    if is_issuer(actor, matter):
        kinds.add("issuer")
    if hop is not None:
        kinds.add("handler")
    if verb == "complete" and hop is not None:
        raise Forbidden(_("办结须经督查部门审核，承办单位不能自行办结"))
    if not kinds & step.actors:
        raise Forbidden(_actor_refusal(verb, step))
    if matter.state not in step.sources:
        if verb == "close":
            raise Conflict(_("事项尚未办结，不能销号"))
        raise Conflict(
            _("事项当前为“%(state)s”，不能%(verb)s")
            % {"state": matter.get_state_display(), "verb": step.label}
        )


def _actor_refusal(verb: str, step) -> str:
    if step.actors == {"handler"}:
        return _("只有承办该事项的单位才能%(verb)s") % {"verb": step.label}
    if step.actors == {"issuer"}:
        return _("只有交办该事项的领导才能%(verb)s") % {"verb": step.label}
    return _("只有督查部门才能%(verb)s") % {"verb": step.label}


def forward_targets(hop: MatterHop):
    """The units `hop`'s unit may 转办 the matter to: its own active subordinate units (下级单位)
    not yet on the matter. Co-handling units are not offered: they hold the matter already,
    from the 交办 itself."""
    taken = MatterHop.objects.filter(matter_id=hop.matter_id).values("to_unit_id")
    return (
        Unit.objects.filter(active=True, parent_id=hop.to_unit_id)
        .exclude(pk__in=taken)
        .order_by("path")
    )


# ---- helpers ---------------------------------------------------------------------------------


def _now(at):
    return at or timezone.now()


def _text(value, field_name: str, label: str, *, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.on(field_name, _("%(label)s：请填写") % {"label": label})
    if len(text) > MAX_TEXT:
        raise ValidationFailed.on(
            field_name, _("%(label)s：不能超过%(n)d字") % {"label": label, "n": MAX_TEXT}
        )
    return text


def _event(matter, verb, actor, at, text="", unit=None) -> None:
    MatterEvent.objects.create(matter=matter, verb=verb, actor=actor, unit=unit, text=text, at=at)


def _audit(actor, verb, matter, changes=None, reason="") -> None:
    audit_record(
        actor=actor,
        action=f"matter.{verb}",
        target=Target.of(matter, "matter"),
        changes=changes or {},
        reason=reason,
    )


def _save(matter: Matter, *fields: str) -> None:
    matter.version += 1
    matter.save(update_fields=[*fields, "version"])


def unit_users(unit_ids) -> dict[int, list]:
    return unit_contacts(unit_ids, NOTIFIED_ROLES)


def _notify_units(matter, unit_ids, title, body, at) -> None:
    entries = []
    for users in unit_users(unit_ids).values():
        for user in users:
            entries.append((user, _message(matter, title, body)))
    notifications_create_many(entries, at=at)


def _notify_office(matter, title, body, at, kind="matter") -> None:
    """The office responsible for the lead unit (a city's own office at province scale)."""
    users = offices_for([matter.lead_unit_id]).get(matter.lead_unit_id, [])
    message = {**_message(matter, title, body), "kind": kind}
    notifications_create_many([(u, message) for u in users], at=at)


def _notify_issuer(matter, title, body, at) -> None:
    if matter.leader_id:
        users = User.objects.filter(is_active=True, leader_id=matter.leader_id)
        notifications_create_many([(u, _message(matter, title, body)) for u in users], at=at)
    else:
        _notify_office(matter, title, body, at)


def _message(matter, title, body) -> dict:
    return {
        "title": f"{title}：{matter.title}"[:200],
        "body": body,
        "url": f"/supervision/matters/{matter.pk}/",
        "kind": "matter",
    }


# ---- 立项 and 交办 ---------------------------------------------------------------------------


@transaction.atomic
def matter_create(
    *,
    actor,
    title: str,
    content: str,
    source: str,
    urgency: str,
    item=None,
    report=None,
    milestones=(),
    leader=None,
    at: dt.datetime | None = None,
) -> Matter:
    """立项. The office registers any matter, naming the leader who gave the instruction (交办领导:
    required for a 领导批示, optional for what the office raises itself); a leader's matter is
    their own instruction."""
    at = _now(at)
    scope = scope_of(actor)
    if not scope.has(Role.OFFICE, Role.LEADER):
        raise Forbidden(_("只有市级领导和督查部门才能立项督办事项"))
    title = _text(title, "title", _("标题"))[:200]
    content = _text(content, "content", _("批示或交办内容"))
    if source not in Source.values:
        raise ValidationFailed.on("source", _("来源：请选择"))
    if urgency not in Urgency.values:
        raise ValidationFailed.on("urgency", _("紧急程度：请选择"))
    if (
        item is not None
        and not scope.reads_all
        and not item.assignments.filter(scope.units_q("unit__")).exists()
    ):
        raise NotFound(_("目标事项不存在"))
    days = sorted(set(milestones))
    if urgency == Urgency.LONG_TERM and not days:
        raise ValidationFailed.on("milestones", _("节点：长期事项请至少填写一个节点日期"))
    leader = _issuing_leader(actor, scope, leader)
    if item is not None and source == Source.INSTRUCTION and leader is None:
        source = Source.KEY_WORK
    elif source == Source.INSTRUCTION and leader is None:
        raise ValidationFailed.on("leader", _("交办领导：领导批示须选择作出批示的领导"))
    matter = Matter.objects.create(
        title=title,
        content=content,
        source=source,
        urgency=urgency,
        leader=leader,
        item=item,
        report=report,
        milestones=[d.isoformat() for d in days],
        created_by=actor,
        created_at=at,
    )
    _event(matter, "create", actor, at, content)
    changes = {"state": {"before": None, "after": matter.state}}
    if leader is not None:
        changes["leader"] = {"before": None, "after": leader.name}
    _audit(actor, "create", matter, changes)
    return matter


def _issuing_leader(actor, scope, chosen: Leader | None) -> Leader | None:
    """A leader writes their own instructions; the office names the leader (or none)."""
    if actor.leader_id and scope.has(Role.LEADER) and not scope.has(Role.OFFICE):
        if chosen is not None and chosen.pk != actor.leader_id:
            raise ValidationFailed.on("leader", _("交办领导：领导只能以本人名义批示"))
        return actor.leader
    if chosen is None:
        return None
    if not isinstance(chosen, Leader) or not chosen.active:
        raise ValidationFailed.on("leader", _("交办领导：请选择在任的市级领导"))
    return chosen


def _unit_entry(entry, label):
    unit, person = entry
    if not isinstance(unit, Unit) or not unit.active:
        raise ValidationFailed.on(
            "lead_unit", _("%(label)s：请选择启用中的单位") % {"label": label}
        )
    person = (person or "").strip()
    if not person:
        raise ValidationFailed.on(
            "lead_person",
            _("%(label)s“%(unit)s”：请填写责任人") % {"label": label, "unit": unit.name},
        )
    return unit, person[:50]


@transaction.atomic
def matter_assign(
    *, actor, matter_id: int, lead: tuple, cooperating=(), at: dt.datetime | None = None
) -> Matter:
    """交办: hand the matter to a lead unit and any co-handling units, each with the person
    responsible there; the receipt and response clocks start now."""
    at = _now(at)
    matter = _matter_for_change(actor, matter_id)
    check_step("assign", matter, actor)
    lead_unit, lead_person = _unit_entry(lead, _("牵头单位"))
    entries = [(lead_unit, lead_person, HandlingRole.LEAD)]
    for entry in cooperating:
        unit, person = _unit_entry(entry, _("协办单位"))
        if unit.pk in {e[0].pk for e in entries}:
            raise ValidationFailed.on("cooperating", _("协办单位：“%(u)s”重复") % {"u": unit.name})
        entries.append((unit, person, HandlingRole.COOPERATING))
    cal = workdays.current_calendar()
    receipt_due = rules.receipt_due(matter.urgency, at, cal)
    for unit, person, role in entries:
        MatterHop.objects.create(
            matter=matter,
            to_unit=unit,
            role=role,
            person=person,
            forwarded_at=at,
            forwarded_by=actor,
            receipt_due=receipt_due,
        )
    matter.state = MATTER_TRANSITIONS["assign"].target
    matter.lead_unit, matter.assigned_at, matter.receipt_due = lead_unit, at, receipt_due
    matter.response_due = rules.response_due(matter.urgency, at, cal, _milestones(matter))
    _save(matter, "state", "lead_unit", "assigned_at", "receipt_due", "response_due")
    names = "、".join(f"{u.name}（{p}）" for u, p, _r in entries)
    _event(matter, "assign", actor, at, names)
    _audit(actor, "assign", matter, {"state": {"before": "draft", "after": matter.state}}, names)
    _notify_units(matter, [e[0].pk for e in entries], _("请签收督办事项"), matter.content, at)
    return matter


def _milestones(matter) -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in matter.milestones or []]


@transaction.atomic
def matter_instruct(
    *, actor, lead: tuple, cooperating=(), at: dt.datetime | None = None, **fields
) -> Matter:
    """Write an instruction and hand it over in one step (立项 and 交办)."""
    matter = matter_create(actor=actor, at=at, **fields)
    return matter_assign(
        actor=actor, matter_id=matter.pk, lead=lead, cooperating=cooperating, at=at
    )
