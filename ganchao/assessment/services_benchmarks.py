"""Writes of the benchmark register (对标一流): the office records, edits and deactivates the
first-class value of an indicator (benchmark city or region, value, year, source, definition).
Each is one transaction with its audit event; nothing is ever deleted."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import permissions
from ganchao.assessment.models import Benchmark
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.goals.choices import ItemType, PlanState

BENCHMARK_CREATE = register("assessment.benchmark_create", gettext_lazy("新增对标值"))
BENCHMARK_UPDATE = register("assessment.benchmark_update", gettext_lazy("修改对标值"))
BENCHMARK_DEACTIVATE = register("assessment.benchmark_deactivate", gettext_lazy("停用对标值"))
register_object_type("benchmark", gettext_lazy("对标值"))

FIELDS = ("region", "value", "year", "source", "definition")
MAX_VALUE = Decimal("1e16")


def _require_office(actor) -> None:
    if not permissions.manages_assessment(actor):
        raise Forbidden(_("只有督查室可以维护对标值"))


def _check_item(item) -> None:
    if item.type != ItemType.INDICATOR:
        raise ValidationFailed.on("item", _("只能为指标设置对标值"))
    if item.plan.state == PlanState.DRAFT:
        raise ValidationFailed.on("item", _("请选择已下达计划中的指标"))


def _value(raw) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on("value", _("标杆值不是数字")) from None
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise ValidationFailed.on("value", _("标杆值超出允许范围"))
    value = value.quantize(Decimal("0.0001"))
    if abs(value) >= MAX_VALUE:  # 9999999999999999.99999 rounds up past the column
        raise ValidationFailed.on("value", _("标杆值超出允许范围"))
    return value


def _clean(values: dict) -> dict:
    """The register's fields checked: region and source required, a plausible year."""
    clean = {
        "region": (values.get("region") or "").strip(),
        "value": _value(values.get("value")),
        "year": values.get("year"),
        "source": (values.get("source") or "").strip(),
        "definition": (values.get("definition") or "").strip(),
    }
    if not clean["region"]:
        raise ValidationFailed.on("region", _("请填写标杆地区"))
    if not clean["source"]:
        raise ValidationFailed.on("source", _("请填写数据来源"))
    if not str(clean["year"]).isdigit() or not 1949 <= int(clean["year"]) <= 2100:
        raise ValidationFailed.on("year", _("年份应为四位数字，如 2025"))
    clean["year"] = int(clean["year"])
    return clean


def _snapshot(benchmark: Benchmark) -> dict:
    return {field: getattr(benchmark, field) for field in (*FIELDS, "active")}


@transaction.atomic
def benchmark_create(
    *, actor, item, region: str, value, year, source: str, definition: str = ""
) -> Benchmark:
    _require_office(actor)
    _check_item(item)
    clean = _clean(
        {"region": region, "value": value, "year": year, "source": source, "definition": definition}
    )
    benchmark = Benchmark.objects.create(item=item, **clean)
    audit_record(
        actor=actor,
        action=BENCHMARK_CREATE,
        target=Target("benchmark", str(benchmark.pk), f"{item.code} {item.name} {benchmark}"),
        changes=diff({}, {"item": item.code, **_snapshot(benchmark)}),
    )
    return benchmark


def _lock(benchmark: Benchmark, expected_version) -> Benchmark:
    locked = Benchmark.objects.select_for_update().select_related("item").get(pk=benchmark.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise Conflict(_("该对标值已被他人修改，请刷新页面查看最新内容后重试（您的修改未保存）"))
    return locked


@transaction.atomic
def benchmark_update(*, actor, benchmark: Benchmark, expected_version=None, **values) -> Benchmark:
    """Change region, value, year, source or definition (all given)."""
    _require_office(actor)
    benchmark = _lock(benchmark, expected_version)
    before = _snapshot(benchmark)
    for field, value in _clean(values).items():
        setattr(benchmark, field, value)
    changes = diff(before, _snapshot(benchmark))
    if not changes:
        return benchmark
    benchmark.version += 1
    benchmark.save(update_fields=[*FIELDS, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=BENCHMARK_UPDATE,
        target=Target("benchmark", str(benchmark.pk), str(benchmark)),
        changes=changes,
    )
    return benchmark


@transaction.atomic
def benchmark_deactivate(*, actor, benchmark: Benchmark, expected_version=None) -> Benchmark:
    """Stop comparing against the value; the row stays on record."""
    _require_office(actor)
    benchmark = _lock(benchmark, expected_version)
    if not benchmark.active:
        return benchmark
    benchmark.active = False
    benchmark.version += 1
    benchmark.save(update_fields=["active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=BENCHMARK_DEACTIVATE,
        target=Target("benchmark", str(benchmark.pk), str(benchmark)),
        changes=diff({"active": True}, {"active": False}),
    )
    return benchmark
