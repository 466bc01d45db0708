"""Issuing, answering and reviewing 督办单, the gap-free 文号 counter, 约谈 decisions."""

import datetime as dt

import pytest
from django.db import transaction

from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.ladder import escalation, services
from ganchao.ladder.documents import chinese_date
from ganchao.ladder.models import (
    BulletinListing,
    DocumentCounter,
    SupervisionNotice,
    TalkProposal,
)
from ganchao.ladder.tests.helpers import at, red_assignments

pytestmark = pytest.mark.django_db


def propose(assignment, key="2026-05-11", trigger="red_ten_days"):
    return SupervisionNotice.objects.create(
        trigger=trigger,
        cause_key=key,
        assignment=assignment,
        unit=assignment.unit,
        proposed_at=at("2026-05-25 23:59:59"),
        reason="严重滞后满10个工作日",
        title="关于督促推进的督办单",
        content="西湖镇：\n请加快推进。",
    )


@pytest.fixture
def lead(city):
    return red_assignments(city)[1][0]


def test_issue_numbers_per_type_and_year_and_sets_due_in_five_working_days(city, lead):
    first = services.notice_issue(
        actor=city.office, notice_id=propose(lead).pk, at=at("2026-05-26 09:00")
    )
    second = services.notice_issue(
        actor=city.office, notice_id=propose(lead, "2026-06-01").pk, at=at("2026-06-01 09:00")
    )
    third = services.notice_issue(
        actor=city.office, notice_id=propose(lead, "2027-01-05").pk, at=at("2027-01-05 09:00")
    )
    assert (first.number, second.number, third.number) == (
        "赶督〔2026〕1号",
        "赶督〔2026〕2号",
        "赶督〔2027〕1号",
    )
    assert first.response_due == dt.date(2026, 6, 2)
    assert first.issuer_unit == city.inspection and first.state == "issued"
    assert city.liaison_a.notifications.filter(kind="notice").count() == 3


