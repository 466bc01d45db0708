"""Writes of 领着干's field visits and burden meter. Each is one transaction with its audit event.

Who writes: the supervision office records any visit; a city leader records the visits they led
(or joined); a visit names a leader, participants, or both. Requests to grassroots units are
recorded by the office or by the sending unit itself. The monthly warning threshold is the
office's to set.
"""

import datetime as dt
from importlib import import_module

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import FieldError, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import GRASSROOTS_TYPES, Role
from ganchao.orgs.scoping import scope_of
from ganchao.visits.choices import PlaceKind, RequestKind, Severity, VisitKind
from ganchao.visits.models import (
    BurdenRequest,
    BurdenSetting,
    Demand,
    FieldVisit,
    Finding,
    Guidance,
)

MAX_TEXT = 2000
MAX_ROWS = 50

register("visit.create", _("登记调研督导"))
register("visit.finding_to_matter", _("发现问题转督办事项"))
register("burden.request_create", _("登记下发要求"))
register("burden.threshold_set", _("设置基层负担警示阈值"))
register_object_type("fieldvisit", _("调研督导"))
register_object_type("burdenrequest", _("下发要求登记"))
register_object_type("burdensetting", _("基层负担设置"))


def may_record_visits(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE, Role.LEADER)


def _require_writer(actor) -> None:
    if not may_record_visits(actor):
        raise NotFound(_("页面不存在"))


def _text(value, field: str, label: str, *, max_length: int, errors: list) -> str:
    text = (value or "").strip()
    if not text:
        errors.append(FieldError(field, _("%(label)s：请填写") % {"label": label}))
    elif len(text) > max_length:
        errors.append(
            FieldError(field, _("%(label)s：不能超过%(n)d字") % {"label": label, "n": max_length})
        )
    return text


def _check_people(actor, leader, participants, errors: list) -> None:
    if leader is None and not participants:
        errors.append(FieldError("leader", _("带队领导和参加人员：至少填写一项")))
    scope = scope_of(actor)
    if leader is not None and not scope.has(Role.OFFICE) and leader.pk != actor.leader_id:
        errors.append(FieldError("leader", _("带队领导：只能登记本人带队的调研督导")))
    if any(not user.is_active for user in participants):
        errors.append(FieldError("participants", _("参加人员：不能选择已停用的账号")))


def _clean_findings(findings, errors: list) -> list[dict]:
    cleaned = []
    for n, row in enumerate(findings, start=1):
        field = f"findings[{n}]"
        text = _text(
            row.get("description"),
            field,
            _("第%(n)d个发现问题") % {"n": n},
            max_length=MAX_TEXT,
            errors=errors,
        )
        severity = row.get("severity") or Severity.MINOR
        if severity not in Severity.values:
            errors.append(FieldError(field, _("第%(n)d个发现问题：严重程度无效") % {"n": n}))
        unit = row.get("unit")
        if unit is not None and not unit.active:
            errors.append(FieldError(field, _("第%(n)d个发现问题：责任单位已停用") % {"n": n}))
        cleaned.append({"description": text, "severity": severity, "unit": unit})
    return cleaned


def _clean_lines(lines, field: str, label: str, errors: list) -> list[str]:
    return [
        _text(line, f"{field}[{n}]", f"{label}{n}", max_length=MAX_TEXT, errors=errors)
        for n, line in enumerate(lines, start=1)
    ]


