"""Expert argumentation (A7), risk assessment (A8) and fair-competition review (A12): the
services and the gates they feed."""

import datetime as dt

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.conftest import make_unit
from ganchao.decisions import selectors_experts, services
from ganchao.decisions.choices import Step
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import ExpertAssignment, ExpertPool, RiskAssessment
from ganchao.decisions.services import experts as svc
from ganchao.decisions.tests.conftest import pdf
from ganchao.orgs.choices import UnitType

A7 = "该专家与决策事项有直接利害关系，不得参加论证"


@pytest.fixture
def pool(dcity):
    return svc.expert_pool_create(actor=dcity.office, name="赶超市重大行政决策专家库")


@pytest.fixture
def expert(dcity, pool):
    return svc.expert_add(
        actor=dcity.office,
        pool=pool,
        name="李教授",
        organisation="赶超大学",
        specialty="交通规划",
        title="教授",
    )


def _rules(exc) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in exc.errors]


def _assign(dcity, decision, expert, declaration="本人与决策事项无直接利害关系。", **kw):
    return svc.expert_assign(
        actor=dcity.drc_liaison, decision=decision, expert=expert, declaration=declaration, **kw
    )


# ---- pools --------------------------------------------------------------------------------


def test_pools_usable_are_own_and_above_not_below(dcity, pool):
    """Given the city's pool and pools of a district and a town below it, When the city's
    office lists the pools, Then it sees its own only."""
    district = make_unit("赶超区", UnitType.DISTRICT, dcity.root, code="C201")
    ExpertPool.objects.create(owner=district, name="赶超区专家库")
    ExpertPool.objects.create(owner=dcity.town_a, name="西湖镇专家库")
    names = {p.name for p in selectors_experts.pools_usable(dcity.office)}
    assert names == {pool.name}
    assert selectors_experts.pools_usable(dcity.auditor).count() == 0


def test_a_city_uses_the_pool_of_the_level_above(dcity):
    """Given a county-level city (区) under the fixture city, When its staff list the pools,
    Then the city's pool is usable and can be used for the county's decisions."""
    city_pool = ExpertPool.objects.create(owner=dcity.root, name="市专家库")
    district = make_unit("赶超区", UnitType.DISTRICT, dcity.root, code="C201")
    from ganchao.conftest import make_user
    from ganchao.orgs.choices import Role

    district_office = make_user("district_office", district, Role.OFFICE)
    names = {p.name for p in selectors_experts.pools_usable(district_office)}
    assert names == {"市专家库"}
    assert selectors_experts.pool_get(district_office, city_pool.pk) == city_pool
    with pytest.raises(Forbidden):
        svc.expert_add(
            actor=district_office, pool=city_pool, name="甲", organisation="乙", specialty="丙"
        )


def test_only_office_or_admin_keep_pools(dcity, pool):
    """Given a liaison, When they create a pool or add an expert, Then 403."""
    with pytest.raises(Forbidden):
        svc.expert_pool_create(actor=dcity.drc_liaison, name="某库")
    with pytest.raises(Forbidden):
        svc.expert_add(
            actor=dcity.drc_liaison, pool=pool, name="甲", organisation="乙", specialty="丙"
        )
    assert svc.expert_pool_create(actor=dcity.admin, name="管理员建的库").owner == dcity.root


def test_expert_fields_required_and_update(dcity, pool, expert):
    """Given an expert, When the office edits and deactivates it, Then the changes are saved and
    audited; a blank name is 422."""
    with pytest.raises(ValidationFailed) as exc:
        svc.expert_add(actor=dcity.office, pool=pool, name=" ", organisation="乙", specialty="丙")
    assert exc.value.errors[0].field == "name"
    svc.expert_update(actor=dcity.office, expert=expert, title="研究员", active=False)
    expert.refresh_from_db()
    assert (expert.title, expert.active) == ("研究员", False)
    assert AuditEvent.objects.filter(action="decision.expert_update").exists()


# ---- A7 -----------------------------------------------------------------------------------


def test_a7_declared_direct_interest_refuses_the_assignment(dcity, expert):
    """A7 — Given an expert whose declaration says "与决策事项有直接利害关系". When that expert
    is assigned to the case, Then assignment is refused (rule A7), nothing is assigned and the
    refusal is audited."""
    decision = dcity.launched(technical=True)
    with pytest.raises(ProcedureBlocked) as exc:
        _assign(dcity, decision, expert, declaration="本人与决策事项有直接利害关系。")
    assert _rules(exc.value) == [("A7", A7)]
    assert not ExpertAssignment.objects.filter(decision=decision).exists()
    refusal = AuditEvent.objects.get(action="decision.expert_assign")
    assert refusal.success is False and "A7" in refusal.reason


