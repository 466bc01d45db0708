"""Writes of the problem ledger (DESIGN.md 3.14): register a problem (or recognise a recurrence),
edit it, enter the plan, report the rectification with photos, verify and 销号, add photos, and
turn a visit's finding into a problem. Each is one transaction with its audit event and its
timeline event; each refuses with ValidationFailed (422, naming the field), Forbidden (403),
NotFound (404, outside scope) or Conflict (409, the state forbids the step or a stale version).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import filestore, workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.problems import photos as photo_store
from ganchao.problems.choices import (
    PLANNABLE_STATES,
    TRANSITIONS,
    UNCLOSED_STATES,
    Category,
    EventKind,
    PhotoStage,
    PlaceType,
    Severity,
    Source,
    State,
)
from ganchao.problems.models import Problem, ProblemEvent, ProblemPhoto, ProblemSettings

register_object_type("problem", gettext_lazy("问题"))
for _code, _label in {
    "problem.create": gettext_lazy("登记问题"),
    "problem.recur": gettext_lazy("问题复发"),
    "problem.update": gettext_lazy("修改问题"),
    "problem.plan": gettext_lazy("制定整改措施"),
    "problem.report": gettext_lazy("报告整改"),
    "problem.verify": gettext_lazy("核验销号"),
    "problem.reject": gettext_lazy("核验未通过"),
    "problem.photos_add": gettext_lazy("上传问题照片"),
    "problem.escalate": gettext_lazy("问题逾期催督办"),
    "problem.from_finding": gettext_lazy("调研发现问题转入问题台账"),
    "problem.settings_update": gettext_lazy("修改问题台账设置"),
}.items():
    register(_code, _label)

# Who may name any unit as the owner of a problem they register.
ASSIGNING_ROLES = (Role.OFFICE, Role.LEADER, Role.COMMISSIONER, Role.ENFORCEMENT_OFFICER)
OWNER_ROLES = (Role.LIAISON, Role.UNIT_HEAD)
EDITABLE_FIELDS = (
    "place_type",
    "place",
    "place_unit",
    "category",
    "severity",
    "description",
    "legacy",
    "blocks_project",
    "owner_unit",
    "deadline",
    "item",
    "matter",
    "case",
)
SPACES = re.compile(r"\s+")
NUMBER_RETRIES = 5


# ---- settings ----------------------------------------------------------------------------------


def settings_get() -> ProblemSettings:
    found = ProblemSettings.objects.filter(pk=1).first()
    return found or ProblemSettings(pk=1)


@transaction.atomic
def problem_settings_update(*, actor, **fields) -> ProblemSettings:
    """The office sets the recurrence window and the default deadlines per severity."""
    if not scope_of(actor).has(Role.OFFICE):
        raise Forbidden(_("只有督查室可以修改问题台账设置"))
    current = settings_get()
    before = {name: getattr(current, name) for name in SETTING_LIMITS}
    for name, value in fields.items():
        if name not in SETTING_LIMITS:
            raise ValidationFailed.on(name, _("未知的设置项"))
        low, high, label = SETTING_LIMITS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationFailed.on(
                name,
                _("%(label)s：请填写 %(low)d 至 %(high)d 之间的整数")
                % {"label": label, "low": low, "high": high},
            )
        setattr(current, name, value)
    current.save()
    after = {name: getattr(current, name) for name in SETTING_LIMITS}
    audit_record(
        actor=actor,
        action="problem.settings_update",
        target=Target("problemsettings", "1", str(_("问题台账设置"))),
        changes=diff(before, after),
    )
    return current


SETTING_LIMITS = {
    "recurrence_window_days": (1, 3650, gettext_lazy("复发认定期（天）")),
    "deadline_general_days": (1, 250, gettext_lazy("一般问题整改时限（工作日）")),
    "deadline_serious_days": (1, 250, gettext_lazy("较重问题整改时限（工作日）")),
    "deadline_severe_days": (1, 250, gettext_lazy("严重问题整改时限（工作日）")),
    "escalate_after_working_days": (1, 250, gettext_lazy("逾期后报分管领导督办（工作日）")),
}


# ---- rules ---------------------------------------------------------------------------------


def place_key(place: str) -> str:
    """The place as recurrence compares it: without any whitespace."""
    return SPACES.sub("", place or "")[:200]


def default_deadline(found_on: dt.date, severity: str, settings=None) -> dt.date:
    """found_on plus the severity's working days (20 / 10 / 5 by default) on the calendar."""
    settings = settings or settings_get()
    return workdays.add_working_days(found_on, settings.deadline_days(severity))


