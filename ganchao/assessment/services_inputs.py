"""Writes of a scheme's inputs for one period (DESIGN.md 3.10): registering, approving (审定) and
withdrawing (撤销) bonus / deduction / veto items, and manual component scores (评议打分) saved
from the grid or imported from a sheet. Each verb is one transaction with its audit event; the
office alone may call them (the command line acts as the system, actor None).

Manual scores are written in batches: the grid and the sheet both come down to a ManualPlan
(new, changed and unchanged cells), written with bulk inserts and updates and one audit event.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import services
from ganchao.assessment.choices import ComponentKind, ItemKind
from ganchao.assessment.models import Component, ManualScore, Scheme, ScoreItem
from ganchao.assessment.permissions import manages_assessment
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common import numbers
from ganchao.common.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.models import Unit

ITEM_APPROVE = register("assessment.item_approve", gettext_lazy("审定加减分或否决事项"))
ITEM_WITHDRAW = register("assessment.item_withdraw", gettext_lazy("撤销加减分或否决事项"))
MANUAL_SAVE = register("assessment.manual_save", gettext_lazy("保存评议得分"))
MANUAL_IMPORT = register("assessment.manual_import", gettext_lazy("导入评议得分"))
register_object_type("manualsheet", gettext_lazy("评议得分导入表"))

MAX_REASON = 300
CENT_EXPONENT = -2


def require_office(actor) -> None:
    if not manages_assessment(actor):
        raise Forbidden(_("只有督查室（考核办）可以录入和审定考核事项"))


def unit_in_category(scheme: Scheme, unit: Unit) -> None:
    """Items and scores only for the scheme's participants: active units of its category that
    it does not exclude."""
    excluded = excluded_ids(scheme)
    if unit.pk in excluded:
        raise ValidationFailed.on("unit", _("“%(unit)s”不参加本方案考核") % {"unit": unit.name})
    if not _in_category(scheme, unit, excluded):
        raise ValidationFailed.on(
            "unit",
            _("“%(unit)s”不属于本方案的考核类别（%(category)s）")
            % {"unit": unit.name, "category": scheme.category.name},
        )


def excluded_ids(scheme: Scheme) -> set[int]:
    """The ids of the units the scheme leaves out (one query)."""
    return set(scheme.excluded_units.values_list("pk", flat=True))


def _in_category(scheme: Scheme, unit: Unit, excluded: set[int]) -> bool:
    return unit.category_id == scheme.category_id and unit.active and unit.pk not in excluded


# ---- bonus / deduction / veto items ------------------------------------------------------


@transaction.atomic
def score_item_register(
    *, actor, scheme: Scheme, period: str, unit: Unit, kind: str, points, reason: str
) -> ScoreItem:
    """登记: a pending item (it counts once approved). A veto carries no points."""
    require_office(actor)
    unit_in_category(scheme, unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写事由"))
    if len(reason) > MAX_REASON:
        raise ValidationFailed.on("reason", _("事由不超过 %(n)d 个字") % {"n": MAX_REASON})
    if kind == ItemKind.VETO:
        points = Decimal(0)
    elif points in (None, ""):
        raise ValidationFailed.on("points", _("请填写分值"))
    else:
        points = score_value(points, "points", _("分值"))
        if points <= 0:
            raise ValidationFailed.on("points", _("分值应大于 0"))
    return services.score_item_add(
        actor=actor, scheme=scheme, period=period, unit=unit, kind=kind, points=points,
        reason=reason, approved=False,
    )  # fmt: skip


def _pending_item(item_id: int, scheme_code: str, period: str) -> ScoreItem:
    item = (
        ScoreItem.objects.select_for_update()
        .select_related("unit")
        .filter(pk=item_id, scheme_code=scheme_code, period=period)
        .first()
    )
    if item is None:
        raise NotFound(_("找不到该事项（可能已被撤销）"))
    if item.approved:
        raise Conflict(_("该事项已经审定，不能再审定或撤销"))
    return item


def _item_state(item: ScoreItem) -> dict:
    return {
        "unit": item.unit.code,
        "kind": item.kind,
        "points": item.points,
        "reason": item.reason,
        "approved": item.approved,
    }


@transaction.atomic
def score_item_approve(*, actor, scheme_code: str, period: str, item_id: int) -> ScoreItem:
    """审定: the item counts from the next computation on."""
    require_office(actor)
    item = _pending_item(item_id, scheme_code, period)
    item.approved = True
    item.save(update_fields=["approved", "updated_at"])
    audit_record(
        actor=actor,
        action=ITEM_APPROVE,
        target=Target("scoreitem", str(item.pk), str(item)[:300]),
        changes={"approved": {"before": False, "after": True}},
    )
    return item


@transaction.atomic
def score_item_withdraw(*, actor, scheme_code: str, period: str, item_id: int, reason: str = ""):
    """撤销 before approval: a pending item never counted, so it is removed; the audit event
    keeps everything it held."""
    require_office(actor)
    item = _pending_item(item_id, scheme_code, period)
    before = _item_state(item)
    target = Target("scoreitem", str(item.pk), str(item)[:300])
    item.delete()
    audit_record(
        actor=actor,
        action=ITEM_WITHDRAW,
        target=target,
        changes={"item": {"before": before, "after": None}},
        reason=(reason or "").strip()[:MAX_REASON],
    )


# ---- manual scores -------------------------------------------------------------------------


def score_value(raw, field_name: str, label: str) -> Decimal:
    """A score typed in a form: digits (full-width too), at most two decimal places."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(field_name, _("%(label)s不是数字") % {"label": label}) from None
    return checked_cents(value, field_name, label)


