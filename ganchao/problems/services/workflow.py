"""The workflow of a problem: edit, plan, report with photos, verify and 销号, add photos, and
reading a photo back."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register
from ganchao.audit.services import audit_record, diff
from ganchao.common import filestore
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.problems import photos as photo_store
from ganchao.problems.choices import (
    PLANNABLE_STATES,
    Category,
    EventKind,
    PhotoStage,
    PlaceType,
    Severity,
    State,
)
from ganchao.problems.models import Problem, ProblemPhoto
from ganchao.problems.services.base import (
    EDITABLE_FIELDS,
    _check_deadline,
    _check_owner_choice,
    _choice,
    _event,
    _for_change,
    _move,
    _now,
    _require_state,
    _store_photos,
    _target,
    _text,
    is_finder,
    is_owner,
    may_edit,
    may_handle,
    may_verify,
    place_key,
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
