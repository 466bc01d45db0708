"""Opening a case (B1, B2), the proposed decision's major reasons (B8) and closing (B6)."""

import datetime as dt

import pytest

from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, selectors, services
from ganchao.enforcement.choices import MatterState, PenaltyKind, Stage
from ganchao.enforcement.models import Case


def test_case_gets_a_year_code_and_its_filing_record(ecity):
    first = ecity.open_case()
    second = ecity.open_case(title="占道堆放建材")
    assert (first.code, second.code) == ("ZF-2026-001", "ZF-2026-002")
    assert first.stage == Stage.FILED
    assert first.records.filter(stage=Stage.FILED).count() == 1


def test_b1_case_refused_under_a_matter_not_yet_public(ecity):
    ecity.vending.state = MatterState.DRAFT
    ecity.vending.save()
    with pytest.raises(ProcedureBlocked) as refused:
        ecity.open_case(matter=ecity.vending)
    assert refused.value.errors[0].field == "B1"
    assert Case.objects.count() == 0


def test_b2_case_needs_two_certified_officers(ecity):
    with pytest.raises(ProcedureBlocked) as refused:
        services.case_open(
            actor=ecity.officer_user_a,
            matter=ecity.building,
            officers=[ecity.officer_a, ecity.officer_expired],
            title="搭建",
            party_kind="person",
            party_name="张三",
            place="李庄村",
            filed_on=dt.date(2026, 3, 2),
        )
    assert refused.value.errors[0].field == "B2"
    assert "已过有效期" in refused.value.errors[0].message


def test_b8_fine_over_the_person_threshold_is_major(ecity):
    case = ecity.open_case()
    services.case_update(
        actor=ecity.officer_user_a,
        case=case,
        proposed_penalties=[PenaltyKind.FINE],
        proposed_fine="15000",
        proposed_summary="拟罚款15000元",
    )
    facts = selectors.case_facts(Case.objects.get(pk=case.pk))
    assert facts.major_reasons == ["fine_person"]
    assert gates.blockers_for("decide", facts)[-1].rule == "B9"


def test_b8_manual_major_flag_cannot_be_removed(ecity):
    case = ecity.open_case()
    services.case_update(
        actor=ecity.officer_user_a, case=case, manual_major=True, manual_major_reason="社会关注"
    )
    with pytest.raises(ProcedureBlocked) as refused:
        services.case_update(actor=ecity.officer_user_a, case=case, manual_major=False)
    assert refused.value.errors[0].field == "B8"


def test_b6_close_names_the_stage_without_record(ecity):
    facts = gates.CaseFacts(
        stage=Stage.SERVED,
        visited=[Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED, Stage.SERVED],
        records_by_stage={
            Stage.FILED: 1,
            Stage.INVESTIGATING: 2,
            Stage.REVIEWED: 1,
            Stage.DECIDED: 1,
        },
        delivered=True,
    )
    messages = [b.message for b in gates.blockers_for("close", facts)]
    assert messages == ["送达环节无记录"]
