"""Scheme inputs: item verbs (登记, 审定, 撤销) and the manual-score grid (services_inputs)."""

from decimal import Decimal as D

import pytest
from django.db import transaction

from ganchao.assessment import selectors, services, services_inputs
from ganchao.assessment.models import ManualScore, ScoreItem
from ganchao.assessment.periods import parse
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType

Q2 = parse("2026-Q2", "quarter")
MANUAL_COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 50},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": 20},
    {"code": "SUP", "name": "督办情况", "kind": "supervision", "points": 10},
    {"code": "EVAL", "name": "领导评议", "kind": "manual", "points": 10},
    {"code": "SAT", "name": "群众满意度", "kind": "manual", "points": 10},
]


def manual_scheme(scenario):
    with transaction.atomic():
        return services.scheme_create(
            actor=None, code="TOWNS", name="乡镇季度考核", category=scenario.category,
            period_type="quarter", components=MANUAL_COMPONENTS,
        )  # fmt: skip


@pytest.fixture
def office(scenario):
    return make_user("office", scenario.office_unit, Role.OFFICE)


@pytest.fixture
def liaison(scenario):
    return make_user("town_liaison", scenario.a, Role.LIAISON)


def by_code(rows):
    return {row["unit_code"]: row for row in rows}


def register(scenario, office, **overrides):
    values = {"kind": "bonus", "points": "2", "reason": "市级表彰", "unit": scenario.b}
    values.update(overrides)
    return services_inputs.score_item_register(
        actor=office, scheme=scenario.scheme, period="2026-Q2", **values
    )


def test_registered_item_counts_only_once_approved(scenario, office):
    item = register(scenario, office)
    assert not item.approved
    rows, _ = selectors.draft_results(scenario.scheme, Q2)
    assert by_code(rows)["T02"]["total"] == "98.00"
    services_inputs.score_item_approve(
        actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk
    )
    rows, _ = selectors.draft_results(scenario.scheme, Q2)
    assert by_code(rows)["T02"]["total"] == "100.00"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"assessment.item_add", "assessment.item_approve"} <= actions


def test_approved_item_cannot_be_approved_again_or_withdrawn(scenario, office):
    item = register(scenario, office)
    services_inputs.score_item_approve(
        actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk
    )
    with pytest.raises(Conflict):
        services_inputs.score_item_withdraw(
            actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk
        )
    with pytest.raises(Conflict):
        services_inputs.score_item_approve(
            actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk
        )


def test_withdraw_before_approval_keeps_the_item_in_the_audit(scenario, office):
    item = register(scenario, office, kind="deduction", points="3", reason="信息报送迟报")
    services_inputs.score_item_withdraw(
        actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk, reason="登记有误"
    )
    assert not ScoreItem.objects.filter(pk=item.pk).exists()
    event = AuditEvent.objects.get(action="assessment.item_withdraw")
    assert event.reason == "登记有误"
    assert event.changes["item"]["before"]["reason"] == "信息报送迟报"
    with pytest.raises(NotFound):
        services_inputs.score_item_approve(
            actor=office, scheme_code="TOWNS", period="2026-Q2", item_id=item.pk
        )


def test_item_of_another_period_is_not_found(scenario, office):
    item = register(scenario, office)
    with pytest.raises(NotFound):
        services_inputs.score_item_approve(
            actor=office, scheme_code="TOWNS", period="2026-Q3", item_id=item.pk
        )


def test_register_checks_category_points_and_reason(scenario, office):
    outsider = make_unit("某局", UnitType.DEPARTMENT, scenario.a.parent, code="D99")
    with pytest.raises(ValidationFailed, match="不属于本方案的考核类别"):
        register(scenario, office, unit=outsider)
    with pytest.raises(ValidationFailed, match="请填写事由"):
        register(scenario, office, reason="  ")
    with pytest.raises(ValidationFailed, match="分值应大于 0"):
        register(scenario, office, points="0")
    with pytest.raises(ValidationFailed, match="不是数字"):
        register(scenario, office, points="两分")
    veto = register(scenario, office, kind="veto", points="", reason="安全生产事故")
    assert veto.points == 0


def test_only_the_office_registers(scenario, liaison):
    with pytest.raises(Forbidden):
        register(scenario, liaison)


def grid(scheme, **cells):
    """grid(T01_EVAL="8") → {("T01", "EVAL"): "8"}."""
    return {tuple(key.split("_")): value for key, value in cells.items()}


def test_grid_saves_all_cells_and_counts_them(scenario, office):
    scheme = manual_scheme(scenario)
    values = grid(scheme, T01_EVAL="8.5", T01_SAT="9", T02_EVAL="10", T02_SAT="", T03_EVAL="７")
    plan = services_inputs.manual_scores_save(
        actor=office, scheme=scheme, period="2026-Q2", values=values
    )
    assert plan.summary() == "新增 4，更新 0，未变 0"
    assert ManualScore.objects.get(unit=scenario.c, component_code="EVAL").score == D(7)
    again = services_inputs.manual_scores_save(
        actor=office, scheme=scheme, period="2026-Q2", values=values | {("T01", "SAT"): "9.5"}
    )
    assert again.summary() == "新增 0，更新 1，未变 3"
    assert AuditEvent.objects.filter(action="assessment.manual_save").count() == 2
    rows, _ = selectors.draft_results(scheme, Q2)
    assert [c["score"] for c in by_code(rows)["T01"]["components"][3:]] == ["8.50", "9.50"]


def test_grid_is_all_or_nothing_with_every_error_named(scenario, office):
    scheme = manual_scheme(scenario)
    values = grid(scheme, T01_EVAL="8", T01_SAT="11", T02_EVAL="abc", T03_SAT="7.125")
    with pytest.raises(ValidationFailed) as caught:
        services_inputs.manual_scores_save(
            actor=office, scheme=scheme, period="2026-Q2", values=values
        )
    errors = {e.field: e.message for e in caught.value.errors}
    assert errors == {
        "score-T01-SAT": "甲镇 · 群众满意度：得分应在 0 至 10 之间",
        "score-T02-EVAL": "乙镇 · 领导评议：得分不是数字",
        "score-T03-SAT": "丙镇 · 群众满意度：得分最多两位小数",
    }
    assert not ManualScore.objects.exists()


def test_grid_refuses_units_outside_the_category_and_emptied_scores(scenario, office):
    scheme = manual_scheme(scenario)
    make_unit("某局", UnitType.DEPARTMENT, scenario.a.parent, code="D99")
    services_inputs.manual_scores_save(
        actor=office, scheme=scheme, period="2026-Q2", values=grid(scheme, T01_EVAL="8")
    )
    with pytest.raises(ValidationFailed) as caught:
        services_inputs.manual_scores_save(
            actor=office, scheme=scheme, period="2026-Q2",
            values=grid(scheme, T01_EVAL="", D99_EVAL="5"),
        )  # fmt: skip
    fields = {e.field for e in caught.value.errors}
    assert fields == {"score-T01-EVAL", "score-D99-EVAL"}


def test_grid_period_must_match_the_scheme(scenario, office):
    scheme = manual_scheme(scenario)
    with pytest.raises(ValidationFailed, match="考核周期"):
        services_inputs.manual_scores_save(
            actor=office, scheme=scheme, period="2026-05", values=grid(scheme, T01_EVAL="8")
        )