def is_owner(actor, problem) -> bool:
    """A user of the owner unit (or a unit above it) — its liaison, head or any member."""
    return scope_of(actor).covers_path(problem.owner_unit.path, write=True)


def may_handle(actor, problem) -> bool:
    """Plans and reports the rectification: the owner unit's liaison or head, or the office."""
    scope = scope_of(actor)
    return scope.has(Role.OFFICE) or (scope.has(*OWNER_ROLES) and is_owner(actor, problem))


def is_finder(actor, problem) -> bool:
    return actor is not None and problem.found_by_id == actor.pk


def may_verify(actor, problem) -> bool:
    """销号 is the finder's or the office's, never the owner's alone: a finder who belongs to
    the owner unit cannot close the problem they must rectify."""
    if scope_of(actor).has(Role.OFFICE):
        return True
    return is_finder(actor, problem) and not is_owner(actor, problem)


def may_edit(actor, problem) -> bool:
    return scope_of(actor).has(Role.OFFICE) or is_finder(actor, problem)


# ---- helpers -----------------------------------------------------------------------------------


def _now():
    return timezone.now()


def _text(value, field: str, label, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed.on(field, _("%(label)s：请填写") % {"label": label})
    if limit and len(text) > limit:
        raise ValidationFailed.on(
            field, _("%(label)s：不能超过 %(n)d 个字") % {"label": label, "n": limit}
        )
    return text


def _choice(value, field: str, label, choices) -> str:
    if value not in choices.values:
        raise ValidationFailed.on(field, _("%(label)s：请选择") % {"label": label})
    return value


def _target(problem) -> Target:
    return Target("problem", str(problem.pk), f"{problem.number} {problem.description[:60]}")


def _event(problem, kind, *, actor, note="", from_state="", to_state="", at=None):
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        actor=actor,
        at=at or _now(),
        note=note,
        from_state=from_state,
        to_state=to_state,
    )


def _lock(problem) -> Problem:
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("owner_unit")
        .get(pk=problem.pk)
    )


def _for_change(actor, problem) -> Problem:
    """The problem re-read under a lock, after checking the actor sees it (404 otherwise)."""
    from ganchao.problems.selectors import problems_visible

    if not problems_visible(actor).filter(pk=problem.pk).exists():
        raise NotFound(_("问题不存在"))
    return _lock(problem)


def _require_state(problem, to: str, step) -> None:
    if to not in TRANSITIONS.get(problem.state, set()):
        raise Conflict(
            _("问题当前“%(state)s”，不能%(step)s")
            % {"state": State(problem.state).label, "step": step}
        )


def _move(problem, to: str, fields=()) -> str:
    before = problem.state
    problem.state = to
    problem.version += 1
    problem.save(update_fields=["state", "version", "updated_at", *fields])
    return before


def _store_photos(problem, checked, *, actor, stage, event) -> list[ProblemPhoto]:
    rows = []
    for upload, thumb in checked:
        stored = photo_store.store(upload, thumb)
        rows.append(
            ProblemPhoto(
                problem=problem,
                stage=stage,
                original_name=stored.stored.original_name,
                file=stored.stored.name,
                content_type=stored.stored.content_type,
                size=stored.stored.size,
                sha256=stored.stored.sha256,
                thumbnail=stored.thumbnail,
                thumbnail_sha256=stored.thumbnail_sha256,
                uploaded_by=actor,
                event=event,
            )
        )
    return ProblemPhoto.objects.bulk_create(rows)