@transaction.atomic
def visit_create(
    *,
    actor,
    unit,
    place_kind: str,
    place_name: str,
    visited_on: dt.date | None,
    purpose: str,
    kind: str = VisitKind.RESEARCH,
    leader=None,
    participants=(),
    findings=(),
    guidance=(),
    demands=(),
) -> FieldVisit:
    """Record a field visit with its findings, guidance (指导事项) and demands (要求事项)."""
    _require_writer(actor)
    participants = list(participants)
    errors: list[FieldError] = []
    if kind not in VisitKind.values:
        errors.append(FieldError("kind", _("类型：请选择调研或督导")))
    if unit is None or not unit.active:
        errors.append(FieldError("unit", _("走访单位：请选择一个启用的单位")))
    if place_kind not in PlaceKind.values:
        errors.append(FieldError("place_kind", _("地点类型：请选择村/社区、项目现场或企业车间")))
    place_name = _text(place_name, "place_name", _("地点名称"), max_length=200, errors=errors)
    purpose = _text(purpose, "purpose", _("调研督导事由"), max_length=MAX_TEXT, errors=errors)
    if visited_on is None:
        errors.append(FieldError("visited_on", _("日期：请填写")))
    _check_people(actor, leader, participants, errors)
    if max(len(findings), len(guidance), len(demands)) > MAX_ROWS:
        errors.append(FieldError("findings", _("每类事项最多%(n)d条") % {"n": MAX_ROWS}))
    finding_rows = _clean_findings(findings, errors)
    guidance_rows = _clean_lines(guidance, "guidance", _("指导事项"), errors)
    demand_rows = _clean_lines(demands, "demands", _("要求事项"), errors)
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    visit = FieldVisit.objects.create(
        kind=kind,
        leader=leader,
        unit=unit,
        place_kind=place_kind,
        place_name=place_name,
        visited_on=visited_on,
        purpose=purpose,
        created_by=actor,
    )
    visit.participants.set(participants)
    _create_rows(visit, finding_rows, guidance_rows, demand_rows)
    audit_record(
        actor=actor,
        action="visit.create",
        target=Target.of(visit, "fieldvisit"),
        changes=diff(
            {}, _visit_snapshot(visit, participants, finding_rows, guidance_rows, demand_rows)
        ),
    )
    return visit


def _create_rows(visit, finding_rows, guidance_rows, demand_rows) -> None:
    Finding.objects.bulk_create(
        Finding(visit=visit, position=n, unit=row["unit"] or visit.unit, **_finding_fields(row))
        for n, row in enumerate(finding_rows, start=1)
    )
    Guidance.objects.bulk_create(
        Guidance(visit=visit, position=n, content=text)
        for n, text in enumerate(guidance_rows, start=1)
    )
    Demand.objects.bulk_create(
        Demand(visit=visit, position=n, content=text) for n, text in enumerate(demand_rows, start=1)
    )


def _finding_fields(row: dict) -> dict:
    return {"description": row["description"], "severity": row["severity"]}


def _visit_snapshot(visit, participants, finding_rows, guidance_rows, demand_rows) -> dict:
    return {
        "kind": visit.kind,
        "leader": str(visit.leader) if visit.leader else None,
        "participants": [user.display_name for user in participants],
        "unit": visit.unit.code,
        "place_kind": visit.place_kind,
        "place_name": visit.place_name,
        "visited_on": visit.visited_on,
        "purpose": visit.purpose,
        "findings": [
            f"[{row['severity']}] {row['description']}"
            + (f" → {row['unit'].code}" if row["unit"] else "")
            for row in finding_rows
        ],
        "guidance": guidance_rows,
        "demands": demand_rows,
    }


# ---- a finding becomes a matter ----------------------------------------------------------------


def matter_services():
    """Integration point with the supervision app's matters (督办事项): its create and assign
    services, or None while they are not available (the pages then offer no "转督办事项")."""
    try:
        module = import_module("ganchao.supervision.matter_services")
    except ImportError:
        return None
    create = getattr(module, "matter_create", None)
    assign = getattr(module, "matter_assign", None)
    return (create, assign) if create and assign else None


def _finding_for_change(actor, finding_id: int) -> Finding:
    from ganchao.visits.selectors import visit_get

    finding = Finding.objects.filter(pk=finding_id).select_related("unit").first()
    if finding is None:
        raise NotFound(_("发现问题不存在"))
    visit = visit_get(actor=actor, pk=finding.visit_id)
    if not may_convert_findings(actor, visit):
        raise NotFound(_("发现问题不存在"))
    finding.visit = visit
    return finding


def may_convert_findings(actor, visit) -> bool:
    """The office, or the leader who led the visit, turns its findings into matters."""
    scope = scope_of(actor)
    return scope.has(Role.OFFICE) or (
        scope.has(Role.LEADER)
        and actor.leader_id is not None
        and visit.leader_id == actor.leader_id
    )