def test_a_rolled_back_issue_leaves_no_gap(city, lead, monkeypatch):
    proposal = propose(lead)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_issue(actor=city.office, notice_id=proposal.pk, at=at("2026-05-26 09:00"))
        raise RuntimeError("failure after numbering")

    def broken(**kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.notice_issue(actor=city.office, notice_id=proposal.pk, at=at("2026-05-26 09:00"))
    monkeypatch.undo()
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()
    issued = services.notice_issue(
        actor=city.office, notice_id=proposal.pk, at=at("2026-05-26 09:00")
    )
    assert issued.number == "赶督〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_number_take_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        services.number_take("notice", 2026)


def test_only_the_office_issues_and_outsiders_get_not_found(city, lead):
    proposal = propose(lead)
    with pytest.raises(NotFound):  # a unit never sees a proposal
        services.notice_issue(actor=city.liaison_a, notice_id=proposal.pk)
    with pytest.raises(NotFound):
        services.notice_issue(actor=city.office, notice_id=999999)
    services.notice_issue(actor=city.office, notice_id=proposal.pk, at=at("2026-05-26 09:00"))
    with pytest.raises(Conflict):
        services.notice_issue(actor=city.office, notice_id=proposal.pk)
    with pytest.raises(Forbidden):
        services.notice_accept(actor=city.liaison_a, notice_id=proposal.pk)
    with pytest.raises(NotFound):
        services.notice_respond(actor=city.liaison_b, notice_id=proposal.pk, text="回复")


def test_dismissal_needs_a_reason_and_closes_the_cause(city, lead):
    proposal = propose(lead)
    with pytest.raises(ValidationFailed):
        services.notice_dismiss(actor=city.office, notice_id=proposal.pk, reason=" ")
    services.notice_dismiss(actor=city.office, notice_id=proposal.pk, reason="已另行处理")
    with pytest.raises(Conflict):
        services.notice_issue(actor=city.office, notice_id=proposal.pk)
    escalation.proposals_raise(at=at("2026-06-01 23:59:59"))
    assert SupervisionNotice.objects.filter(trigger="red_ten_days").count() == 1


def test_respond_return_respond_accept(city, lead):
    notice = services.notice_issue(
        actor=city.office, notice_id=propose(lead).pk, at=at("2026-05-26 09:00")
    )
    with pytest.raises(ValidationFailed):
        services.notice_respond(actor=city.liaison_a, notice_id=notice.pk, text="")
    services.notice_respond(
        actor=city.liaison_a, notice_id=notice.pk, text="已阅", at=at("2026-05-27 10:00")
    )
    with pytest.raises(Conflict):
        services.notice_respond(actor=city.liaison_a, notice_id=notice.pk, text="再回复")
    with pytest.raises(ValidationFailed):
        services.notice_return(actor=city.office, notice_id=notice.pk, reason="")
    services.notice_return(actor=city.office, notice_id=notice.pk, reason="未说明措施")
    services.notice_respond(
        actor=city.liaison_a,
        notice_id=notice.pk,
        text="已召开专题会，6月底前补齐缺口。",
        at=at("2026-05-28 10:00"),
    )
    services.notice_accept(actor=city.office, notice_id=notice.pk, at=at("2026-05-29 10:00"))
    notice.refresh_from_db()
    assert notice.state == "accepted" and notice.accepted_response_at == at("2026-05-29 10:00")
    assert list(notice.responses.values_list("state", flat=True)) == ["returned", "accepted"]
    escalation.bulletins_raise(at=at("2026-06-10 23:59:59"))
    assert not BulletinListing.objects.exists()


def test_a_response_accepted_after_the_due_date_still_gets_a_bulletin(city, lead):
    notice = services.notice_issue(
        actor=city.office, notice_id=propose(lead).pk, at=at("2026-05-26 09:00")
    )
    services.notice_respond(actor=city.liaison_a, notice_id=notice.pk, text="说明")
    services.notice_accept(actor=city.office, notice_id=notice.pk, at=at("2026-06-03 09:00"))
    listings, talks = escalation.bulletins_raise(at=at("2026-06-03 23:59:59"))
    assert [(x.dated, x.ordinal) for x in listings] == [(dt.date(2026, 6, 2), 1)] and not talks
    assert escalation.bulletins_raise(at=at("2026-06-04 23:59:59")) == ([], [])


def test_no_bulletin_before_the_due_date_has_passed(city, lead):
    services.notice_issue(actor=city.office, notice_id=propose(lead).pk, at=at("2026-05-26 09:00"))
    assert escalation.bulletins_raise(at=at("2026-06-02 23:59:59")) == ([], [])


@pytest.fixture
def talk(city, lead):
    for key, day in (("2026-05-11", "2026-05-26"), ("2026-06-01", "2026-06-01")):
        services.notice_issue(
            actor=city.office, notice_id=propose(lead, key).pk, at=at(f"{day} 09:00")
        )
    escalation.bulletins_raise(at=at("2026-06-30 23:59:59"))
    return TalkProposal.objects.get()


def test_second_bulletin_of_the_year_proposes_a_talk(talk):
    assert (talk.count, talk.year, talk.state) == (2, 2026, "proposed")


def test_leader_in_charge_records_the_talk(city, talk):
    with pytest.raises(NotFound):
        services.talk_hold(actor=city.liaison_a, talk_id=talk.pk, held_on=None, notes="")
    talk.leader = city.leader
    talk.save(update_fields=["leader"])
    with pytest.raises(ValidationFailed):
        services.talk_hold(actor=city.leader_user, talk_id=talk.pk, held_on=None, notes="谈话")
    with pytest.raises(ValidationFailed):
        services.talk_hold(
            actor=city.leader_user,
            talk_id=talk.pk,
            held_on=dt.date(2026, 1, 1),
            notes="谈话",
            at=at("2026-07-02 10:00"),
        )
    services.talk_hold(
        actor=city.leader_user,
        talk_id=talk.pk,
        held_on=dt.date(2026, 7, 1),
        notes="约谈镇长，提出整改要求",
        at=at("2026-07-02 10:00"),
    )
    with pytest.raises(Conflict):
        services.talk_dismiss(actor=city.office, talk_id=talk.pk, reason="重复")


def test_office_dismisses_a_talk_with_a_reason(city, talk):
    with pytest.raises(ValidationFailed):
        services.talk_dismiss(actor=city.office, talk_id=talk.pk, reason="")
    services.talk_dismiss(actor=city.office, talk_id=talk.pk, reason="已在专题会上点名")
    talk.refresh_from_db()
    assert talk.state == "dismissed"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 5, 11), "二〇二六年五月十一日"),
        (dt.date(2026, 10, 1), "二〇二六年十月一日"),
        (dt.date(2027, 12, 20), "二〇二七年十二月二十日"),
        (dt.date(2030, 1, 31), "二〇三〇年一月三十一日"),
    ],
)
def test_chinese_date(day, text):
    assert chinese_date(day) == text


def test_an_urge_answered_after_its_local_due_day_still_counts_as_unanswered(city, lead):
    """The scan reads only 催办 not answered by their due day in Beijing time: one answered at
    07:00 the next morning (still the due day in UTC) is late, one answered at 23:30 on the
    due day is not, one never answered is."""
    from ganchao.supervision.models import Alert

    def urge(key, responded_at):
        return Alert.objects.create(
            level=2, trigger="turned_red", assignment=lead, unit=lead.unit, cause_key=key,
            at=at("2026-05-11 09:00"), message="催办", response_due=dt.date(2026, 5, 14),
            responded_at=responded_at, response="说明" if responded_at else "",
        )  # fmt: skip

    late = urge("a", at("2026-05-15 07:00"))
    urge("b", at("2026-05-14 23:30"))
    silent = urge("c", None)
    found = escalation.unanswered_urge_causes(at("2026-05-18 09:00"), dt.date(2026, 5, 18))
    assert sorted(p.urge_id for p in found) == sorted([late.pk, silent.pk])
