"""Oversight: the clocks' escalation (B11), the warnings 以罚代管 / 屡禁不止 / 监管缺位,
complaints and inspections, and the annual statistics (B13)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.enforcement import escalation
from ganchao.enforcement import selectors_oversight as sel
from ganchao.enforcement.choices import (
    ClockName,
    ComplaintState,
    DecisionKind,
    Stage,
    ViolationKind,
)
from ganchao.enforcement.models import (
    Agency,
    AnnualReport,
    Case,
    CaseDecision,
    ClockAlert,
    Complaint,
    EnforcementSettings,
)
from ganchao.enforcement.services import oversight as services
from ganchao.notifications.models import Notification
from ganchao.orgs.models import LeaderArea
from ganchao.scheduler.scans import registered_scans
from ganchao.supervision.choices import Level

SH = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour=9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SH)


def leader_since(ecity, day=dt.date(2020, 1, 1)):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=day)


def decide(case, day: dt.date, fine="5000", kind=DecisionKind.PENALTY, stage=Stage.DECIDED):
    CaseDecision.objects.create(
        case=case,
        kind=kind,
        fine=Decimal(fine) if fine else None,
        penalties=["fine"] if fine else [],
        decided_on=day,
        decided_by=case.filed_by,
    )
    Case.objects.filter(pk=case.pk).update(stage=stage)
    return Case.objects.get(pk=case.pk)


# ---- B11 ---------------------------------------------------------------------------------------


def test_b11_day_91_without_decision_is_urged_then_supervised(ecity):
    """Given a case filed on 2025-01-02, when no decision exists on 2025-04-03 (day 91), then
    the case shows as overdue and is escalated: 催办 to the agency (its head notified) that day,
    督办 to the leader in charge N working days later."""
    leader_since(ecity)
    case = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    overdue = sel.overdue_clocks(Agency.objects.all(), dt.date(2025, 4, 3))
    assert [(o.code, o.clock, o.due) for o in overdue] == [
        (case.code, ClockName.DECIDE, dt.date(2025, 4, 2))
    ]
    assert sel.overdue_clocks(Agency.objects.all(), dt.date(2025, 4, 2)) == []

    escalation.clock_scan(at(dt.date(2025, 4, 3)))
    urge = ClockAlert.objects.get(case=case)
    assert (urge.level, urge.clock, urge.due) == (Level.URGE, "decide", dt.date(2025, 4, 2))
    assert urge.at.astimezone(SH).date() == dt.date(2025, 4, 3)
    assert urge.unit_id == ecity.cg_unit.pk
    told = set(
        Notification.objects.filter(kind="enforcement_clock").values_list(
            "user__username", flat=True
        )
    )
    assert {"cg_head", "officer_a", "officer_b"} <= told
    assert "cg_leader" not in told

    assert EnforcementSettings.objects.get(pk=1).escalate_after_working_days == 3
    # Qingming (4–6 April 2025): 3 working days after Thursday 3 April are 7, 8 and 9 April.
    supervise_on = dt.date(2025, 4, 9)
    escalation.clock_scan(at(supervise_on - dt.timedelta(days=1)))
    assert ClockAlert.objects.filter(case=case, level=Level.SUPERVISE).count() == 0
    escalation.clock_scan(at(supervise_on))
    supervise = ClockAlert.objects.get(case=case, level=Level.SUPERVISE)
    assert supervise.leader_id == ecity.cg_leader.pk
    assert supervise.at.astimezone(SH).date() == supervise_on
    assert (
        Notification.objects.filter(user=ecity.cg_leader_user, kind="enforcement_clock").count()
        == 1
    )


def test_clock_scan_is_idempotent_and_registered(ecity):
    leader_since(ecity)
    case = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    when = at(dt.date(2025, 5, 6))
    escalation.clock_scan(when)
    alerts, notes = ClockAlert.objects.count(), Notification.objects.count()
    assert alerts == 2  # 催办 and 督办 of the decide clock
    escalation.clock_scan(when)
    escalation.clock_scan(when + dt.timedelta(hours=1))
    assert (ClockAlert.objects.count(), Notification.objects.count()) == (alerts, notes)
    assert "enforcement.clocks" in {scan.name for scan in registered_scans()}
    assert case.alerts.count() == 2


def test_closed_and_decided_cases_raise_nothing(ecity):
    decided = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    decide(decided, dt.date(2025, 3, 1), fine=None, kind=DecisionKind.NO_PENALTY)
    withdrawn = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    Case.objects.filter(pk=withdrawn.pk).update(stage=Stage.WITHDRAWN)
    escalation.clock_scan(at(dt.date(2025, 4, 3)))
    assert not ClockAlert.objects.filter(clock="decide").exists()


def test_clocks_many_agrees_with_case_clocks(ecity):
    from ganchao.enforcement import selectors

    first = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    second = decide(ecity.open_case(filed_on=dt.date(2025, 2, 2)), dt.date(2025, 3, 3))
    today = dt.date(2025, 4, 3)
    many = sel.clocks_many([first, second], today)
    for case in (first, second):
        assert many[case.pk] == selectors.case_clocks(case, today)


def test_clock_dates_many_runs_a_fixed_number_of_queries(ecity, django_assert_max_num_queries):
    cases = [ecity.open_case(filed_on=dt.date(2025, 1, 2 + i)) for i in range(6)]
    EnforcementSettings.objects.get(pk=1)
    with django_assert_max_num_queries(9):
        sel.clock_dates_many(cases)


# ---- 以罚代管 -----------------------------------------------------------------------------------


def test_fine_without_rectification_after_30_days_is_flagged(ecity):
    case = decide(ecity.open_case(filed_on=dt.date(2026, 1, 5)), dt.date(2026, 2, 1))
    cases = Case.objects.all()
    assert sel.unrectified_fines(cases, dt.date(2026, 3, 2)) == []  # 29 days
    found = sel.unrectified_fines(cases, dt.date(2026, 3, 3))
    assert [(f.case.code, f.days) for f in found] == [(case.code, 30)]


def test_fine_rectified_or_not_ordered_is_not_flagged(ecity):
    rectified = decide(ecity.open_case(filed_on=dt.date(2026, 1, 5)), dt.date(2026, 2, 1))
    Case.objects.filter(pk=rectified.pk).update(rectified_on=dt.date(2026, 2, 20))
    no_order = decide(ecity.open_case(filed_on=dt.date(2026, 1, 5)), dt.date(2026, 2, 1))
    Case.objects.filter(pk=no_order.pk).update(rectification_required=False)
    warning_only = decide(
        ecity.open_case(filed_on=dt.date(2026, 1, 5)), dt.date(2026, 2, 1), fine=None
    )
    assert warning_only.decision.fine is None
    assert sel.unrectified_fines(Case.objects.all(), dt.date(2026, 6, 1)) == []


# ---- 屡禁不止 -----------------------------------------------------------------------------------


def test_same_place_same_violation_within_window_is_a_repeat(ecity):
    first = ecity.open_case(filed_on=dt.date(2026, 1, 5), violation=ViolationKind.STREET_VENDING,
                            party_name="王五", party_id_no="", place="人民路 12 号门前")  # fmt: skip
    second = ecity.open_case(filed_on=dt.date(2026, 5, 5), violation=ViolationKind.STREET_VENDING,
                             party_name="赵六", party_id_no="", place="人民路12号门前")  # fmt: skip
    found = sel.repeat_offences(Case.objects.all(), dt.date(2026, 6, 1))
    assert [(r.kind, [c.code for c in r.cases]) for r in found] == [
        ("place", [first.code, second.code])
    ]
    linked = sel.repeat_offences_of_case(second)
    assert [c.code for c in linked[0].cases] == [first.code, second.code]
    assert (linked[0].first_on, linked[0].last_on) == (dt.date(2026, 1, 5), dt.date(2026, 5, 5))


def test_same_party_by_id_number_is_a_repeat(ecity):
    ecity.open_case(filed_on=dt.date(2026, 1, 5), place="西湖镇甲地")
    ecity.open_case(filed_on=dt.date(2026, 2, 5), place="东山镇乙地")
    found = sel.repeat_offences(Case.objects.all(), dt.date(2026, 3, 1))
    assert [(r.kind, r.label, len(r.cases)) for r in found] == [("party", "张三", 2)]


def test_other_violation_outside_window_or_withdrawn_is_not_a_repeat(ecity):
    ecity.open_case(filed_on=dt.date(2025, 1, 5))
    ecity.open_case(filed_on=dt.date(2026, 3, 5))  # 424 days later: outside 365
    ecity.open_case(filed_on=dt.date(2026, 3, 6), violation=ViolationKind.ILLEGAL_LAND,
                    party_name="钱七", party_id_no="", place="别处")  # fmt: skip
    gone = ecity.open_case(filed_on=dt.date(2026, 3, 7), party_name="孙八", party_id_no="",
                           place="又一处")  # fmt: skip
    Case.objects.filter(pk=gone.pk).update(stage=Stage.WITHDRAWN)
    assert sel.repeat_offences(Case.objects.all(), dt.date(2026, 3, 10)) == []


# ---- 监管缺位, complaints and inspections -----------------------------------------------------------


def complain(ecity, day, place="东山镇王庄村废品站"):
    return services.complaint_create(
        actor=ecity.officer_user_a, agency=ecity.agency, place=place, received_on=day,
        channel="12345热线", summary="废品堆放占道",
    )  # fmt: skip


def test_three_complaints_without_an_inspection_is_a_gap(ecity):
    for day in (1, 10, 20):
        complain(ecity, dt.date(2026, 3, day))
    gaps = sel.supervision_gaps(Agency.objects.all(), dt.date(2026, 3, 25))
    assert [(g.place, g.complaints, g.first_on) for g in gaps] == [
        ("东山镇王庄村废品站", 3, dt.date(2026, 3, 1))
    ]


def test_an_inspection_after_the_first_complaint_closes_the_gap(ecity):
    for day in (1, 10, 20):
        complain(ecity, dt.date(2026, 3, day))
    complain(ecity, dt.date(2026, 3, 2), place="别的地方")
    services.inspection_create(
        actor=ecity.officer_user_b, agency=ecity.agency, matter=ecity.vending,
        place="东山镇 王庄村 废品站", inspected_on=dt.date(2026, 3, 5), random=False,
        result="现场已清理",
    )  # fmt: skip
    assert sel.supervision_gaps(Agency.objects.all(), dt.date(2026, 3, 25)) == []
    states = dict(Complaint.objects.values_list("received_on__day", "state"))
    assert states[1] == ComplaintState.INSPECTED and states[10] == ComplaintState.OPEN


def test_two_complaints_are_below_the_threshold(ecity):
    complain(ecity, dt.date(2026, 3, 1))
    complain(ecity, dt.date(2026, 3, 10))
    assert sel.supervision_gaps(Agency.objects.all(), dt.date(2026, 3, 25)) == []


def test_complaint_needs_a_place_and_staff_of_the_agency(ecity):
    with pytest.raises(ValidationFailed) as refused:
        complain(ecity, dt.date(2026, 3, 1), place=" ，。 ")
    assert refused.value.errors[0].field == "place"
    with pytest.raises(Forbidden):
        services.complaint_create(
            actor=ecity.nr_officer_user, agency=ecity.agency, place="某地",
            received_on=dt.date(2026, 3, 1), summary="问题",
        )  # fmt: skip
    assert Complaint.objects.count() == 0


def test_complaint_close_once(ecity):
    row = complain(ecity, dt.date(2026, 3, 1))
    services.complaint_close(actor=ecity.head, complaint=row)
    assert Complaint.objects.get(pk=row.pk).state == ComplaintState.CLOSED
    with pytest.raises(Conflict):
        services.complaint_close(actor=ecity.head, complaint=row)


def test_inspection_refuses_another_agencys_matter(ecity):
    from ganchao.enforcement.tests.conftest import published_matter

    other = published_matter(ecity.agency2, "ZR-001", "非法占地处罚")
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_create(
            actor=ecity.officer_user_a, agency=ecity.agency, matter=other, place="某地",
            inspected_on=dt.date(2026, 3, 1), result="无",
        )  # fmt: skip
    assert refused.value.errors[0].field == "matter"


# ---- B13 ---------------------------------------------------------------------------------------


def test_annual_figures_count_the_year(ecity):
    ecity.open_case(filed_on=dt.date(2025, 3, 1))
    decide(ecity.open_case(filed_on=dt.date(2025, 4, 1)), dt.date(2025, 5, 1), fine="3000")
    ecity.open_case(filed_on=dt.date(2026, 1, 3))
    figures = sel.annual_figures(ecity.agency, 2025)
    assert figures["cases_filed"] == 2
    assert figures["penalties"] == 1 and figures["fines_total"] == "3000.00"
    assert figures["by_category"] == [{"code": "penalty", "label": "行政处罚", "n": 2}]


@time_machine.travel(dt.datetime(2026, 1, 20, 10, tzinfo=SH), tick=False)
def test_b13_publish_once_and_the_reminder_stops(ecity):
    assert [r.year for r in sel.annual_reports_due(Agency.objects.filter(pk=ecity.agency.pk),
                                                    dt.date(2026, 1, 20))] == [2025]  # fmt: skip
    report = services.annual_report_publish(
        actor=ecity.head, agency=ecity.agency, year=2025, note=""
    )
    assert report.figures["year"] == 2025
    assert (
        sel.annual_reports_due(Agency.objects.filter(pk=ecity.agency.pk), dt.date(2026, 1, 20))
        == []
    )
    with pytest.raises(Conflict):
        services.annual_report_publish(actor=ecity.head, agency=ecity.agency, year=2025)
    with pytest.raises(ValidationFailed):
        services.annual_report_publish(actor=ecity.head, agency=ecity.agency, year=2026)
    with pytest.raises(Forbidden):
        services.annual_report_publish(actor=ecity.officer_user_a, agency=ecity.agency2, year=2024)
    assert AnnualReport.objects.count() == 1


def test_b13_reminder_sent_once_from_1_january(ecity):
    assert (
        escalation.annual_reminders_send(at=at(dt.date(2025, 12, 31)), today=dt.date(2025, 12, 31))
        == 0
    )
    escalation.clock_scan(at(dt.date(2026, 1, 1)))
    escalation.clock_scan(at(dt.date(2026, 1, 2)))
    told = Notification.objects.filter(kind="enforcement_annual", user=ecity.head)
    assert told.count() == 1
    assert "截止1月31日" in told.get().title
    assert (
        escalation.annual_reminders_send(at=at(dt.date(2026, 2, 2)), today=dt.date(2026, 2, 2)) == 0
    )


def test_supervise_without_a_leader_in_charge_tells_the_office(ecity):
    LeaderArea.objects.filter(leader=ecity.cg_leader).update(start_date=dt.date(2026, 1, 1))
    case = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    escalation.clock_scan(at(dt.date(2025, 4, 30)))
    supervise = ClockAlert.objects.get(case=case, level=Level.SUPERVISE)
    assert supervise.leader_id is None
    told = Notification.objects.filter(kind="enforcement_clock", title__startswith="督办")
    assert list(told.values_list("user__username", flat=True)) == ["office"]


def test_tick_at_runs_the_clock_scan_once(ecity):
    from ganchao.scheduler.services import tick_run

    leader_since(ecity)
    ecity.open_case(filed_on=dt.date(2025, 1, 2))
    first = tick_run(at=at(dt.date(2025, 4, 30)))
    assert first.ok, first.failures
    summary = dict(first.summaries)["执法时限催办督办"]
    assert "催办 1 条、督办 1 条" in summary
    again = tick_run(at=at(dt.date(2025, 4, 30)))
    assert "催办 0 条、督办 0 条" in dict(again.summaries)["执法时限催办督办"]
    assert ClockAlert.objects.count() == 2
