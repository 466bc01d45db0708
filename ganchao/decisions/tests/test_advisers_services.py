"""The legal-adviser register and consultation log (LEGAL_RULES A16, issue 10 item 8): who keeps
the register, the term an adviser serves, the opinion that blocks the meeting, and the written
reason a not-adopted opinion needs."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions import services
from ganchao.decisions.choices import AdviserKind, MaterialKind, Step
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import AdviserConsultation, DecisionFile, LegalityReview
from ganchao.decisions.services import advisers
from ganchao.decisions.tests.conftest import pdf

pytestmark = pytest.mark.django_db

NO_OPINION = "未听取法律顾问或公职律师意见"
NON_COMPLIANT = "法律顾问意见为不合法或不合规，不得提交讨论"


def appoint(dcity, actor=None, **kwargs):
    fields = {
        "name": "李律师",
        "kind": AdviserKind.PUBLIC_LAWYER,
        "appointing_unit": dcity.root,
        "organisation": "赶超市司法局",
        "qualification": "11101202010000001",
        "term_start": dt.date(2026, 1, 1),
        "term_end": dt.date(2026, 12, 31),
    }
    fields.update(kwargs)
    return advisers.legal_adviser_create(actor=actor or dcity.reviewer, **fields)


def consult(dcity, actor=None, **kwargs):
    fields = {
        "unit": dcity.drc,
        "adviser": dcity.adviser,
        "subject": "停车收费调整方案",
        "opinion": "方案符合《价格法》规定。",
        "conclusion": "compliant",
        "consulted_on": dt.date(2026, 3, 10),
    }
    fields.update(kwargs)
    return advisers.adviser_opinion_record(actor=actor or dcity.drc_liaison, **fields)


def a16(decision) -> list[str]:
    """The A16 messages that stop the decision going to the meeting."""
    try:
        services.require(decision, Step.MEETING)
    except ProcedureBlocked as blocked:
        return [e.message for e in blocked.errors if e.field == "A16"]
    return []


# ---- the register --------------------------------------------------------------------------------


def test_the_justice_bureau_appoints_an_adviser_and_it_is_audited(dcity):
    """Given the city's legality reviewer (市司法局), When they appoint a public lawyer of the
    city, Then the register holds them and the audit log has the event on a legaladviser."""
    adviser = appoint(dcity)
    assert adviser.active and adviser.appointing_unit == dcity.root
    event = AuditEvent.objects.get(action="decision.adviser_create")
    assert (event.object_type, event.object_id) == ("legaladviser", str(adviser.pk))
    assert event.changes["name"]["after"] == "李律师"


def test_a_term_ending_before_it_starts_is_refused(dcity):
    """Given a term end before its start, When the adviser is appointed, Then 422 on term_end."""
    with pytest.raises(ValidationFailed) as refused:
        appoint(dcity, term_start=dt.date(2026, 6, 1), term_end=dt.date(2026, 5, 31))
    assert [e.field for e in refused.value.errors] == ["term_end"]


def test_only_the_office_or_the_city_s_reviewers_keep_the_register(dcity):
    """Given a liaison, a city leader or the adviser themselves, When they appoint an adviser,
    Then it is refused; the office may."""
    for outsider in (dcity.drc_liaison, dcity.leader_user, dcity.adviser_user):
        with pytest.raises(Forbidden):
            appoint(dcity, actor=outsider)
    assert appoint(dcity, actor=dcity.office, name="周律师").pk


def test_a_linked_account_must_hold_the_adviser_role(dcity):
    """Given an account without the legal_adviser role, When it is linked, Then 422 on user;
    an account already linked to another adviser is refused too."""
    with pytest.raises(ValidationFailed) as refused:
        appoint(dcity, user=dcity.drc_liaison)
    assert refused.value.errors[0].field == "user"
    with pytest.raises(ValidationFailed) as taken:
        appoint(dcity, user=dcity.adviser_user)
    assert "已关联其他法律顾问" in taken.value.errors[0].message


def test_an_edit_changes_only_what_is_given_and_checks_the_version(dcity):
    """Given an adviser, When the term is extended, Then the change is audited; a stale version
    is a conflict."""
    adviser = appoint(dcity)
    advisers.legal_adviser_update(
        actor=dcity.reviewer, adviser=adviser, expected_version=1, term_end=dt.date(2027, 12, 31)
    )
    adviser.refresh_from_db()
    assert adviser.term_end == dt.date(2027, 12, 31) and adviser.version == 2
    event = AuditEvent.objects.get(action="decision.adviser_update")
    assert event.changes == {"term_end": {"before": "2026-12-31", "after": "2027-12-31"}}
    with pytest.raises(Conflict):
        advisers.legal_adviser_update(
            actor=dcity.reviewer, adviser=adviser, expected_version=1, phone="123"
        )


def test_ending_an_appointment_needs_a_reason_and_stops_new_consultations(dcity):
    """Given an adviser, When the appointment is ended without a reason, Then 422; with one, the
    adviser is no longer in post and a consultation naming them is refused (422 on adviser)."""
    with pytest.raises(ValidationFailed) as refused:
        advisers.legal_adviser_end(actor=dcity.reviewer, adviser=dcity.adviser, reason=" ")
    assert refused.value.errors[0].field == "reason"
    advisers.legal_adviser_end(
        actor=dcity.reviewer, adviser=dcity.adviser, reason="合同到期不再续聘"
    )
    dcity.adviser.refresh_from_db()
    assert not dcity.adviser.active
    assert AuditEvent.objects.get(action="decision.adviser_end").reason == "合同到期不再续聘"
    with pytest.raises(ValidationFailed) as ended:
        consult(dcity)
    assert ended.value.errors[0].field == "adviser"
    assert "陈律师" in ended.value.errors[0].message


# ---- the consultation log ------------------------------------------------------------------------


def test_an_adviser_outside_the_term_on_the_consultation_date_is_refused(dcity):
    """Given an adviser appointed for 2026, When a consultation of 2025-12-20 names them, Then
    422 naming the adviser and nothing is saved."""
    adviser = appoint(dcity)
    with pytest.raises(ValidationFailed) as refused:
        consult(dcity, adviser=adviser, consulted_on=dt.date(2025, 12, 20))
    error = refused.value.errors[0]
    assert error.field == "adviser" and "李律师" in error.message and "聘期" in error.message
    assert not AdviserConsultation.objects.exists()


def test_a_future_consultation_date_is_refused(dcity):
    """Given tomorrow's date, When a consultation is recorded, Then 422 on consulted_on."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        consult(dcity, consulted_on=tomorrow)
    assert "consulted_on" in [e.field for e in refused.value.errors]


