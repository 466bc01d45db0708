"""Writes of the assessment: schemes (points checked to sum to 100), bonus / deduction / veto
items, manual scores, and publication of frozen results. Each is one transaction with its
audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import permissions, selectors
from ganchao.assessment.choices import (
    ComponentKind,
    EmptyComponent,
    ItemKind,
    Method,
    PeriodType,
)
from ganchao.assessment.models import Component, ManualScore, Result, Scheme, ScoreItem
from ganchao.assessment.periods import AssessmentPeriod, mismatch_message, parse, period_label
from ganchao.assessment.selectors_appeals import appeal_deadline, chinese_date
from ganchao.assessment.snapshot import differences, standings
from ganchao.assessment.storage import result_insert
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.models import Unit
from ganchao.orgs.selectors import unit_contacts

SCHEME_CREATE = register("assessment.scheme_create", gettext_lazy("创建考核方案"))
ITEM_ADD = register("assessment.item_add", gettext_lazy("登记加减分或否决事项"))
MANUAL_SET = register("assessment.manual_set", gettext_lazy("录入评议得分"))
RESULT_PUBLISH = register("assessment.result_publish", gettext_lazy("发布考核结果"))
register_object_type("scheme", gettext_lazy("考核方案"))
register_object_type("scoreitem", gettext_lazy("加减分及否决事项"))
register_object_type("manualscore", gettext_lazy("评议得分"))
register_object_type("result", gettext_lazy("考核结果"))

HUNDRED = Decimal(100)


ITEM_MAX_POINTS = Decimal(100)  # a bonus or deduction item never outweighs the whole scheme


def require_office(actor) -> None:
    """The office's writes (the command line acts as the system and passes)."""
    if not permissions.manages_assessment(actor):
        raise Forbidden(_("只有督查室可以办理考核事务"))


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed.on(field, _("%(field)s：不是数字") % {"field": field}) from exc
    if not number.is_finite():
        raise ValidationFailed.on(field, _("%(field)s：不是数字") % {"field": field})
    if number.adjusted() > 6:  # every score and points value is below a million
        raise ValidationFailed.on(field, _("%(field)s：数值过大") % {"field": field})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationFailed.on(field, _("%(field)s：小数位数过多") % {"field": field})
    return number