def _next_number(year: int) -> str:
    prefix = f"WT{year}"
    last = (
        Problem.objects.filter(number__regex=rf"^{prefix}[0-9]{{5}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def _check_owner_choice(actor, owner_unit) -> None:
    if owner_unit is None:
        raise ValidationFailed.on("owner_unit", _("责任单位：请选择"))
    if not owner_unit.active:
        raise ValidationFailed.on("owner_unit", _("责任单位已撤销，请另选"))
    if actor is None:
        return
    scope = scope_of(actor)
    if not scope.is_staff_user:
        raise Forbidden(_("当前账号不能登记问题"))
    if not scope.has(*ASSIGNING_ROLES) and not scope.covers_path(owner_unit.path, write=True):
        raise ValidationFailed.on(
            "owner_unit", _("责任单位：只能选择本单位或下属单位；其他单位的问题请报督查室交办")
        )


def _found_on(found_on, today) -> dt.date:
    found_on = found_on or today
    if found_on > today:
        raise ValidationFailed.on("found_on", _("发现日期不能晚于今天"))
    return found_on


def _check_deadline(deadline, found_on) -> None:
    if deadline is not None and deadline < found_on:
        raise ValidationFailed.on("deadline", _("整改时限不能早于发现日期"))


# ---- create and recurrence -----------------------------------------------------------------


def problem_create(
    *,
    actor,
    source,
    place_type,
    place,
    category,
    severity,
    description,
    owner_unit,
    legacy=False,
    blocks_project=False,
    found_on=None,
    deadline=None,
    item=None,
    matter=None,
    case=None,
    finding=None,
    place_unit=None,
    photos=(),
    number=None,
) -> Problem:
    """登记. A closed problem of the same place type, place and category closed within the
    recurrence window is reopened instead (and returned); an unclosed one with the same key gets
    the new problem linked to it and its count increased. `actor` None is the system (a scan).
    """
    fields = {
        "source": _choice(source, "source", _("来源"), Source),
        "place_type": _choice(place_type, "place_type", _("地点类型"), PlaceType),
        "place": _text(place, "place", _("地点"), 200),
        "category": _choice(category, "category", _("类别"), Category),
        "severity": _choice(severity, "severity", _("严重程度"), Severity),
        "description": _text(description, "description", _("问题描述"), 4000),
    }
    _check_owner_choice(actor, owner_unit)
    today = timezone.localdate()
    found_on = _found_on(found_on, today)
    _check_deadline(deadline, found_on)
    checked = photo_store.check_all(photos)
    with transaction.atomic():
        settings = settings_get()
        key = place_key(fields["place"])
        reopened = _recurrence_reopen(actor, key, fields, settings, checked, today)
        if reopened is not None:
            return reopened
        for attempt in range(NUMBER_RETRIES):
            try:
                with transaction.atomic():
                    problem = Problem.objects.create(
                        number=number or _next_number(found_on.year),
                        place_key=key,
                        legacy=bool(legacy),
                        blocks_project=bool(blocks_project),
                        owner_unit=owner_unit,
                        place_unit=place_unit,
                        found_on=found_on,
                        found_by=actor,
                        found_by_unit=getattr(actor, "unit", None),
                        deadline=deadline
                        or default_deadline(found_on, fields["severity"], settings),
                        item=item,
                        matter=matter,
                        case=case,
                        finding=finding,
                        **fields,
                    )
                break
            except IntegrityError:
                if number or attempt == NUMBER_RETRIES - 1:
                    raise ValidationFailed.on("number", _("编号已被使用")) from None
        event = _event(problem, EventKind.CREATED, actor=actor, to_state=State.OPEN)
        _store_photos(problem, checked, actor=actor, stage=PhotoStage.FOUND, event=event)
        _link_unclosed_recurrence(actor, problem)
        audit_record(
            actor=actor,
            action="problem.create",
            target=_target(problem),
            changes={
                "number": {"before": None, "after": problem.number},
                "owner_unit": {"before": None, "after": owner_unit.code},
                "state": {"before": None, "after": State.OPEN},
                "photos": {"before": 0, "after": len(checked)},
            },
        )
    return problem


def _recurrence_reopen(actor, key, fields, settings, checked, today) -> Problem | None:
    """Reopen the problem of the same place and category closed within the window, if any."""
    since = _now() - dt.timedelta(days=settings.recurrence_window_days)
    closed = (
        Problem.objects.select_for_update(of=("self",))
        .filter(
            place_type=fields["place_type"],
            place_key=key,
            category=fields["category"],
            state=State.CLOSED,
            closed_at__gte=since,
        )
        .order_by("-closed_at", "-id")
        .first()
    )
    if closed is None:
        return None
    severity = max((closed.severity, fields["severity"]), key=lambda s: Severity.values.index(s))
    closed.severity = severity
    closed.deadline = default_deadline(today, severity, settings)
    closed.recurrence_count += 1
    closed.closed_at = None
    closed.closed_by = None
    before = _move(
        closed,
        State.REOPENED,
        ["severity", "deadline", "recurrence_count", "closed_at", "closed_by"],
    )
    event = _event(
        closed,
        EventKind.RECURRED,
        actor=actor,
        note=fields["description"],
        from_state=before,
        to_state=State.REOPENED,
    )
    _store_photos(closed, checked, actor=actor, stage=PhotoStage.FOUND, event=event)
    audit_record(
        actor=actor,
        action="problem.recur",
        target=_target(closed),
        changes={
            "state": {"before": before, "after": State.REOPENED},
            "recurrence_count": {
                "before": closed.recurrence_count - 1,
                "after": closed.recurrence_count,
            },
        },
        reason=fields["description"][:500],
    )
    return closed


def _link_unclosed_recurrence(actor, problem) -> None:
    """Link a new problem to an unclosed one of the same place and category, and count it."""
    earlier = (
        Problem.objects.select_for_update(of=("self",))
        .filter(
            place_type=problem.place_type,
            place_key=problem.place_key,
            category=problem.category,
            state__in=UNCLOSED_STATES,
        )
        .exclude(pk=problem.pk)
        .order_by("found_on", "id")
        .first()
    )
    if earlier is None:
        return
    problem.recurrence_of = earlier
    problem.save(update_fields=["recurrence_of"])
    earlier.recurrence_count += 1
    earlier.version += 1
    earlier.save(update_fields=["recurrence_count", "version", "updated_at"])
    _event(
        earlier,
        EventKind.RECURRED,
        actor=actor,
        note=_("同一地点同类问题再次发现：%(number)s") % {"number": problem.number},
        from_state=earlier.state,
        to_state=earlier.state,
    )


# ---- edit ------------------------------------------------------------------------------------


@transaction.atomic
def problem_update(*, actor, problem, version, **fields) -> Problem:
    """The office or the finder corrects a problem; never once it is 销号."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("该字段不能修改"))
    problem = _for_change(actor, problem)
    if not may_edit(actor, problem):
        raise Forbidden(_("只有发现人或督查室可以修改问题"))
    if problem.state == State.CLOSED:
        raise Conflict(_("问题已销号，不能再修改"))
    if version != problem.version:
        raise Conflict(_("问题已被他人修改，请刷新后重试"))
    cleaned = _clean_update(actor, problem, fields)
    before = {name: _audit_value(getattr(problem, name)) for name in cleaned}
    for name, value in cleaned.items():
        setattr(problem, name, value)
    if "place" in cleaned:
        problem.place_key = place_key(problem.place)
        cleaned["place_key"] = problem.place_key
    after = {name: _audit_value(getattr(problem, name)) for name in before}
    changes = diff(before, after)
    if not changes:
        return problem
    problem.version += 1
    problem.save(update_fields=[*cleaned, "version", "updated_at"])
    _event(
        problem,
        EventKind.EDITED,
        actor=actor,
        note="、".join(str(Problem._meta.get_field(name).verbose_name) for name in changes),
    )
    audit_record(actor=actor, action="problem.update", target=_target(problem), changes=changes)
    return problem


def _clean_update(actor, problem, fields) -> dict:
    cleaned = dict(fields)
    labels = {"place_type": PlaceType, "category": Category, "severity": Severity}
    for name, choices in labels.items():
        if name in cleaned:
            _choice(cleaned[name], name, Problem._meta.get_field(name).verbose_name, choices)
    for name, limit in (("place", 200), ("description", 4000)):
        if name in cleaned:
            cleaned[name] = _text(
                cleaned[name], name, Problem._meta.get_field(name).verbose_name, limit
            )
    if "owner_unit" in cleaned:
        _check_owner_choice(actor, cleaned["owner_unit"])
    if "deadline" in cleaned:
        if cleaned["deadline"] is None:
            raise ValidationFailed.on("deadline", _("整改时限：请填写"))
        _check_deadline(cleaned["deadline"], problem.found_on)
    for name in ("legacy", "blocks_project"):
        if name in cleaned:
            cleaned[name] = bool(cleaned[name])
    return cleaned


def _audit_value(value):
    if hasattr(value, "code") and hasattr(value, "pk"):
        return value.code
    if hasattr(value, "pk"):
        return value.pk
    return value


# ---- the workflow ----------------------------------------------------------------------------


@transaction.atomic
def problem_plan(*, actor, problem, measures, deadline=None) -> Problem:
    """整改措施: open or reopened → rectifying, by the owner unit's liaison or head, or the
    office. The owner may bring the deadline forward, never push it back."""
    problem = _for_change(actor, problem)
    if not may_handle(actor, problem):
        raise Forbidden(_("只有责任单位的联络员、负责人或督查室可以制定整改措施"))
    if problem.state not in PLANNABLE_STATES:
        raise Conflict(
            _("问题当前“%(state)s”，不能%(step)s")
            % {"state": State(problem.state).label, "step": _("制定整改措施")}
        )
    measures = _text(measures, "measures", _("整改措施"), 4000)
    fields = ["measures"]
    if deadline is not None and deadline != problem.deadline:
        _check_deadline(deadline, problem.found_on)
        if deadline > problem.deadline and not scope_of(actor).has(Role.OFFICE):
            raise ValidationFailed.on("deadline", _("整改时限只能提前；需要延期请报督查室"))
        problem.deadline = deadline
        fields.append("deadline")
    problem.measures = measures
    before = _move(problem, State.RECTIFYING, fields)
    _event(
        problem,
        EventKind.PLANNED,
        actor=actor,
        note=measures,
        from_state=before,
        to_state=State.RECTIFYING,
    )
    audit_record(
        actor=actor,
        action="problem.plan",
        target=_target(problem),
        changes={"state": {"before": before, "after": State.RECTIFYING}, "measures": measures},
    )
    return problem


def problem_report(*, actor, problem, note, photos) -> Problem:
    """整改完成: rectifying → verifying, with at least one photo of the result."""
    note = _text(note, "note", _("整改情况"), 4000)
    photos = list(photos or ())
    if not photos:
        raise ValidationFailed.on("photos", _("整改佐证：请至少上传一张整改后的照片"))
    checked = photo_store.check_all(photos)
    with transaction.atomic():
        problem = _for_change(actor, problem)
        if not may_handle(actor, problem):
            raise Forbidden(_("只有责任单位或督查室可以报告整改情况"))
        _require_state(problem, State.VERIFYING, _("报告整改"))
        before = _move(problem, State.VERIFYING)
        event = _event(
            problem,
            EventKind.REPORTED,
            actor=actor,
            note=note,
            from_state=before,
            to_state=State.VERIFYING,
        )
        _store_photos(problem, checked, actor=actor, stage=PhotoStage.RECTIFIED, event=event)
        audit_record(
            actor=actor,
            action="problem.report",
            target=_target(problem),
            changes={
                "state": {"before": before, "after": State.VERIFYING},
                "photos": {"before": None, "after": len(checked)},
            },
            reason=note[:500],
        )
    return problem


@transaction.atomic
def problem_verify(*, actor, problem, accept: bool, note="") -> Problem:
    """核验: verifying → closed (销号) when accepted, else back to rectifying with the reason.
    Only the finder or the office; never a user of the owner unit (403 naming the rule)."""
    problem = _for_change(actor, problem)
    if is_owner(actor, problem) and not scope_of(actor).has(Role.OFFICE):
        raise Forbidden(_("责任单位不能自行核验销号：销号须由问题发现人或督查室核验"))
    if not may_verify(actor, problem):
        raise Forbidden(_("只有问题发现人或督查室可以核验销号"))
    note = (note or "").strip()
    if accept:
        _require_state(problem, State.CLOSED, _("销号"))
        problem.closed_at = _now()
        problem.closed_by = actor
        before = _move(problem, State.CLOSED, ["closed_at", "closed_by"])
        kind, action, to = EventKind.CLOSED, "problem.verify", State.CLOSED
    else:
        note = _text(note, "note", _("未通过的理由"), 4000)
        _require_state(problem, State.RECTIFYING, _("退回整改"))
        before = _move(problem, State.RECTIFYING)
        kind, action, to = EventKind.REJECTED, "problem.reject", State.RECTIFYING
    _event(problem, kind, actor=actor, note=note, from_state=before, to_state=to)
    audit_record(
        actor=actor,
        action=action,
        target=_target(problem),
        changes={"state": {"before": before, "after": to}},
        reason=note[:500],
    )
    return problem


def problem_add_photos(*, actor, problem, stage, photos) -> list[ProblemPhoto]:
    """Add photos of a stage (发现 / 整改后) to an unclosed problem: its finder, owner or the
    office."""
    _choice(stage, "stage", _("阶段"), PhotoStage)
    photos = list(photos or ())
    if not photos:
        raise ValidationFailed.on("photos", _("请选择要上传的照片"))
    checked = photo_store.check_all(photos)
    with transaction.atomic():
        problem = _for_change(actor, problem)
        if not (
            may_handle(actor, problem) or is_finder(actor, problem) or is_owner(actor, problem)
        ):
            raise Forbidden(_("只有发现人、责任单位或督查室可以上传照片"))
        if problem.state == State.CLOSED:
            raise Conflict(_("问题已销号，不能再上传照片"))
        event = _event(
            problem, EventKind.PHOTO_ADDED, actor=actor, note=str(PhotoStage(stage).label)
        )
        rows = _store_photos(problem, checked, actor=actor, stage=stage, event=event)
        audit_record(
            actor=actor,
            action="problem.photos_add",
            target=_target(problem),
            changes={"photos": {"before": None, "after": [row.original_name for row in rows]}},
        )
    return rows


# ---- from a visit's finding ------------------------------------------------------------------

FINDING_SEVERITY = {
    "minor": Severity.GENERAL,
    "serious": Severity.SERIOUS,
    "severe": Severity.SEVERE,
}


def finding_to_problem(
    *,
    actor,
    finding_id,
    owner_unit,
    category,
    severity=None,
    place_type,
    place,
    also_matter=False,
    **matter_fields,
) -> Problem:
    """A visit's finding becomes a problem of the ledger (source 领导调研, found by the actor on
    the visit's date) and, when asked, also a matter through the visits service."""
    from ganchao.visits import services as visit_services

    with transaction.atomic():
        finding = visit_services._finding_for_change(actor, finding_id)
        if Problem.objects.filter(finding_id=finding.pk).exists():
            raise Conflict(_("该问题已转入问题台账"))
        visit = finding.visit
        problem = problem_create(
            actor=actor,
            source=Source.VISIT,
            place_type=place_type,
            place=place or visit.place_name,
            category=category,
            severity=severity or FINDING_SEVERITY.get(finding.severity, Severity.GENERAL),
            description=finding.description,
            owner_unit=owner_unit or finding.unit or visit.unit,
            found_on=visit.visited_on,
            finding=finding,
            place_unit=visit.unit if visit.unit.type in ("village", "community") else None,
        )
        if problem.finding_id is None:  # a recurrence reopened an earlier problem
            problem.finding = finding
            problem.save(update_fields=["finding"])
        if also_matter:
            visit_services.finding_to_matter(
                actor=actor, finding_id=finding.pk, unit=problem.owner_unit, **matter_fields
            )
            finding.refresh_from_db(fields=["matter_id"])
            if finding.matter_id:
                problem.matter_id = finding.matter_id
                problem.save(update_fields=["matter"])
        audit_record(
            actor=actor,
            action="problem.from_finding",
            target=_target(problem),
            changes={"finding": {"before": None, "after": finding.pk}},
        )
    return problem


# ---- reading a photo back --------------------------------------------------------------------

register("problem.photo_open", gettext_lazy("调阅问题照片"))


def problem_photo_open(*, actor, photo, thumb: bool = False):
    """The photo (or its thumbnail) open for reading after re-hashing it; a changed or missing
    file is refused (409) and the refusal recorded."""
    name = photo.thumbnail.name if thumb else photo.file.name
    digest = photo.thumbnail_sha256 if thumb else photo.sha256
    if not filestore.verify(name, digest):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="problem.photo_open",
                target=_target(photo.problem),
                changes={"photo": {"before": photo.original_name, "after": None}},
                reason=_("照片校验值不符或文件缺失"),
                success=False,
            )
        raise Conflict(
            _("照片“%(name)s”的校验值与上传时不符或文件缺失，已拒绝调阅并记录")
            % {"name": photo.original_name}
        )
    return default_storage.open(name, "rb")
