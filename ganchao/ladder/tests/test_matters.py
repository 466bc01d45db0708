"""Levels 3–5 of the ladder for supervised matters (DESIGN.md 3.9): a scripted month of
`ganchao tick --at` from 提醒 to 约谈, 通报 counted per unit across assignments and matters, the
督办单's response due min(tier deadline, 5 working days), and the subject on the pages."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from ganchao.common import workdays
from ganchao.ladder import escalation, services
from ganchao.ladder.models import BulletinListing, SupervisionNotice, TalkProposal
from ganchao.ladder.tests.helpers import at, red_assignments
from ganchao.ladder.tests.test_pages_api import PINNED_DESK_QUERIES, desk_queries
from ganchao.ladder.tests.test_services import propose
from ganchao.orgs.models import LeaderArea
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import matter_receive, matter_respond
from ganchao.supervision.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _leader_area_from_new_year(city):
    # the fixture dates the leader's area from the real today; pin it to the plan year
    LeaderArea.objects.filter(leader=city.leader).update(start_date=dt.date(2026, 1, 1))


def instruct(city, urgency=Urgency.URGENT, when="2026-06-01 09:00", unit=None, **fields):
    return matter_instruct(
        actor=city.leader_user,
        title=fields.pop("title", "河道整治"),
        content="请抓紧落实河道清淤整治。",
        source=Source.INSTRUCTION,
        urgency=urgency,
        lead=(unit or city.town_a, "张镇长"),
        at=at(when),
        **fields,
    )


def propose_for_matter(matter, key="2026-06-04T09:00", trigger="red_ten_days"):
    return SupervisionNotice.objects.create(
        trigger=trigger,
        cause_key=key,
        matter=matter,
        unit=matter.lead_unit,
        proposed_at=at("2026-06-01 23:59:59"),
        reason="超期未反馈",
        title="关于督促办理的督办单",
        content="西湖镇：\n请抓紧办理。",
    )


def tick(moment: dt.datetime):
    call_command("tick", "--at", moment.isoformat())


def snapshot():
    return {
        "alerts": sorted(
            Alert.objects.filter(matter__isnull=False).values_list("level", "trigger", "cause_key")
        ),
        "proposals": sorted(
            SupervisionNotice.objects.filter(matter__isnull=False).values_list(
                "matter_id", "trigger", "cause_key"
            )
        ),
        "bulletins": sorted(BulletinListing.objects.values_list("notice_id", "dated", "ordinal")),
        "talks": sorted(TalkProposal.objects.values_list("unit_id", "year", "count")),
    }


def working_days(first: dt.date, last: dt.date):
    with workdays.calendar_session():
        cal = workdays.current_calendar()
        return [
            first + dt.timedelta(days=n)
            for n in range((last - first).days + 1)
            if cal.is_working_day(first + dt.timedelta(days=n))
        ]


def test_a_month_of_ticks_climbs_the_ladder_for_a_matter_once(city):
    # an assignment's 督办单 earlier in the year takes 文号 1; it is answered and accepted in time
    _plan, (lead_b,) = red_assignments(city, [city.town_b])
    earlier = services.notice_issue(
        actor=city.office, notice_id=propose(lead_b).pk, at=at("2026-05-29 09:00")
    )
    services.notice_respond(
        actor=city.liaison_b,
        notice_id=earlier.pk,
        text="已制定整改方案。",
        at=at("2026-05-29 15:00"),
    )
    services.notice_accept(actor=city.office, notice_id=earlier.pk, at=at("2026-05-29 16:00"))

    # 急: response due 3 working days after it was handed over (Thursday 4 June 09:00)
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=at("2026-06-01 14:00"))

    def notice(trigger):
        return SupervisionNotice.objects.get(matter=matter, trigger=trigger)

    actions = {
        dt.date(2026, 6, 12): lambda: services.notice_issue(
            actor=city.office, notice_id=notice("urge_unanswered").pk, at=at("2026-06-12 09:00")
        ),
        dt.date(2026, 6, 22): lambda: services.notice_issue(
            actor=city.office, notice_id=notice("red_ten_days").pk, at=at("2026-06-22 09:00")
        ),
        dt.date(2026, 6, 24): lambda: services.notice_respond(
            actor=city.liaison_a,
            notice_id=notice("red_ten_days").pk,
            text="正在推进。",
            at=at("2026-06-24 10:00"),
        ),
        dt.date(2026, 6, 25): lambda: services.notice_return(
            actor=city.office,
            notice_id=notice("red_ten_days").pk,
            reason="未说明措施和时限",
            at=at("2026-06-25 09:00"),
        ),
    }
    events, before = [], snapshot()
    for day in working_days(dt.date(2026, 6, 1), dt.date(2026, 6, 30)):
        if day in actions:
            actions[day]()
        for hour in ("10:00", "16:00"):
            moment = at(f"{day} {hour}")
            tick(moment)
            after = snapshot()
            tick(moment)
            assert snapshot() == after, f"a second tick at {moment} added rows"
            for kind in after:
                for row in sorted(set(after[kind]) - set(before[kind])):
                    events.append((f"{day} {hour}", kind, row))
            before = after

    first, second = notice("urge_unanswered"), notice("red_ten_days")
    assert events == [
        # 急 response due Thu 4 June 09:00: within 2 working days on Tuesday
        ("2026-06-02 10:00", "alerts", (1, "matter_response_due_soon", "2026-06-04T09:00")),
        # a full working day late on Friday: 催办, to answer by Wed 10 June
        ("2026-06-05 10:00", "alerts", (2, "matter_response_late", "2026-06-04T09:00")),
        # the 催办 was neither explained nor answered substantively by 10 June
        (
            "2026-06-11 10:00",
            "proposals",
            (matter.pk, "urge_unanswered", "matter_response_late:2026-06-04T09:00"),
        ),
        # red for 10 working days of office time since 4 June 09:00
        ("2026-06-18 10:00", "proposals", (matter.pk, "red_ten_days", "2026-06-04T09:00")),
        # issued 12 June, due min(急 3, 5) = 3 working days later (17 June), unanswered
        ("2026-06-18 10:00", "bulletins", (first.pk, dt.date(2026, 6, 17), 1)),
        # issued 22 June, due 25 June; the answer was returned, so none accepted by then
        ("2026-06-26 10:00", "bulletins", (second.pk, dt.date(2026, 6, 25), 2)),
        ("2026-06-26 10:00", "talks", (city.town_a.pk, 2026, 2)),
    ]
    assert (earlier.number, first.number, second.number) == (
        "赶督〔2026〕1号",
        "赶督〔2026〕2号",
        "赶督〔2026〕3号",
    )
    assert (first.response_due, second.response_due) == (dt.date(2026, 6, 17), dt.date(2026, 6, 25))
    assert first.urge.matter_id == matter.pk and first.assignment_id is None
    assert "河道整治" in first.title and "3个工作日内" in first.content
    listing = BulletinListing.objects.get(notice=first)
    assert listing.at == at("2026-06-17 23:59:59") and listing.leader == city.leader
    talk = TalkProposal.objects.get()
    assert talk.leader == city.leader
    assert talk.proposed_at == BulletinListing.objects.get(notice=second).at
    assert city.leader_user.notifications.filter(kind="bulletin").count() == 2
    # a tick run again at an earlier moment adds nothing and edits nothing
    final = snapshot()
    tick(at("2026-06-18 10:00"))
    assert snapshot() == final


def test_an_assignment_and_a_matter_bulletin_in_a_year_propose_a_talk(city):
    _plan, (lead,) = red_assignments(city)
    matter = instruct(city, Urgency.NORMAL)
    by_assignment = services.notice_issue(
        actor=city.office, notice_id=propose(lead).pk, at=at("2026-06-01 09:00")
    )
    by_matter = services.notice_issue(
        actor=city.office, notice_id=propose_for_matter(matter).pk, at=at("2026-06-02 09:00")
    )
    assert (by_assignment.number, by_matter.number) == ("赶督〔2026〕1号", "赶督〔2026〕2号")
    assert (by_assignment.response_due, by_matter.response_due) == (
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 9),
    )
    tick(at("2026-06-10 10:00"))
    tick(at("2026-06-10 16:00"))
    assert sorted(BulletinListing.objects.values_list("notice_id", "ordinal", "year")) == [
        (by_assignment.pk, 1, 2026),
        (by_matter.pk, 2, 2026),
    ]
    talk = TalkProposal.objects.get()
    assert (talk.unit, talk.count, talk.leader) == (city.town_a, 2, city.leader)
    assert talk.bulletin.notice == by_matter


@pytest.mark.parametrize(
    ("urgency", "milestones", "due"),
    [
        (Urgency.EXTRA_URGENT, (), dt.date(2026, 6, 9)),  # 特急: 1 working day
        (Urgency.URGENT, (), dt.date(2026, 6, 11)),  # 急: 3
        (Urgency.NORMAL, (), dt.date(2026, 6, 15)),  # 一般: 5
        (Urgency.LONG_TERM, (dt.date(2026, 6, 10),), dt.date(2026, 6, 10)),  # the next milestone
        (Urgency.LONG_TERM, (dt.date(2026, 9, 30),), dt.date(2026, 6, 15)),  # capped at 5
    ],
)
def test_a_matter_notice_is_due_at_the_tier_deadline_or_in_5_working_days(
    city, urgency, milestones, due
):
    matter = instruct(city, urgency, milestones=list(milestones))
    notice = services.notice_issue(
        actor=city.office, notice_id=propose_for_matter(matter).pk, at=at("2026-06-08 09:00")
    )
    assert notice.response_due == due


def test_each_matter_cause_fires_once_and_a_notice_has_one_subject(city):
    matter = instruct(city)
    propose_for_matter(matter)
    with pytest.raises(IntegrityError), transaction.atomic():
        propose_for_matter(matter)
    propose_for_matter(matter, key="2026-07-01T09:00")  # a new deadline is a new cause
    _plan, (lead,) = red_assignments(city)
    both = propose(lead, "both")
    both.matter = matter
    with pytest.raises(IntegrityError), transaction.atomic():
        both.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionNotice.objects.create(
            trigger="red_ten_days",
            cause_key="none",
            unit=city.town_a,
            proposed_at=at("2026-06-01 09:00"),
            reason="—",
            title="—",
            content="—",
        )


def test_a_substantive_feedback_answers_the_urge_and_ends_the_red_spell(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=at("2026-06-01 14:00"))
    tick(at("2026-06-05 10:00"))  # 催办, to answer by 10 June
    assert Alert.objects.filter(matter=matter, level=2).count() == 1
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text="已组织清淤队伍进场，完成主河道清淤一点二公里，预计六月底前全部完成。",
        at=at("2026-06-09 10:00"),
    )
    for day in working_days(dt.date(2026, 6, 10), dt.date(2026, 6, 30)):
        tick(at(f"{day} 10:00"))
    assert not SupervisionNotice.objects.filter(matter=matter).exists()


def test_a_dismissed_matter_proposal_closes_its_cause(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=at("2026-06-01 14:00"))
    tick(at("2026-06-05 10:00"))
    tick(at("2026-06-11 10:00"))
    proposal = SupervisionNotice.objects.get(matter=matter)
    services.notice_dismiss(
        actor=city.office, notice_id=proposal.pk, reason="已电话督促", at=at("2026-06-11 11:00")
    )
    tick(at("2026-06-12 10:00"))
    assert list(SupervisionNotice.objects.filter(matter=matter).values_list("state")) == [
        ("dismissed",)
    ]


def test_desk_notice_page_and_api_show_the_subject(city, login):
    _plan, (lead,) = red_assignments(city)
    matter = instruct(city)
    services.notice_issue(actor=city.office, notice_id=propose(lead).pk, at=at("2026-06-01 09:00"))
    by_matter = propose_for_matter(matter)
    office = login(city.office)
    page = office.get("/ladder/desk/").content.decode()
    assert f'href="/supervision/matters/{matter.pk}/"' in page and "河道整治" in page
    assert f'href="/goals/items/{lead.item_id}/"' in page
    detail = office.get(f"/ladder/notices/{by_matter.pk}/").content.decode()
    assert f'href="/supervision/matters/{matter.pk}/"' in detail and "督办事项" in detail
    listing = office.get("/ladder/notices/").content.decode()
    assert f'href="/supervision/matters/{matter.pk}/"' in listing
    row = office.get("/api/v1/ladder/proposals").json()["items"][0]
    assert (row["subject"], row["matter_id"], row["assignment_id"]) == ("matter", matter.pk, None)


def test_desk_queries_do_not_grow_with_matter_notices(city, login, pinned_clock):
    client = login(city.office)
    _plan, (lead,) = red_assignments(city)
    services.notice_issue(actor=city.office, notice_id=propose(lead).pk, at=at("2026-06-01 09:00"))
    propose_for_matter(instruct(city, title="甲"))
    small = desk_queries(client)
    for n, unit in enumerate((city.town_b, city.village_a)):
        matter = instruct(city, title=f"乙{n}", unit=unit)
        propose_for_matter(matter)
        services.notice_issue(
            actor=city.office,
            notice_id=propose_for_matter(matter, key="x").pk,
            at=at("2026-06-01 10:00"),
        )
    escalation.bulletins_raise(at=at("2026-06-30 23:59:59"))
    assert desk_queries(client) == small == PINNED_DESK_QUERIES