def test_a_unit_records_its_own_consultations_the_office_any(dcity):
    """Given the 发改委 liaison, When they record a consultation for 市场监管局, Then 422 on unit;
    the office records it for any unit; the record is unlinked and audited on itself."""
    with pytest.raises(ValidationFailed) as refused:
        consult(dcity, unit=dcity.market)
    assert refused.value.errors[0].field == "unit"
    row = consult(dcity, actor=dcity.office, unit=dcity.market)
    assert row.unit == dcity.market and row.adoption == "pending" and row.decision is None
    event = AuditEvent.objects.get(action="decision.adviser_opinion")
    assert (event.object_type, event.object_id) == ("adviserconsultation", str(row.pk))


def test_the_adviser_records_the_opinion_they_gave(dcity):
    """Given the adviser's own linked account, When they record an opinion given to 发改委, Then
    it is saved; naming another adviser is refused."""
    row = consult(dcity, actor=dcity.adviser_user)
    assert row.recorded_by == dcity.adviser_user
    other = appoint(dcity)
    with pytest.raises(ValidationFailed):
        consult(dcity, actor=dcity.adviser_user, adviser=other)


def test_an_opinion_on_a_decision_keeps_its_signed_file(dcity):
    """Given a launched decision, When the liaison records an opinion with its PDF, Then the file
    is the decision's adviser_opinion material and the event is on the decision."""
    decision = dcity.launched()
    row = consult(dcity, decision=decision, file=pdf("法律意见书.pdf"))
    item = DecisionFile.objects.get(pk=row.file_id)
    assert (item.kind, item.decision_id, item.object_id) == (
        MaterialKind.ADVISER_OPINION,
        decision.pk,
        row.pk,
    )
    event = AuditEvent.objects.filter(action="decision.adviser_opinion").get()
    assert (event.object_type, event.object_id) == ("decision", str(decision.pk))


def test_a_file_without_a_decision_is_refused(dcity):
    """Given no linked decision, When a file is attached, Then 422 on file."""
    with pytest.raises(ValidationFailed) as refused:
        consult(dcity, file=pdf())
    assert refused.value.errors[0].field == "file"


def _review(dcity, decision):
    return LegalityReview.objects.create(
        decision=decision,
        draft=decision.drafts.get(),
        reviewing_unit=dcity.justice,
        requested_by=dcity.drc_liaison,
        requested_at=timezone.now(),
        legal_basis="《价格法》",
        procedure_statement="已公开征求意见",
        earliest_meeting_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 4, 10),
    )