def checked_cents(value: Decimal, field_name: str, label: str) -> Decimal:
    if not value.is_finite():
        raise ValidationFailed.on(field_name, _("%(label)s不是数字") % {"label": label})
    if value.as_tuple().exponent < CENT_EXPONENT and value != value.quantize(Decimal("0.01")):
        raise ValidationFailed.on(field_name, _("%(label)s最多两位小数") % {"label": label})
    return value


def plain(value: Decimal) -> str:
    """10.00 → "10", 7.50 → "7.5" (never "1E+1")."""
    return numbers.plain(value)


def range_message(component: Component) -> str:
    return _("得分应在 0 至 %(points)s 之间") % {"points": plain(component.points)}


@dataclass(frozen=True)
class ManualChange:
    """One cell to write: a unit's score on a manual component (before None: new)."""

    unit_id: int
    unit_code: str
    unit_name: str
    component_code: str
    component_name: str
    before: Decimal | None
    after: Decimal
    row: int | None = None  # the sheet row, for the import preview


@dataclass
class ManualPlan:
    created: list[ManualChange] = field(default_factory=list)
    updated: list[ManualChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return _("新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


def manual_components(scheme: Scheme) -> list[Component]:
    return [c for c in scheme.components.all() if c.kind == ComponentKind.MANUAL]


def existing_scores(scheme: Scheme, period: str, unit_ids=None) -> dict[tuple[int, str], Decimal]:
    rows = ManualScore.objects.filter(scheme_code=scheme.code, period=period)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return {(u, c): s for u, c, s in rows.values_list("unit_id", "component_code", "score")}


def manual_plan(scheme: Scheme, period: str, cells, rows=None) -> ManualPlan:
    """Compare (unit, component, score) cells with what is stored. `rows` gives each cell's
    sheet row number, in the same order."""
    stored = existing_scores(scheme, period, {unit.pk for unit, _c, _s in cells})
    plan = ManualPlan()
    for index, (unit, component, score) in enumerate(cells):
        before = stored.get((unit.pk, component.code))
        if before is not None and before == score:
            plan.unchanged += 1
            continue
        change = ManualChange(
            unit.pk, unit.code, unit.name, component.code, component.name, before, score,
            rows[index] if rows else None,
        )  # fmt: skip
        (plan.created if before is None else plan.updated).append(change)
    return plan


def _grid_cells(scheme: Scheme, values: dict[tuple[str, str], str]):
    """The posted grid as (unit, component, score) cells; every bad cell is reported."""
    components = {c.code: c for c in manual_components(scheme)}
    units = Unit.objects.in_bulk({unit for unit, _c in values}, field_name="code")
    excluded = excluded_ids(scheme)
    cells, errors = [], []
    for (unit_code, code), raw in sorted(values.items()):
        unit, component = units.get(unit_code), components.get(code)
        name = f"score-{unit_code}-{code}"
        if unit is None or component is None or not _in_category(scheme, unit, excluded):
            errors.append(
                FieldError(name, _("%(unit)s：不是本方案的考核单位") % {"unit": unit_code})
            )
            continue
        place = f"{unit.name} · {component.name}"
        if not (raw or "").strip():
            continue
        try:
            score = score_value(raw, name, _("得分"))
        except ValidationFailed as exc:
            errors.append(FieldError(name, f"{place}：{exc.message}"))
            continue
        if not Decimal(0) <= score <= component.points:
            errors.append(FieldError(name, f"{place}：{range_message(component)}"))
            continue
        cells.append((unit, component, score))
    return cells, errors


def _blanked(scheme: Scheme, period: str, values) -> list[FieldError]:
    """A stored score cannot be emptied from the grid (imports never delete either)."""
    blank = {key for key, raw in values.items() if not (raw or "").strip()}
    if not blank:
        return []
    units = Unit.objects.in_bulk({unit for unit, _c in blank}, field_name="code")
    names = {c.code: c.name for c in manual_components(scheme)}
    stored = existing_scores(scheme, period, [u.pk for u in units.values()])
    errors = []
    for unit_code, code in sorted(blank):
        unit = units.get(unit_code)
        if unit is not None and (unit.pk, code) in stored:
            message = _("已录入的得分不能清空，如需更正请填写新的得分")
            place = f"{unit.name} · {names.get(code, code)}"
            errors.append(FieldError(f"score-{unit_code}-{code}", f"{place}：{message}"))
    return errors


@transaction.atomic
def manual_scores_save(*, actor, scheme: Scheme, period: str, values) -> ManualPlan:
    """Save the grid: `values` maps (unit code, component code) to the typed text. All or
    nothing: any bad cell raises ValidationFailed listing every bad cell by unit and column."""
    require_office(actor)
    span = services.period_of(scheme, period)
    cells, errors = _grid_cells(scheme, values)
    errors += _blanked(scheme, span.code, values)
    if errors:
        raise ValidationFailed(
            _("有 %(n)d 处得分需要修改，没有保存任何得分") % {"n": len(errors)}, errors
        )
    plan = manual_plan(scheme, span.code, cells)
    manual_scores_write(actor=actor, scheme=scheme, period=span.code, plan=plan)
    return plan


def manual_scores_write(
    *, actor, scheme: Scheme, period: str, plan: ManualPlan, source: dict | None = None
) -> None:
    """Write a plan in bulk with one audit event (the grid's, or the import's with its file)."""
    if not plan.has_changes:
        return
    now = timezone.now()
    ManualScore.objects.bulk_create(
        [
            ManualScore(
                scheme_code=scheme.code, component_code=c.component_code, period=period,
                unit_id=c.unit_id, score=c.after, created_at=now, updated_at=now,
            )
            for c in plan.created
        ],
        batch_size=1000,
    )  # fmt: skip
    _update_scores(scheme, period, plan.updated, now)
    _audit_scores(actor, scheme, period, plan, source)


def _update_scores(scheme: Scheme, period: str, changes: list[ManualChange], now) -> None:
    if not changes:
        return
    wanted = {(c.unit_id, c.component_code): c.after for c in changes}
    rows = list(
        ManualScore.objects.select_for_update().filter(
            scheme_code=scheme.code, period=period, unit_id__in={c.unit_id for c in changes}
        )
    )
    changed = []
    for row in rows:
        score = wanted.get((row.unit_id, row.component_code))
        if score is not None:
            row.score, row.updated_at = score, now
            changed.append(row)
    ManualScore.objects.bulk_update(changed, ["score", "updated_at"], batch_size=1000)


def _audit_scores(actor, scheme, period, plan: ManualPlan, source: dict | None) -> None:
    cells = [
        {"unit": c.unit_code, "component": c.component_code, "before": c.before, "after": c.after}
        for c in plan.created + plan.updated
    ]
    counts = {"created": len(plan.created), "updated": len(plan.updated),
              "unchanged": plan.unchanged}  # fmt: skip
    changes = {
        "scheme": {"before": None, "after": {"code": scheme.code, "period": period}},
        "summary": {"before": None, "after": counts},
        "scores": {"before": None, "after": cells},
    }
    if source is None:
        target = Target("scheme", str(scheme.pk), f"{scheme.name} {period}")
        action = MANUAL_SAVE
    else:
        target = Target(
            "manualsheet", source["sha256"], source.get("filename") or _("评议得分导入表")
        )
        action = MANUAL_IMPORT
        changes["file"] = {"before": None, "after": source}
    audit_record(actor=actor, action=action, target=target, changes=changes)
