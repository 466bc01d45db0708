"""What every problem-ledger service shares: the audit codes, the settings, the rules of who may
do what, and the helpers that lock a problem, move its state and write its timeline."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.problems import photos as photo_store
from ganchao.problems.choices import (
    TRANSITIONS,
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
