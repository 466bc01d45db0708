"""The decision document (B12, B4): the draft, the issuance refused naming every empty field,
the rendered .docx, the seal record, the publication task (B3) and the download that
re-verifies the hash."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from docx import Document

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import seal as seals
from ganchao.enforcement import services
from ganchao.enforcement.choices import DecisionKind, MatterCategory, Stage
from ganchao.enforcement.models import (
    CaseDecision,
    CaseRecord,
    EnforcementSettings,
    PublicationTask,
    SealRecord,
)
from ganchao.enforcement.tests.conftest import published_matter

DECIDED_ON = dt.date(2026, 3, 2)  # a Monday: +7 working days = 11 March, +20 = 30 March
FULL = {
    "party_name": "张三",
    "party_address": "赶超市西湖镇李庄村18号",
    "facts_evidence": "当事人未经许可在西湖镇李庄村18号院内搭建彩钢房约30平方米，有现场检查笔录、照片为证。",
    "penalty_basis": "依据《中华人民共和国城乡规划法》第六十四条，责令限期拆除，并处罚款5000元。",
    "performance": "自收到本决定书之日起15日内到指定银行缴纳罚款。",
    "remedy": "如不服本决定，可在收到本决定书之日起60日内向赶超市人民政府申请行政复议，或者6个月内向赶超市人民法院提起行政诉讼。",
    "organ_name": "赶超市城市管理综合行政执法局",
}


def decided(ecity, *, matter=None, kind=DecisionKind.PENALTY, **fields):
    """A case at 决定 with its decision row written directly (the procedure slice makes it)."""
    case = ecity.open_case(matter=matter)
    case.stage = Stage.DECIDED
    case.visited = [Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED]
    case.save()
    CaseDecision.objects.create(
        case=case, kind=kind, decided_on=DECIDED_ON, decided_by=ecity.head, **fields
    )
    return case


def complete(ecity, **extra):
    return decided(ecity, **FULL, social_impact=True, social_impact_reason="群众反映强烈", **extra)


def other_matter(ecity, category=MatterCategory.OTHER):
    matter = published_matter(ecity.agency, "CG-201", "户外广告设置备案", category=category)
    for officer in (ecity.officer_a, ecity.officer_b):
        officer.matters.add(matter)
    return matter


def test_b12_issuance_refused_naming_the_missing_remedy(ecity):
    """Given a draft missing the 复议/诉讼途径和期限, When it is issued, Then issuance is refused
    naming it and nothing is sealed or stored."""
    fields = {k: v for k, v in FULL.items() if k != "remedy"}
    case = decided(ecity, **fields, social_impact=True, social_impact_reason="影响较大")
    with pytest.raises(ProcedureBlocked) as refused:
        services.decision_issue(actor=ecity.head, case=case)
    messages = [(e.field, e.message) for e in refused.value.errors]
    assert messages == [("B12", "决定书缺少“申请行政复议、提起行政诉讼的途径和期限”")]
    decision = CaseDecision.objects.get(case=case)
    assert decision.issued_at is None and not decision.document and not decision.number
    assert not SealRecord.objects.exists() and not PublicationTask.objects.exists()


def test_b12_refusal_names_every_empty_field(ecity):
    case = decided(ecity, social_impact=False, social_impact_reason="情节轻微")
    with pytest.raises(ProcedureBlocked) as refused:
        services.decision_issue(actor=ecity.officer_user_a, case=case)
    named = [e.message for e in refused.value.errors if e.field == "B12"]
    assert len(named) == 7
    assert "决定书缺少“当事人的姓名或者名称”" in named
    assert "决定书缺少“行政处罚的履行方式和期限”" in named


def test_b4_penalty_with_social_impact_empty_is_refused(ecity):
    """Given a penalty decision saved with social_impact empty, When it is finalised, Then
    validation fails (B4)."""
    case = decided(ecity, **FULL)
    with pytest.raises(ProcedureBlocked) as refused:
        services.decision_issue(actor=ecity.head, case=case)
    assert [e.field for e in refused.value.errors] == ["B4"]
    assert CaseDecision.objects.get(case=case).issued_at is None


def test_b4_the_reason_is_required_with_either_answer(ecity):
    case = decided(ecity, **FULL)
    for answer in ("yes", "no"):
        with pytest.raises(ValidationFailed) as refused:
            services.decision_draft_update(
                actor=ecity.officer_user_a, case=case, social_impact=answer
            )
        assert refused.value.errors[0].field == "social_impact_reason"
    decision = services.decision_draft_update(
        actor=ecity.officer_user_a, case=case, social_impact="no", social_impact_reason="情节轻微"
    )
    assert decision.social_impact is False
    assert AuditEvent.objects.filter(action="enforcement.decision_draft_update").count() == 1


def test_issue_renders_every_field_seals_and_records(ecity):
    case = complete(ecity)
    decision = services.decision_issue(actor=ecity.head, case=case)
    assert decision.number == "赶超市城市管理综合行政执法局罚决〔2026〕1号"
    with default_storage.open(decision.document.name, "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    for value in FULL.values():
        assert value in text
    assert decision.number in text and "2026年3月2日" in text
    assert "本地替代签章，非正式电子印章，正式使用须接入电子印章服务" in text

    seal = SealRecord.objects.get(decision=decision)
    assert seal.stand_in is True and seal.service == "local-stand-in"
    assert seal.document_sha256 == decision.document_sha256
    assert seals.LocalStandInSeal().verify(seal.document_sha256, seal.seal_name, seal.signature)
    assert decision.issued_by == ecity.head and decision.issued_at is not None
    note = CaseRecord.objects.filter(case=case, stage=Stage.DECIDED).get()
    assert decision.number in note.text and decision.document_sha256 in note.text


def test_numbers_count_per_agency_and_year(ecity):
    first = services.decision_issue(actor=ecity.head, case=complete(ecity))
    second = services.decision_issue(actor=ecity.head, case=complete(ecity))
    assert first.number.endswith("〔2026〕1号") and second.number.endswith("〔2026〕2号")


def test_a_number_given_in_the_draft_is_kept_and_unique(ecity):
    case = complete(ecity)
    services.decision_draft_update(
        actor=ecity.officer_user_a, case=case, number="赶城执罚〔2026〕9号"
    )
    assert services.decision_issue(actor=ecity.head, case=case).number == "赶城执罚〔2026〕9号"
    other = complete(ecity)
    with pytest.raises(ValidationFailed):
        services.decision_draft_update(
            actor=ecity.officer_user_a, case=other, number="赶城执罚〔2026〕9号"
        )


def test_issued_decision_never_changes(ecity):
    case = complete(ecity)
    services.decision_issue(actor=ecity.head, case=case)
    with pytest.raises(Conflict):
        services.decision_draft_update(actor=ecity.officer_user_a, case=case, remedy="改")
    with pytest.raises(Conflict):
        services.decision_issue(actor=ecity.head, case=case)
    assert CaseDecision.objects.get(case=case).remedy == FULL["remedy"]
    assert SealRecord.objects.count() == 1


def test_b3_penalty_publication_task_due_in_7_working_days(ecity):
    case = complete(ecity)
    services.decision_issue(actor=ecity.head, case=case)
    task = PublicationTask.objects.get(case=case)
    assert (task.due, task.working_days) == (dt.date(2026, 3, 11), 7)


def test_b3_permit_7_and_other_20_working_days(ecity):
    permit = decided(ecity, matter=ecity.permit, kind=DecisionKind.PERMIT, **FULL)
    services.decision_issue(actor=ecity.head, case=permit)
    assert PublicationTask.objects.get(case=permit).due == dt.date(2026, 3, 11)
    other = decided(ecity, matter=other_matter(ecity), kind=DecisionKind.OTHER, **FULL)
    services.decision_issue(actor=ecity.head, case=other)
    task = PublicationTask.objects.get(case=other)
    assert (task.due, task.working_days) == (dt.date(2026, 3, 30), 20)


def test_b4_no_social_impact_and_publish_all_off_makes_no_task(ecity):
    EnforcementSettings.objects.filter(pk=1).update(publish_all_penalties=False)
    quiet = decided(ecity, **FULL, social_impact=False, social_impact_reason="情节轻微")
    services.decision_issue(actor=ecity.head, case=quiet)
    assert not PublicationTask.objects.filter(case=quiet).exists()
    loud = decided(ecity, **FULL, social_impact=True, social_impact_reason="群众关注")
    services.decision_issue(actor=ecity.head, case=loud)
    assert PublicationTask.objects.filter(case=loud).exists()


def test_b4_publish_all_penalties_publishes_without_social_impact(ecity):
    case = decided(ecity, **FULL, social_impact=False, social_impact_reason="情节轻微")
    services.decision_issue(actor=ecity.head, case=case)
    assert PublicationTask.objects.filter(case=case).exists()


def test_altered_document_refused_on_download_and_audited(ecity):
    case = complete(ecity)
    decision = services.decision_issue(actor=ecity.head, case=case)
    handle, _decision = services.decision_document_open(actor=ecity.officer_user_a, case=case)
    handle.close()
    with open(default_storage.path(decision.document.name), "ab") as tampered:
        tampered.write(b"tampered")
    with pytest.raises(Conflict) as refused:
        services.decision_document_open(actor=ecity.officer_user_a, case=case)
    assert "校验值" in refused.value.message
    event = AuditEvent.objects.filter(action="enforcement.decision_document_open").get()
    assert event.success is False


def test_only_the_agency_staff_issue(ecity):
    case = complete(ecity)
    from ganchao.common.errors import Forbidden

    with pytest.raises(Forbidden):
        services.decision_issue(actor=ecity.nr_officer_user, case=case)
    assert CaseDecision.objects.get(case=case).issued_at is None


class OfficialSeal:
    """A seal platform as a deployment would connect it."""

    stand_in = False

    def seal(self, document_sha256, seal_name):
        return seals.SealResult("province-eseal", "P-0001", "sig:" + document_sha256, False)


@override_settings(GANCHAO_SEAL_SERVICE="ganchao.enforcement.tests.test_document.OfficialSeal")
def test_the_configured_seal_service_is_used(ecity):
    case = complete(ecity)
    decision = services.decision_issue(actor=ecity.head, case=case)
    seal = SealRecord.objects.get(decision=decision)
    assert (seal.service, seal.seal_id, seal.stand_in) == ("province-eseal", "P-0001", False)
    with default_storage.open(decision.document.name, "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "本地替代签章" not in text


@override_settings(GANCHAO_SEAL_SERVICE="ganchao.enforcement.tests.nowhere.Seal")
def test_an_unavailable_seal_service_issues_nothing(ecity):
    case = complete(ecity)
    with pytest.raises(Conflict):
        services.decision_issue(actor=ecity.head, case=case)
    assert CaseDecision.objects.get(case=case).issued_at is None
    assert not SealRecord.objects.exists()