def scheme_check_points(scheme: Scheme) -> None:
    """Component points must sum to 100 (DESIGN.md 3.10)."""
    total = sum((c.points for c in scheme.components.all()), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed.on(
            "components", _("组成项分值合计为 %(total)s，应为 100") % {"total": total}
        )


def _component_rows(components) -> list[Component]:
    rows = []
    for position, spec in enumerate(components):
        kind, method = spec["kind"], spec.get("method", Method.RATIO)
        if kind not in ComponentKind.values or method not in Method.values:
            raise ValidationFailed.on(
                "components", _("组成项“%(name)s”的类型或方法无效") % {"name": spec["name"]}
            )
        floor = _decimal(spec.get("floor", 0), _("保底完成率"))
        if not Decimal(0) <= floor <= 1:
            raise ValidationFailed.on("components", _("保底完成率应在 0 至 1 之间"))
        points = _decimal(spec["points"], _("分值"))
        if not Decimal(0) < points <= HUNDRED or points != points.quantize(Decimal("0.01")):
            raise ValidationFailed.on(
                "components",
                _("组成项“%(name)s”的分值应大于 0、不超过 100，最多两位小数")
                % {"name": spec["name"]},
            )
        rows.append(
            Component(
                code=spec["code"],
                name=spec["name"],
                kind=kind,
                points=points,
                method=method,
                floor=floor,
                position=position,
            )
        )
    return rows


SETTING_LABELS = {
    "bonus_cap": gettext_lazy("加分上限"),
    "excellent_threshold": gettext_lazy("优秀分数线"),
    "good_threshold": gettext_lazy("良好分数线"),
    "pass_threshold": gettext_lazy("合格分数线"),
}


def _setting_points(key: str, raw) -> Decimal:
    label = SETTING_LABELS[key]
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(key, _("%(label)s不是数字") % {"label": label}) from None
    if not value.is_finite() or not Decimal(0) <= value <= HUNDRED or value != round(value, 2):
        raise ValidationFailed.on(
            key, _("%(label)s应在 0 至 100 之间，最多两位小数") % {"label": label}
        )
    return value


def _excellent_share(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or not Decimal(0) <= value <= 1 or value != round(value, 4):
        raise ValidationFailed.on(
            "excellent_share",
            _("优秀比例上限应为 0 至 1 之间的小数（如 0.3 即至多三成），最多四位小数"),
        )
    return value


def _checked_settings(settings: dict, components) -> dict:
    """What the scheme form checks, checked again for every caller (the API has no form):
    the settings as numbers, thresholds in order, components present with distinct codes."""
    settings = dict(settings)
    for key in SETTING_LABELS:
        if key in settings:
            settings[key] = _setting_points(key, settings[key])
    if "excellent_share" in settings:
        settings["excellent_share"] = _excellent_share(settings["excellent_share"])
    marks = [settings.get(f) for f in ("excellent_threshold", "good_threshold", "pass_threshold")]
    if None not in marks and not marks[0] >= marks[1] >= marks[2]:
        raise ValidationFailed.on("good_threshold", _("分数线应为 优秀 ≥ 良好 ≥ 合格"))
    if not components:
        raise ValidationFailed.on("components", _("请至少填写一个组成项"))
    codes = [spec["code"] for spec in components]
    if len(set(codes)) != len(codes):
        raise ValidationFailed.on("components", _("组成项编码不能重复"))
    return settings


def _next_version(code: str, *, first_version: bool, based_on_version: int | None) -> int:
    latest = Scheme.objects.select_for_update().filter(code=code).order_by("-scheme_version")
    latest = latest.first()
    if first_version and latest is not None:
        raise ValidationFailed.on("code", _("方案编码已存在；如需修改请在该方案页面“制定新版本”"))
    if based_on_version is not None and (
        latest is None or latest.scheme_version != based_on_version
    ):
        raise Conflict(_("该方案已有更新的版本，请查看最新版本后再制定新版本"))
    return latest.scheme_version + 1 if latest else 1


@transaction.atomic
def scheme_create(
    *,
    actor,
    code: str,
    name: str,
    category,
    period_type: str,
    components,
    first_version: bool = False,
    based_on_version: int | None = None,
    excluded_units=None,
    **settings,
) -> Scheme:
    """A new version of the scheme `code` (version 1, or one past the latest). `first_version`
    refuses a code already in use (a new scheme); `based_on_version` refuses when a newer
    version than the one the office edited has appeared meanwhile (409). `excluded_units`
    (units or unit codes of the category) do not take part; `empty_component` says how a work
    component with nothing to assess is filled. Either left out (None) carries over from the
    latest version (none excluded, prorate for a new scheme)."""
    require_office(actor)
    if period_type not in PeriodType.values:
        raise ValidationFailed.on("period_type", _("考核周期应为年度、季度或月度"))
    settings = _checked_settings(settings, components)
    previous = Scheme.objects.filter(code=code).order_by("-scheme_version").first()
    empty = settings.get("empty_component")
    if empty is None and previous is not None:
        empty = previous.empty_component
    settings["empty_component"] = _empty_component(empty)
    if excluded_units is None and previous is not None:
        excluded_units = list(previous.excluded_units.all())
    excluded = _excluded_units(category, excluded_units)
    version = _next_version(code, first_version=first_version, based_on_version=based_on_version)
    scheme = Scheme.objects.create(
        code=code,
        name=name,
        category=category,
        period_type=period_type,
        scheme_version=version,
        **settings,
    )
    rows = _component_rows(components)
    for row in rows:
        row.scheme = scheme
    Component.objects.bulk_create(rows)
    scheme_check_points(scheme)
    scheme.excluded_units.set(excluded)
    after = {
        "code": code,
        "scheme_version": version,
        "components": components,
        "empty_component": scheme.empty_component,
        "excluded_units": sorted(unit.code for unit in excluded),
    }
    audit_record(
        actor=actor,
        action=SCHEME_CREATE,
        target=Target("scheme", str(scheme.pk), str(scheme)),
        changes={"after": after},
    )
    return scheme


def _empty_component(value) -> str:
    if value in (None, ""):
        return EmptyComponent.PRORATE
    if value not in EmptyComponent.values:
        raise ValidationFailed.on(
            "empty_component",
            _(
                "无考核内容的工作项应为 prorate（按本单位其他考核项得分率折算）"
                "或 average（按同类单位平均得分率折算）"
            ),
        )
    return value


def _excluded_units(category, units) -> list[Unit]:
    """The units the scheme leaves out, each one of its category (given as units or codes)."""
    codes = [getattr(unit, "code", unit) for unit in units or ()]
    found = {u.code: u for u in Unit.objects.filter(code__in=[str(c) for c in codes])}
    for code in codes:
        unit = found.get(str(code))
        if unit is None:
            raise ValidationFailed.on(
                "excluded_units", _("不参加考核的单位“%(code)s”不存在") % {"code": code}
            )
        if unit.category_id != getattr(category, "pk", category):
            raise ValidationFailed.on(
                "excluded_units",
                _("不参加考核的单位“%(unit)s”不属于本方案的单位类别") % {"unit": unit.name},
            )
    return list(found.values())


def period_of(scheme: Scheme, text: str) -> AssessmentPeriod:
    period = parse(text, scheme.period_type)
    if period is None:
        raise ValidationFailed.on("period", mismatch_message(text, scheme.period_type))
    return period


@transaction.atomic
def score_item_add(
    *, actor, scheme: Scheme, period: str, unit, kind: str, points, reason: str, approved=False
) -> ScoreItem:
    if kind not in ItemKind.values:
        raise ValidationFailed.on("kind", _("事项类型应为加分、扣分或一票否决"))
    require_office(actor)
    points = _decimal(points, _("分值"))
    if not Decimal(0) <= points <= ITEM_MAX_POINTS or points != points.quantize(Decimal("0.01")):
        raise ValidationFailed.on("points", _("分值应在 0 至 100 之间，最多两位小数"))
    item = ScoreItem.objects.create(
        scheme_code=scheme.code,
        period=period_of(scheme, period).code,
        unit=unit,
        kind=kind,
        points=points,
        reason=reason,
        approved=approved,
    )
    audit_record(
        actor=actor,
        action=ITEM_ADD,
        target=Target("scoreitem", str(item.pk), str(item)),
        changes={"after": {"kind": kind, "points": points, "approved": approved}},
    )
    return item


@transaction.atomic
def manual_score_set(*, actor, scheme: Scheme, component_code: str, period: str, unit, score):
    require_office(actor)
    component = scheme.components.filter(code=component_code, kind=ComponentKind.MANUAL).first()
    if component is None:
        raise ValidationFailed.on(
            "component", _("组成项“%(code)s”不是评议打分项") % {"code": component_code}
        )
    score = _decimal(score, _("得分"))
    if not Decimal(0) <= score <= component.points:
        raise ValidationFailed.on(
            "score", _("得分应在 0 至 %(points)s 之间") % {"points": component.points}
        )
    row, _created = ManualScore.objects.update_or_create(
        scheme_code=scheme.code,
        component_code=component_code,
        period=period_of(scheme, period).code,
        unit=unit,
        defaults={"score": score},
    )
    audit_record(
        actor=actor,
        action=MANUAL_SET,
        target=Target("manualscore", str(row.pk), str(row)),
        changes={"after": {"score": score}},
    )
    return row


@transaction.atomic
def result_publish(
    *, actor, scheme: Scheme, period: str, cutoff: dt.date | None = None, early: bool = True
) -> tuple[Result | None, list[dict]]:
    """Freeze the current computation as the next result revision. Returns (None, []) when it
    equals the latest published revision (nothing to publish). A period still running is
    published only when `early` confirms it (the page's checkbox, the API's flag)."""
    require_office(actor)
    span = period_of(scheme, period)
    if span.start > timezone.localdate():
        raise ValidationFailed.on(
            "period", _("考核期间%(period)s尚未开始，不能发布结果") % {"period": span.code}
        )
    if span.end >= timezone.localdate() and not early:
        raise Conflict(_running_message(span), [FieldError("early", _running_message(span))])
    # Stored, never modified: units scored alike may share their component rows.
    draft = selectors.draft_outcome(scheme, span, cutoff, copies=False)
    rows, cutoff = draft.rows, draft.cutoff
    previous = (
        Result.objects.select_for_update()
        .filter(scheme_code=scheme.code, period=span.code)
        .order_by("-result_revision")
        .first()
    )
    unranked = [row["unit_code"] for row in draft.unassessed]
    changes = differences(previous.snapshot, rows, unranked) if previous else []
    if previous and not changes and previous.scheme_version == scheme.scheme_version:
        return None, []
    result = result_insert(
        Result(
            scheme=scheme,
            scheme_code=scheme.code,
            scheme_version=scheme.scheme_version,
            period=span.code,
            result_revision=previous.result_revision + 1 if previous else 1,
            cutoff=cutoff,
            published_at=timezone.now(),
            published_by=actor,
            snapshot=rows,
            standings=standings(rows),
            unassessed=draft.unassessed,
            differences=changes,
        )
    )
    audit_record(
        actor=actor,
        action=RESULT_PUBLISH,
        target=Target("result", str(result.pk), str(result)),
        changes={"after": {"result_revision": result.result_revision, "differences": changes}},
    )
    _notify_units(scheme, result, changes)
    return result, changes


def _running_message(span: AssessmentPeriod) -> str:
    return _(
        "本期到%(end)s才结束，现在发布将把尚未到期的节点和未录入的评议计为0分。如确需提前发布，请勾选“确认提前发布”。"
    ) % {"end": date_format(span.end, "DATE_FORMAT")}


def _notify_units(scheme: Scheme, result: Result, changes: list[dict]) -> None:
    """Tell each ranked unit's liaisons and heads that its result is out (every unit on a
    first publication; on a later revision only the units whose figures changed), with the
    link to its scorecard and the appeal deadline. One message text for all, so a chat robot
    posts it once."""
    codes = (
        {row["unit_code"] for row in result.snapshot}
        if result.result_revision == 1
        else {change["unit_code"] for change in changes}
    )
    units = dict(Unit.objects.filter(code__in=codes).values_list("id", "code"))
    contacts = unit_contacts(units)
    title = _("考核结果已发布：%(scheme)s %(period)s（第%(n)d版）") % {
        "scheme": scheme.name,
        "period": period_label(result.period),
        "n": result.result_revision,
    }
    body = _(
        "请在得分卡中查看本单位的得分、排名和每一分的来由；如有异议，可在%(day)s前对组成项得分提出申诉。"
    ) % {"day": chinese_date(appeal_deadline(result))}
    entries = [
        (
            user,
            {
                "title": title,
                "body": body,
                "url": _scorecard_url(result, code),
                "kind": "assessment",
            },
        )
        for unit_id, code in units.items()
        for user in contacts.get(unit_id, [])
    ]
    notifications_create_many(entries, at=result.published_at)


def _scorecard_url(result: Result, unit_code: str) -> str:
    return reverse("assessment:scorecard", args=[result.scheme_code, result.period, unit_code])
