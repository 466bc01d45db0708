"""`ganchao seed` writes a year of matters with stalls, forwarding chains and escalations."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.common.workdays import current_calendar
from ganchao.conftest import PINNED_NOW
from ganchao.demodata.services import demo_seed
from ganchao.ladder.choices import DocumentType, NoticeState, TalkState
from ganchao.ladder.models import (
    BulletinListing,
    DocumentCounter,
    SupervisionNotice,
    TalkProposal,
)
from ganchao.orgs.models import User
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.matter_choices import HandlingRole, MatterState, Source
from ganchao.supervision.models import Alert, Matter, MatterEvent, MatterFeedback, MatterHop
from ganchao.visits.burden import burden_summary
from ganchao.visits.models import BurdenRequest, Demand, FieldVisit, Finding, Guidance

AS_OF = dt.date(2026, 11, 27)
CITY_AS_OF = PINNED_NOW.date()
pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "matters": list(
            Matter.objects.order_by("id").values_list(
                "title", "source", "urgency", "state", "lead_unit__code", "created_at",
                "received_at", "response_due", "responded_at", "closed_at", "reopen_count",
            )
        ),
        "hops": list(
            MatterHop.objects.order_by("id").values_list(
                "matter__title", "to_unit__code", "role", "person", "forwarded_at", "received_at"
            )
        ),
        "feedbacks": list(
            MatterFeedback.objects.order_by("id").values_list("text", "substantive", "created_at")
        ),
        "notices": list(
            SupervisionNotice.objects.order_by("id").values_list("number", "state", "unit__code")
        ),
        "visits": list(FieldVisit.objects.order_by("id").values_list("place_name", "visited_on")),
    }  # fmt: skip


def test_city_seed_has_a_year_of_matters_with_stalls_and_escalations(pinned_clock, demo_snapshots):
    # the demo city as `ganchao demo` seeds it (the worker's one seed of it, restored): the
    # seed the browser tests and the home-page checks read, not one more city
    result = demo_snapshots.restore(
        scale="city", seed=1, as_of=CITY_AS_OF, moment=PINNED_NOW, clock=pinned_clock
    )
    counts = result.matters.counts
    assert 110 <= counts["matters"] <= 130
    states = Counter(Matter.objects.values_list("state", flat=True))
    # most matters move normally: answered, completed and closed out within the year
    assert states[MatterState.CLOSED] > counts["matters"] * 2 // 3
    assert states[MatterState.IN_PROGRESS] + states[MatterState.ASSIGNED] >= 5
    assert len(states) >= 4
    assert set(Matter.objects.values_list("source", flat=True)) == set(Source.values)
    # a leader's instruction names the leader; the office registers appeals itself
    assert not Matter.objects.filter(source=Source.INSTRUCTION, leader__isnull=True).exists()
    assert not Matter.objects.filter(source=Source.PUBLIC_APPEAL, leader__isnull=False).exists()
    assert Matter.objects.filter(reopen_count__gt=0).exists()
    assert MatterEvent.objects.filter(verb="return").exists()
    assert MatterEvent.objects.filter(verb="decide_extension").exists()
    # instructions go to red or yellow items of the plan
    statuses = set(
        Matter.objects.filter(source=Source.INSTRUCTION, item__isnull=False).values_list(
            "item__status", flat=True
        )
    )
    assert statuses and statuses <= {"red", "yellow"}
    # overdue and still open at the as-of moment
    end = dt.datetime.combine(CITY_AS_OF, dt.time(23, 59, 59)).astimezone()
    overdue = Matter.objects.filter(
        state=MatterState.IN_PROGRESS, responded_at__isnull=True, response_due__lt=end
    )
    assert overdue.count() >= 2

    # a chain with a dwell of more than one working day
    cal = current_calendar()
    dwell = [
        cal.working_time_between(hop.forwarded_at, hop.received_at)
        for hop in MatterHop.objects.filter(role=HandlingRole.FORWARDED, received_at__isnull=False)
    ]
    assert any(d > dt.timedelta(microseconds=cal.day_micros) for d in dwell)

    # a "已阅，转…办理" note kept but not substantive, judged by the real rule
    notes = MatterFeedback.objects.filter(substantive=False)
    assert notes.exists()
    for feedback in MatterFeedback.objects.all()[:200]:
        judged = rules.judge_feedback(feedback.text, has_attachment=False, names=_names(feedback))
        assert judged.substantive == feedback.substantive

    # escalations: gap-free 文号, a 通报 at the due date, two for one unit and a held 约谈
    issued = SupervisionNotice.objects.exclude(number__isnull=True).order_by("number_seq")
    assert [n.number_seq for n in issued] == list(range(1, issued.count() + 1))
    counter = DocumentCounter.objects.get(type=DocumentType.NOTICE, year=CITY_AS_OF.year)
    assert counter.last_number == issued.count()
    assert SupervisionNotice.objects.filter(state=NoticeState.ACCEPTED).exists()
    for listing in BulletinListing.objects.select_related("notice"):
        assert listing.dated == listing.notice.response_due
    assert TalkProposal.objects.filter(state=TalkState.HELD).count() == 1
    assert Alert.objects.filter(matter__isnull=False, level=Level.URGE).exists()
    # a few 督办单 issued in the year; the office decided the other proposals as they came,
    # each with its reason, so that none is left waiting from earlier months
    assert 3 <= issued.count() <= 10
    dismissed = SupervisionNotice.objects.filter(state=NoticeState.DISMISSED)
    assert dismissed.exists()
    assert not dismissed.filter(dismiss_reason="").exists()
    assert not dismissed.filter(dismissed_at__gt=end).exists()
    assert not SupervisionNotice.objects.filter(state=NoticeState.PROPOSED).exists()

    # field visits with a finding that became a matter; burden requests
    assert FieldVisit.objects.count() >= 3
    assert {v.place_kind for v in FieldVisit.objects.all()} == {
        "village", "project_site", "workshop"
    }  # fmt: skip
    assert Finding.objects.filter(matter_id__isnull=False).count() == 1
    assert Guidance.objects.exists() and Demand.objects.exists()
    assert BurdenRequest.objects.count() >= 4
    # the burden meter warns for the heavy months, not for every town in every month (the
    # routine monthly reports alone passed the default threshold of 30)
    office = User.objects.get(username="office1")
    summary = burden_summary(actor=office, year=CITY_AS_OF.year)
    months = [m for row in summary["rows"] for m in row["months"] if m["total"]]
    over = [m for m in months if m["over"]]
    assert summary["threshold"] == 70
    assert 0 < len(over) < len(months) / 3

    event = AuditEvent.objects.get(action="seed.load")
    assert event.changes["counts"]["after"]["matters"] == counts["matters"]

    # the office's desk after the first tick: a handful of proposals, not a year's backlog
    # (the latest red spells to reach 10 working days, and an overdue matter's unanswered 催办)
    call_command("tick", "--at", f"{CITY_AS_OF.isoformat()}T23:59:59+08:00")
    pending = SupervisionNotice.objects.filter(state=NoticeState.PROPOSED)
    assert 1 <= pending.count() <= 8


def _names(feedback) -> list[str]:
    matter = feedback.matter
    names = [matter.leader.name if matter.leader else ""]
    for hop in matter.hops.select_related("to_unit"):
        names += [hop.to_unit.name, *(hop.to_unit.aliases or []), hop.person]
    names.append(feedback.created_by.full_name)
    return [n for n in names if n]


def test_matters_are_deterministic():
    demo_seed(scale="town", seed=3, as_of=AS_OF)
    first = snapshot()
    assert first["matters"]
    demo_seed(scale="town", seed=3, as_of=AS_OF, reset=True)
    assert snapshot() == first
    demo_seed(scale="town", seed=4, as_of=AS_OF, reset=True)
    assert snapshot()["matters"] != first["matters"]


def test_a_tick_at_the_as_of_date_adds_no_duplicates_and_audit_verifies():
    demo_seed(scale="town", seed=2, as_of=AS_OF)
    notices = SupervisionNotice.objects.count()
    bulletins = BulletinListing.objects.count()
    keys = set(Alert.objects.values_list("level", "trigger", "matter_id", "assignment_id",
                                         "cause_key"))  # fmt: skip
    call_command("tick", "--at", f"{AS_OF.isoformat()}T23:59:59+08:00")
    # nothing the seed wrote is raised again; proposals only for spells the seed left alone
    assert BulletinListing.objects.count() == bulletins
    seeded_causes = set(
        SupervisionNotice.objects.filter(trigger=Trigger.RED_TEN_DAYS).values_list(
            "assignment_id", "cause_key"
        )
    )
    assert (
        len(seeded_causes) == SupervisionNotice.objects.filter(trigger=Trigger.RED_TEN_DAYS).count()
    )
    assert SupervisionNotice.objects.filter(trigger=Trigger.URGE_UNANSWERED, assignment__in=[
        a for _l, _t, _m, a, _k in keys if a
    ]).count() == 0  # fmt: skip
    assert SupervisionNotice.objects.count() >= notices
    assert main(["audit", "verify"]) == 0