def test_a7_checkbox_refuses_and_negation_is_allowed(dcity, expert):
    """Given the checkbox ticked, Then refused; Given "无直接利害关系" / "不存在直接利害关系",
    Then the expert is assigned."""
    decision = dcity.launched(technical=True)
    with pytest.raises(ProcedureBlocked):
        _assign(dcity, decision, expert, declaration="见附件。", direct_interest=True)
    assert _assign(dcity, decision, expert).expert == expert
    assert not svc.declares_direct_interest("本人不存在直接利害关系")
    assert not svc.declares_direct_interest("本人与该事项没有 直接利害关系")
    assert svc.declares_direct_interest("本人无间接利益，但与决策事项有直接利害关系")


def test_assignment_needs_usable_active_expert_state_and_role(dcity, pool, expert):
    """Given an inactive expert, an expert of another city's pool, a proposed decision and a
    stranger, When assigned, Then each is refused and nothing is saved."""
    decision = dcity.launched(technical=True)
    svc.expert_update(actor=dcity.office, expert=expert, active=False)
    expert.refresh_from_db()
    with pytest.raises(ValidationFailed):
        _assign(dcity, decision, expert)
    district = make_unit("赶超区", UnitType.DISTRICT, dcity.root, code="C201")
    stranger_pool = ExpertPool.objects.create(owner=district, name="赶超区专家库")
    foreign = stranger_pool.experts.create(name="外", organisation="外", specialty="外")
    with pytest.raises(ValidationFailed):
        _assign(dcity, decision, foreign)
    fresh = svc.expert_add(
        actor=dcity.office, pool=pool, name="王工", organisation="设计院", specialty="道路"
    )
    with pytest.raises(Conflict):
        _assign(dcity, dcity.propose(title="另一事项"), fresh)
    with pytest.raises(Forbidden):
        svc.expert_assign(
            actor=dcity.liaison_a, decision=decision, expert=fresh, declaration="无直接利害关系"
        )
    _assign(dcity, decision, fresh)
    with pytest.raises(Conflict):
        _assign(dcity, decision, fresh)
    with pytest.raises(ValidationFailed):
        _assign(dcity, decision, fresh, declaration="  ")


# ---- opinions -----------------------------------------------------------------------------


def test_opinion_must_be_signed_and_sealed_and_adoption_gates_meeting(dcity, expert):
    """Given an assigned expert, When the opinion lacks signature and seal, Then 422 names both;
    When recorded with them but not adopted, Then the meeting is blocked with A12
    "缺少专家论证意见采纳情况"; after adoption it is not."""
    decision = dcity.launched(technical=True)
    assignment = _assign(dcity, decision, expert)
    with pytest.raises(ValidationFailed) as exc:
        svc.expert_opinion_add(
            actor=dcity.drc_liaison,
            assignment=assignment,
            text="方案可行。",
            signed_by="",
            signed_on=dt.date(2026, 3, 2),
            seal="",
        )
    assert {e.field for e in exc.value.errors} == {"signed_by", "seal"}
    opinion = svc.expert_opinion_add(
        actor=dcity.drc_liaison,
        assignment=assignment,
        text="方案可行，建议分步实施。",
        signed_by="李教授",
        signed_on=dt.date(2026, 3, 2),
        seal="赶超大学",
        upload=pdf("专家意见.pdf"),
    )
    assert opinion.file.kind == "expert_opinion"
    with pytest.raises(ProcedureBlocked) as exc:
        services.require(decision, Step.MEETING)
    assert ("A12", "缺少专家论证意见采纳情况") in _rules(exc.value)
    with pytest.raises(ValidationFailed) as exc:
        svc.expert_opinion_adopt(actor=dcity.drc_liaison, opinion=opinion, adoption="partly")
    assert exc.value.errors[0].field == "reason"
    svc.expert_opinion_adopt(
        actor=dcity.drc_liaison, opinion=opinion, adoption="partly", reason="分步实施已采纳。"
    )
    with pytest.raises(ProcedureBlocked) as exc:
        services.require(decision, Step.MEETING)
    assert ("A12", "缺少专家论证意见采纳情况") not in _rules(exc.value)


# ---- A8 -----------------------------------------------------------------------------------


def _risk(dcity, decision, conclusion, **kw):
    fields = {
        "assessor": "市发改委",
        "risk_points": "收费上涨引发群众不满",
        "measures": "分时段差别收费、加强宣传",
        "contingency_plan": "舆情应对预案",
        "departments_heard": "市公安局、市信访局",
    }
    fields.update(kw)
    return svc.risk_assessment_add(
        actor=dcity.drc_liaison, decision=decision, conclusion=conclusion, **fields
    )


