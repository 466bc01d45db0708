"""Disclosure after the decision (B3–B5): publication tasks on the working-day calendar, the
exemption reviewed by someone else, the masked public record, outcomes that withdraw it; the
staff pages and API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ganchao.common import workdays
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import selectors_disclosure as sel
from ganchao.enforcement.choices import (
    ClockState,
    ExemptionGround,
    MatterCategory,
    OutcomeKind,
    OutcomeSource,
    PartyKind,
    Stage,
    TaskKind,
    TaskState,
)
from ganchao.enforcement.models import Case, CaseDecision, CaseRecord, PublicRecord
from ganchao.enforcement.services import disclosure as services
from ganchao.enforcement.tests.conftest import published_matter

JSON = "application/json"
NAME, ID_NO, PHONE = "张三", "370102198001011234", "13800138000"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def decided(
    ecity,
    *,
    decided_on=dt.date(2026, 3, 2),
    matter=None,
    social_impact=True,
    kind="penalty",
    fine=Decimal("5000"),
    number="赶城管罚决字〔2026〕12号",
    **case_fields,
):
    """A case with an issued decision and its publication task, as the document slice leaves
    it (rows made directly)."""
    case_fields.setdefault("filed_on", decided_on - dt.timedelta(days=20))
    case = ecity.open_case(matter=matter, **case_fields)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.DECIDED,
        visited=[Stage.FILED, Stage.INVESTIGATING, Stage.REVIEWED, Stage.DECIDED],
    )
    case.refresh_from_db()
    decision = CaseDecision.objects.create(
        case=case,
        kind=kind,
        penalties=["fine"] if kind == "penalty" else [],
        fine=fine if kind == "penalty" else None,
        number=number,
        party_name=case.party_name,
        party_address=case.party_address,
        facts_evidence="经查，当事人未经许可擅自搭建彩钢房",
        penalty_basis=(
            f"依据《中华人民共和国城乡规划法》第六十四条，对{case.party_name}"
            f"（身份证号{ID_NO}，电话{PHONE}）处以罚款"
        ),
        performance="十五日内缴纳",
        remedy="六十日内申请行政复议或六个月内提起行政诉讼",
        organ_name=ecity.agency.name,
        decided_on=decided_on,
        decided_by=ecity.head,
        social_impact=social_impact,
        social_impact_reason="城区主干道旁违法建设，群众关注",
        issued_at=timezone.now(),
        issued_by=ecity.head,
    )
    with transaction.atomic():
        task = services.publication_task_for_decision(case=case, decision=decision)
    return case, decision, task


def publish(ecity, task, actor=None):
    with transaction.atomic():
        return services.publication_publish(actor=actor or ecity.officer_user_a, task=task)


# ---- B3 ----------------------------------------------------------------------------------------


def test_b3_penalty_across_national_day_is_due_on_the_make_up_saturday(ecity):
    """B3 verbatim: a penalty decision dated Thursday 2025-09-25 with the National Day holidays →
    due on the 7th working day (make-up Sunday 9/28 and Saturday 10/11 count), not overdue on
    the due date, overdue on the next working day when nothing is published."""
    assert workdays.is_working_day(dt.date(2025, 9, 28))
    assert workdays.is_working_day(dt.date(2025, 10, 11))
    assert not workdays.is_working_day(dt.date(2025, 10, 8))
    case, decision, task = decided(ecity, decided_on=dt.date(2025, 9, 25))
    assert task.kind == TaskKind.PUBLISH
    assert task.working_days == 7
    assert task.due == dt.date(2025, 10, 11)
    assert task.due == workdays.add_working_days(dt.date(2025, 9, 25), 7)
    assert sel.task_clock(task, dt.date(2025, 10, 11)) != ClockState.OVERDUE
    assert sel.task_clock(task, dt.date(2025, 10, 13)) == ClockState.OVERDUE
    # the dashboard: overdue on 10/13, listed first
    on_due = list(sel.tasks_for_list(ecity.office, state="overdue", today=dt.date(2025, 10, 11)))
    assert on_due == []
    later = list(sel.tasks_for_list(ecity.office, state="overdue", today=dt.date(2025, 10, 13)))
    assert later == [task]
    assert sel.overdue_count(ecity.office, dt.date(2025, 10, 13)) == 1


def test_b3_permit_seven_and_other_twenty_working_days(ecity):
    other = published_matter(ecity.agency, "CG-301", "责令限期拆除", category=MatterCategory.OTHER)
    for officer in (ecity.officer_a, ecity.officer_b):
        officer.matters.add(other)
    _c, _d, task = decided(ecity, matter=other, kind="other", decided_on=dt.date(2026, 3, 2))
    assert task.working_days == 20
    assert task.due == workdays.add_working_days(dt.date(2026, 3, 2), 20)
    assert task.due == dt.date(2026, 3, 30)
    _c, _d, permit = decided(
        ecity, matter=ecity.permit, kind="permit", decided_on=dt.date(2026, 3, 2), number="许可1号"
    )
    assert permit.working_days == 7
    assert permit.due == dt.date(2026, 3, 11)


def test_the_task_list_puts_overdue_first_with_clock_states(ecity, login):
    _c, _d, late = decided(ecity, decided_on=dt.date(2025, 9, 25), number="罚1号")
    _c, _d, fresh = decided(ecity, decided_on=timezone.localdate(), number="罚2号")
    rows = list(sel.tasks_for_list(ecity.office, state="open"))
    assert rows[0] == late
    page = login(ecity.officer_user_a).get(reverse("enforcement:publication_tasks"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025年10月11日" in html
    assert "已超期" in html
    assert html.index(late.case.code) < html.index(fresh.case.code)
    # another agency's officer sees none of them
    other = login(ecity.nr_officer_user).get(reverse("enforcement:publication_tasks"))
    assert late.case.code not in other.content.decode()


def test_publish_makes_the_masked_snapshot_and_closes_the_task(ecity):
    case, decision, task = decided(ecity, decided_on=dt.date(2026, 3, 2))
    item = publish(ecity, task)
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.done_by == ecity.officer_user_a
    assert item.party_masked == "张某" and item.party_is_person
    assert item.agency_name == ecity.agency.name
    assert item.matter_name == ecity.building.name
    assert item.category == MatterCategory.PENALTY
    assert item.number == "赶城管罚决字〔2026〕12号"
    assert "罚款人民币5,000.00元（伍仟元整）" in item.conclusion
    assert "给予行政处罚" in item.conclusion
    for secret in (NAME, ID_NO, PHONE):
        for field in (item.title, item.conclusion, item.basis, item.search_text, item.party_masked):
            assert secret not in field
    assert "张某" in item.basis
    # a natural person: published for publication_years_person (2 years)
    published_on = timezone.localtime(item.published_at).date()
    assert item.expires_on.year == published_on.year + 2
    assert CaseRecord.objects.filter(case=case, text__contains="决定信息已公开").exists()
    with pytest.raises(Exception):  # noqa: B017 — published once only
        publish(ecity, task)


def test_an_organisation_is_published_in_full_for_five_years(ecity):
    _c, _d, task = decided(
        ecity,
        party_kind=PartyKind.ORGANISATION,
        party_name="赶超市某某建筑有限公司",
        party_id_no="91370100MA3C123456",
        party_phone="",
    )
    item = publish(ecity, task)
    assert item.party_masked == "赶超市某某建筑有限公司"
    published_on = timezone.localtime(item.published_at).date()
    assert item.expires_on.year == published_on.year + 5


def test_only_the_agency_publishes(ecity):
    _c, _d, task = decided(ecity)
    with pytest.raises(Forbidden):
        publish(ecity, task, actor=ecity.nr_officer_user)
    assert not PublicRecord.objects.exists()


# ---- B4 and exemptions -------------------------------------------------------------------------


def test_b4_publication_is_mandatory_when_social_impact_is_yes(ecity):
    _c, _d, task = decided(ecity, social_impact=True)
    with pytest.raises(ProcedureBlocked) as refused, transaction.atomic():
        services.exemption_request(
            actor=ecity.officer_user_a,
            task=task,
            ground=ExemptionGround.PRIVACY,
            reason="涉及个人隐私",
        )
    assert refused.value.errors[0].field == "B4"
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_exemption_needs_a_reason_and_a_different_reviewer(ecity):
    _c, _d, task = decided(ecity, social_impact=False)
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.exemption_request(
            actor=ecity.officer_user_a, task=task, ground=ExemptionGround.PRIVACY, reason="  "
        )
    with transaction.atomic():
        services.exemption_request(
            actor=ecity.officer_user_a,
            task=task,
            ground=ExemptionGround.PRIVACY,
            reason="当事人系未成年人监护人，公开将泄露个人隐私",
        )
    task.refresh_from_db()
    assert task.state == TaskState.EXEMPTION_REQUESTED
    # the requester may not review it, nor may another officer
    for actor in (ecity.officer_user_a, ecity.officer_user_b):
        with pytest.raises(Forbidden), transaction.atomic():
            services.exemption_review(actor=actor, task=task, approve=True, note="")
    # a refusal needs a note; the head refuses → open again
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.exemption_review(actor=ecity.head, task=task, approve=False, note="")
    with transaction.atomic():
        services.exemption_review(actor=ecity.head, task=task, approve=False, note="不属于隐私")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    with transaction.atomic():
        services.exemption_request(
            actor=ecity.officer_user_b, task=task, ground=ExemptionGround.PRIVACY, reason="补充理由"
        )
        services.exemption_review(actor=ecity.office, task=task, approve=True, note="同意")
    task.refresh_from_db()
    assert task.state == TaskState.EXEMPT
    assert task.exemption_reviewed_by == ecity.office
    assert sel.task_clock(task, dt.date(2030, 1, 1)) == ClockState.MET


# ---- B5 ----------------------------------------------------------------------------------------


def test_b5_revoked_on_monday_is_withdrawn_by_thursday_with_the_reason(ecity, client):
    """B5 verbatim: a published penalty decision; an administrative-review result 撤销 recorded
    on Monday → a withdrawal task due Thursday; once completed the public page shows the notice
    with the reason instead of the decision; the record stays internally."""
    monday = dt.date(2026, 3, 16)
    assert monday.weekday() == 0
    case, decision, task = decided(ecity, decided_on=dt.date(2026, 3, 2))
    item = publish(ecity, task)
    url = reverse("portal:enforcement_decision", args=[item.pk])
    assert "伍仟元整" in client.get(url).content.decode()
    with transaction.atomic():
        outcome = services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source=OutcomeSource.REVIEW,
            kind=OutcomeKind.REVOKED,
            decided_on=monday,
            organ="赶超市人民政府",
            document_no="赶政复决字〔2026〕3号",
            reason="认定事实不清，证据不足",
        )
    withdraw = outcome.tasks.get()
    assert withdraw.kind == TaskKind.WITHDRAW
    assert withdraw.due == dt.date(2026, 3, 19)
    assert withdraw.due.weekday() == 3
    with transaction.atomic():
        services.withdrawal_complete(
            actor=ecity.officer_user_a,
            task=withdraw,
            reason="该决定已被赶超市人民政府行政复议撤销（赶政复决字〔2026〕3号）",
        )
    withdraw.refresh_from_db()
    assert withdraw.state == TaskState.DONE
    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert item.conclusion  # kept internally
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "行政复议撤销" in html
    assert "withdrawal-notice" in html
    assert "伍仟元整" not in html and item.title not in html
    listed = client.get(reverse("portal:enforcement_withdrawals")).content.decode()
    assert "行政复议撤销" in listed


def test_a_maintained_outcome_creates_no_withdrawal_task(ecity):
    case, _d, task = decided(ecity)
    publish(ecity, task)
    with transaction.atomic():
        outcome = services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source=OutcomeSource.LITIGATION,
            kind=OutcomeKind.MAINTAINED,
            decided_on=dt.date(2026, 4, 1),
            organ="赶超市人民法院",
            reason="驳回诉讼请求",
        )
    assert not outcome.tasks.exists()


def test_a_never_published_decision_still_gets_its_withdrawal_task(ecity):
    case, _d, _task = decided(ecity)
    with transaction.atomic():
        outcome = services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source=OutcomeSource.SELF_CORRECTION,
            kind=OutcomeKind.MODIFIED,
            decided_on=dt.date(2026, 3, 16),
            organ=ecity.agency.name,
            reason="罚款数额计算错误，予以变更",
        )
    withdraw = outcome.tasks.get()
    with transaction.atomic():
        services.withdrawal_complete(actor=ecity.officer_user_a, task=withdraw, reason="")
    withdraw.refresh_from_db()
    assert withdraw.state == TaskState.DONE
    assert CaseRecord.objects.filter(case=case, text__contains="未曾公开").exists()


def test_outcome_input_errors_change_nothing(ecity):
    case, decision, _task = decided(ecity)
    with pytest.raises(ValidationFailed) as bad, transaction.atomic():
        services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source="appeal",
            kind=OutcomeKind.REVOKED,
            decided_on=dt.date(2026, 3, 16),
            organ="x",
            reason="y",
        )
    assert bad.value.errors[0].field == "source"
    with pytest.raises(ValidationFailed) as early, transaction.atomic():
        services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source=OutcomeSource.REVIEW,
            kind=OutcomeKind.REVOKED,
            decided_on=decision.decided_on - dt.timedelta(days=1),
            organ="x",
            reason="y",
        )
    assert early.value.errors[0].field == "decided_on"
    assert not case.outcomes.exists()


# ---- pages -------------------------------------------------------------------------------------


def test_panel_and_page_actions(ecity, login):
    case, _d, task = decided(ecity, social_impact=False)
    client = login(ecity.officer_user_a)
    page = client.get(reverse("enforcement:case_disclosure", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "公开决定信息" in html and "申请不予公开" in html
    # an empty reason: 422, nothing saved
    refused = client.post(
        reverse("enforcement:publication_exemption", args=[task.pk]),
        {"ground": ExemptionGround.PRIVACY, "reason": "", "back": "disclosure"},
    )
    assert refused.status_code == 422
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    done = client.post(
        reverse("enforcement:publication_publish", args=[task.pk]), {"back": "disclosure"}
    )
    assert done.status_code == 302
    item = PublicRecord.objects.get(case=case)
    html = client.get(reverse("enforcement:case_disclosure", args=[case.pk])).content.decode()
    assert reverse("portal:enforcement_decision", args=[item.pk]) in html
    posted = client.post(
        reverse("enforcement:outcome_record", args=[case.pk]),
        {
            "source": OutcomeSource.REVIEW,
            "kind": OutcomeKind.REVOKED,
            "decided_on": "2026-03-16",
            "organ": "赶超市人民政府",
            "document_no": "",
            "reason": "程序违法",
            "back": "disclosure",
        },
    )
    assert posted.status_code == 302
    withdraw = case.publication_tasks.get(kind=TaskKind.WITHDRAW)
    client.post(reverse("enforcement:withdrawal_complete", args=[withdraw.pk]), {"reason": ""})
    item.refresh_from_db()
    assert "赶超市人民政府" in item.withdrawal_reason and "撤销" in item.withdrawal_reason


def test_b4_refusal_shown_on_the_page(ecity, login):
    case, _d, task = decided(ecity, social_impact=True)
    client = login(ecity.officer_user_a)
    html = client.get(reverse("enforcement:case_disclosure", args=[case.pk])).content.decode()
    assert "不得申请不予公开" in html
    refused = client.post(
        reverse("enforcement:publication_exemption", args=[task.pk]),
        {"ground": ExemptionGround.PRIVACY, "reason": "隐私"},
    )
    assert refused.status_code == 409
    assert "【B4】" in refused.content.decode()


def test_task_list_query_count_is_pinned(ecity, login, django_assert_max_num_queries):
    for n in range(3):
        decided(ecity, number=f"罚{n}号")
    client = login(ecity.office)
    url = reverse("enforcement:publication_tasks")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for n in range(3, 15):
        decided(ecity, number=f"罚{n}号")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# ---- API ---------------------------------------------------------------------------------------


def test_api_tasks_publish_exemption_outcome_withdraw(ecity, login):
    case, _d, task = decided(ecity, social_impact=False, decided_on=dt.date(2025, 9, 25))
    client = login(ecity.officer_user_a)
    body = client.get("/api/v1/enforcement/publication-tasks?state=all").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["due"] == "2025-10-11" and row["overdue"] is True
    base = f"/api/v1/enforcement/publication-tasks/{task.pk}"
    bad = client.post(f"{base}/exemption", {"ground": "privacy"}, content_type=JSON)
    assert bad.status_code == 422
    asked = client.post(
        f"{base}/exemption", {"ground": "privacy", "reason": "隐私"}, content_type=JSON
    )
    assert asked.json()["state"] == TaskState.EXEMPTION_REQUESTED
    self_review = client.post(f"{base}/exemption-review", {"approve": True}, content_type=JSON)
    assert self_review.status_code == 403
    head = login(ecity.head)
    back = head.post(
        f"{base}/exemption-review", {"approve": False, "note": "应当公开"}, content_type=JSON
    )
    assert back.json()["state"] == TaskState.OPEN
    client = login(ecity.officer_user_a)
    published = client.post(f"{base}/publish", content_type=JSON)
    assert published.status_code == 200
    assert published.json()["party"] == "张某"
    outcome = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/outcomes",
        {
            "source": "review",
            "kind": "revoked",
            "decided_on": "2026-03-16",
            "organ": "赶超市人民政府",
            "reason": "事实不清",
        },
        content_type=JSON,
    )
    assert outcome.status_code == 201
    withdraw = outcome.json()["withdrawal_task"]
    assert withdraw["due"] == "2026-03-19"
    done = client.post(
        f"/api/v1/enforcement/publication-tasks/{withdraw['id']}/withdraw",
        {"reason": "已被行政复议撤销"},
        content_type=JSON,
    )
    assert done.json()["state"] == TaskState.DONE
    outsider = login(ecity.nr_officer_user).post(f"{base}/publish", content_type=JSON)
    assert outsider.status_code == 404


def test_the_panel_is_on_the_case_page(ecity, login):
    case, _d, task = decided(ecity, social_impact=False)
    html = login(ecity.officer_user_a).get(reverse("enforcement:case_detail", args=[case.pk]))
    html = html.content.decode()
    assert 'id="panel-disclosure"' in html
    assert reverse("enforcement:publication_publish", args=[task.pk]) in html
    # a reader outside the agency (the office) sees the tasks but no forms
    office = login(ecity.office).get(reverse("enforcement:case_detail", args=[case.pk]))
    office_html = office.content.decode()
    assert 'id="panel-disclosure"' in office_html
    assert reverse("enforcement:publication_publish", args=[task.pk]) not in office_html