@transaction.atomic
def finding_to_matter(*, actor, finding_id: int, urgency: str, person: str, unit=None):
    """Turn a finding into a matter (立项) and hand it to `unit` (default: the finding's unit)
    with the person responsible there (交办). Returns the finding with matter_id set; while
    matters are not available it returns None and writes nothing."""
    available = matter_services()
    if available is None:
        return None
    create, assign = available
    finding = _finding_for_change(actor, finding_id)
    if finding.matter_id is not None:
        raise ValidationFailed.on("finding", _("该问题已转为督办事项"))
    visit = finding.visit
    target_unit = unit or finding.unit or visit.unit
    place = f"{visit.visited_on.year}年{visit.visited_on.month}月{visit.visited_on.day}日 {visit.place_name}"
    matter = create(
        actor=actor,
        title=finding.description[:200],
        content=_("%(text)s（调研督导发现，%(place)s）")
        % {"text": finding.description, "place": place},
        source="instruction" if visit.leader_id else "key_work",
        urgency=urgency,
        leader=visit.leader,  # a visit led by a leader: the leader's instruction (交办领导)
    )
    assign(actor=actor, matter_id=matter.pk, lead=(target_unit, person))
    finding.matter_id = matter.pk
    finding.save(update_fields=["matter_id"])
    audit_record(
        actor=actor,
        action="visit.finding_to_matter",
        target=Target.of(visit, "fieldvisit"),
        changes={
            f"findings[{finding.position}].matter": {"before": None, "after": matter.pk},
            "unit": {"before": None, "after": target_unit.code},
        },
    )
    return finding


# ---- the burden meter ------------------------------------------------------------------------


def may_record_requests(actor, from_unit) -> bool:
    scope = scope_of(actor)
    return scope.has(Role.OFFICE) or (
        from_unit is not None and scope.covers_path(from_unit.path, write=True)
    )


@transaction.atomic
def burden_request_create(
    *,
    actor,
    title: str,
    from_unit,
    to_units,
    sent_on: dt.date | None,
    kind: str = RequestKind.DATA_REQUEST,
    item=None,
) -> BurdenRequest:
    """Record a request sent to grassroots units (a notice, a form to fill, a data request)."""
    if not scope_of(actor).is_staff_user:
        raise NotFound(_("页面不存在"))
    to_units = list(to_units)
    errors: list[FieldError] = []
    title = _text(title, "title", _("标题"), max_length=300, errors=errors)
    if kind not in RequestKind.values:
        errors.append(FieldError("kind", _("类型：请选择通知、指示批示、报送要求或数据索要")))
    if from_unit is None:
        errors.append(FieldError("from_unit", _("发出单位：请填写")))
    elif not may_record_requests(actor, from_unit):
        errors.append(FieldError("from_unit", _("发出单位：只能登记本单位发出的要求")))
    if not to_units:
        errors.append(FieldError("to_units", _("接收单位：至少选择一个基层单位")))
    bad = [u.name for u in to_units if u.type not in GRASSROOTS_TYPES or not u.active]
    if bad:
        errors.append(
            FieldError(
                "to_units",
                _("接收单位：%(names)s 不是启用的镇、街道、园区、村或社区")
                % {"names": "、".join(bad)},
            )
        )
    if sent_on is None:
        errors.append(FieldError("sent_on", _("发出日期：请填写")))
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    request = BurdenRequest.objects.create(
        title=title, kind=kind, from_unit=from_unit, sent_on=sent_on, item=item, created_by=actor
    )
    request.to_units.set(to_units)
    after = {
        "title": title,
        "kind": kind,
        "from_unit": from_unit.code,
        "to_units": [u.code for u in to_units],
        "sent_on": sent_on,
        "item": item.code if item else None,
    }
    audit_record(
        actor=actor,
        action="burden.request_create",
        target=Target.of(request, "burdenrequest"),
        changes=diff({}, after),
    )
    return request


@transaction.atomic
def burden_threshold_set(*, actor, monthly_threshold) -> BurdenSetting:
    """Set the monthly number of requests beyond which a unit shows the warning."""
    if not scope_of(actor).has(Role.OFFICE):
        # Every staff user reads the threshold on the burden meter: 403, not 404.
        raise Forbidden(_("只有督查室可以设置每月警示阈值"))
    try:
        value = int(str(monthly_threshold).strip())
    except (TypeError, ValueError):
        raise ValidationFailed.on("monthly_threshold", _("每月警示阈值：请填写整数")) from None
    if not 1 <= value <= 10000:
        raise ValidationFailed.on("monthly_threshold", _("每月警示阈值：应在1到10000之间"))
    setting, _created = BurdenSetting.objects.select_for_update().get_or_create(pk=1)
    before = {"monthly_threshold": None if _created else setting.monthly_threshold}
    setting.monthly_threshold = value
    setting.save(update_fields=["monthly_threshold", "updated_at"])
    audit_record(
        actor=actor,
        action="burden.threshold_set",
        target=Target("burdensetting", "1", str(_("基层负担设置"))),
        changes=diff(before, {"monthly_threshold": value}),
    )
    return setting