def _a8(decision) -> list[str]:
    try:
        services.require(decision, Step.MEETING)
    except ProcedureBlocked as exc:
        return [e.message for e in exc.errors if e.field == "A8"]
    return []


def test_a8_incomplete_report_names_each_missing_part(dcity):
    """Given no existing assessment, When the report lacks measures and plan, Then 422 names
    both; an existing reference alone is accepted."""
    decision = dcity.launched(stability_risk=True)
    with pytest.raises(ValidationFailed) as exc:
        _risk(dcity, decision, "controllable", measures="", contingency_plan=" ")
    assert [e.field for e in exc.value.errors] == ["measures", "contingency_plan"]
    item = _risk(
        dcity,
        decision,
        "controllable",
        risk_points="",
        measures="",
        contingency_plan="",
        existing_reference="市公安局2025年交通管理风险评估（公交〔2025〕8号）",
    )
    assert item.draft.number == 1
    assert _a8(decision) == []


def test_a8_uncontrollable_blocks_until_newer_draft_reassessed_controllable(dcity):
    """A8 — Given a report with conclusion 不可控. When the case is submitted to collective
    discussion, Then it is blocked until a newer draft version and a 可控 re-assessment are
    linked: a 可控 re-assessment of the SAME draft does not lift the block; one of the newer
    draft does."""
    decision = dcity.launched(stability_risk=True)
    _risk(dcity, decision, "uncontrollable")
    assert _a8(decision) == ["风险评估结论为不可控，须调整草案并重新评估为可控"]
    _risk(dcity, decision, "controllable")  # same draft 1
    assert _a8(decision) == ["风险评估结论为不可控，须调整草案并重新评估为可控"]
    services.draft_add(
        actor=dcity.drc_liaison,
        decision=decision,
        text="一、调整后的收费标准（第二稿）……",
        change_note="降低高峰时段涨幅",
    )
    assert _a8(decision) == ["风险评估结论为不可控，须调整草案并重新评估为可控"]
    item = _risk(dcity, decision, "controllable")
    assert item.draft.number == 2
    assert _a8(decision) == []
    assert RiskAssessment.objects.filter(decision=decision).count() == 3


def test_a8_no_assessment_blocks(dcity):
    """Given stability_risk and no assessment, When the meeting is required, Then A8."""
    decision = dcity.launched(stability_risk=True)
    assert _a8(decision) == ["未开展社会稳定风险评估"]


# ---- fair competition (A12) ---------------------------------------------------------------


def _fair_rules(decision) -> list[tuple[str, str]]:
    try:
        services.require(decision, Step.MEETING)
    except ProcedureBlocked as exc:
        return _rules(exc)
    return []


def test_a12_market_activity_without_fair_review_blocks_meeting(dcity):
    """A12 — Given a case with market_activity=True and no fair-competition review record. When
    the meeting is required, Then it fails with "缺少公平竞争审查情况"; a `fails` review does not
    satisfy it, a `passes` one does."""
    decision = dcity.launched(market_activity=True)
    missing = ("A12", "缺少公平竞争审查情况")
    assert missing in _fair_rules(decision)
    review = {
        "actor": dcity.market_liaison,
        "decision": decision,
        "reviewer_unit": dcity.market,
        "reviewed_on": dt.date(2026, 3, 5),
        "opinion": "未发现排除、限制竞争的内容。",
    }
    svc.fair_review_add(conclusion="fails", **review)
    assert missing in _fair_rules(decision)
    item = svc.fair_review_add(conclusion="passes", upload=pdf("审查表.pdf"), **review)
    assert item.file.kind == "fair_review"
    assert missing not in _fair_rules(decision)


def test_fair_review_validation(dcity):
    """Given missing unit, opinion and a bad conclusion, Then 422 naming each field."""
    decision = dcity.launched(market_activity=True)
    with pytest.raises(ValidationFailed) as exc:
        svc.fair_review_add(
            actor=dcity.drc_liaison,
            decision=decision,
            reviewer_unit=None,
            reviewed_on=None,
            opinion="",
            conclusion="maybe",
        )
    assert [e.field for e in exc.value.errors] == [
        "reviewer_unit",
        "reviewed_on",
        "opinion",
        "conclusion",
    ]


def test_selectors_scope_assignment_to_visible_decisions(dcity, expert):
    """Given an assignment, When a user who cannot see the decision asks for it, Then 404."""
    decision = dcity.launched(technical=True)
    assignment = _assign(dcity, decision, expert)
    assert selectors_experts.assignment_get(dcity.drc_liaison, assignment.pk) == assignment
    with pytest.raises(NotFound):
        selectors_experts.assignment_get(dcity.liaison_a, assignment.pk)