def test_an_opinion_in_the_legality_review_belongs_to_its_decision(dcity):
    """Given a legality review, When the reviewer records the adviser's opinion on it, Then the
    consultation names the review's decision too."""
    decision = dcity.launched()
    review = _review(dcity, decision)
    row = consult(dcity, actor=dcity.reviewer, unit=dcity.justice, legality_review=review)
    assert row.decision_id == decision.pk and row.legality_review_id == review.pk


# ---- A16 -----------------------------------------------------------------------------------------


def test_a16_no_adviser_opinion_blocks_the_meeting(dcity):
    """Given a decision whose adviser was never heard, When it goes to the meeting, Then A16
    "未听取法律顾问或公职律师意见"."""
    decision = dcity.launched()
    assert a16(decision) == [NO_OPINION]


def test_a16_a_non_compliant_opinion_blocks_the_meeting(dcity):
    """Given the adviser's opinion concludes 不合规, When the decision goes to the meeting, Then
    A16 "法律顾问意见为不合法或不合规，不得提交讨论"."""
    decision = dcity.launched()
    consult(dcity, decision=decision, conclusion="non_compliant", opinion="收费依据不足。")
    assert a16(decision) == [NON_COMPLIANT]


def test_a16_a_later_compliant_opinion_on_the_changed_draft_lifts_it(dcity):
    """Given a 不合规 opinion, When the draft is changed and the adviser's later opinion is
    compliant, Then A16 no longer blocks the meeting."""
    decision = dcity.launched()
    consult(dcity, decision=decision, conclusion="non_compliant", consulted_on=dt.date(2026, 3, 1))
    services.draft_add(
        actor=dcity.drc_liaison,
        decision=decision,
        text="修改后的草案",
        explanation="采纳意见",
        change_note="删除无依据的收费项目",
    )
    consult(dcity, decision=decision, conclusion="compliant", consulted_on=dt.date(2026, 3, 9))
    assert a16(decision) == []


def test_a16_the_latest_opinion_counts_even_when_an_earlier_one_was_compliant(dcity):
    """Given a compliant opinion, When a later opinion on the changed draft is 不合规, Then A16
    blocks again."""
    decision = dcity.launched()
    consult(dcity, decision=decision, consulted_on=dt.date(2026, 3, 1))
    consult(dcity, decision=decision, conclusion="non_compliant", consulted_on=dt.date(2026, 3, 5))
    assert a16(decision) == [NON_COMPLIANT]


def test_an_opinion_after_the_decision_was_made_is_refused(dcity):
    """Given a decided decision, When a pre-decision adviser opinion is recorded on it, Then 409
    and nothing is saved."""
    decision = dcity.launched()
    type(decision).objects.filter(pk=decision.pk).update(state="decided")
    with pytest.raises(Conflict):
        consult(dcity, decision=decision)
    assert not AdviserConsultation.objects.exists()


# ---- adoption ------------------------------------------------------------------------------------


@pytest.mark.parametrize("adoption", ["not_adopted", "partly"])
def test_a16_a_not_adopted_opinion_needs_a_written_reason(dcity, adoption):
    """Given an adviser opinion, When the unit records it not (or partly) adopted without a
    reason, Then 422 on reason and it stays pending; with the reason it is kept with the record."""
    row = consult(dcity)
    with pytest.raises(ValidationFailed) as refused:
        advisers.adviser_opinion_adopt(
            actor=dcity.drc_liaison, consultation=row, adoption=adoption, reason="  "
        )
    assert refused.value.errors[0].field == "reason"
    row.refresh_from_db()
    assert row.adoption == "pending"
    advisers.adviser_opinion_adopt(
        actor=dcity.drc_liaison, consultation=row, adoption=adoption, reason="上位法已修订"
    )
    row.refresh_from_db()
    assert (row.adoption, row.adoption_reason) == (adoption, "上位法已修订")
    assert AuditEvent.objects.get(action="decision.adviser_adoption").reason == "上位法已修订"


def test_adoption_is_set_once_by_the_consulting_unit(dcity):
    """Given an opinion of 发改委, When 市场监管局 records its adoption, Then 403; 发改委's
    "adopted" needs no reason; a second adoption is a conflict."""
    row = consult(dcity)
    with pytest.raises(Forbidden):
        advisers.adviser_opinion_adopt(
            actor=dcity.market_liaison, consultation=row, adoption="adopted"
        )
    advisers.adviser_opinion_adopt(actor=dcity.drc_liaison, consultation=row, adoption="adopted")
    with pytest.raises(Conflict):
        advisers.adviser_opinion_adopt(
            actor=dcity.drc_liaison, consultation=row, adoption="not_adopted", reason="改变主意"
        )
