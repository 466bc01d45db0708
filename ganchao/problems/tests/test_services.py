"""The problem ledger's services: every transition and every refusal (DESIGN.md 3.14)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.problems import services
from ganchao.problems.choices import EventKind, PhotoStage, State
from ganchao.problems.models import Problem, ProblemPhoto
from ganchao.problems.tests.factories import ProblemFactory, make_photo_bytes, photo
from ganchao.web.stored_files import files_verify


def register(pcity, actor=None, **overrides):
    fields = {
        "actor": actor or pcity.leader_user,
        "source": "visit",
        "place_type": "project_site",
        "place": "西湖镇 智能制造产业园 二期",
        "category": "project",
        "severity": "serious",
        "description": "施工便道未硬化，雨天运输车辆无法进场",
        "owner_unit": pcity.town_a,
        "found_on": dt.date(2026, 11, 2),
    }
    fields.update(overrides)
    return services.problem_create(**fields)


def to_verifying(pcity, problem):
    services.problem_plan(actor=pcity.liaison_a, problem=problem, measures="三日内硬化便道")
    return services.problem_report(
        actor=pcity.liaison_a,
        problem=problem,
        note="便道已硬化",
        photos=[photo("整改后.jpg", "jpeg")],
    )


def closed_problem(pcity, **overrides):
    problem = register(pcity, **overrides)
    to_verifying(pcity, problem)
    return services.problem_verify(actor=pcity.leader_user, problem=problem, accept=True, note="")


# ---- registering ----------------------------------------------------------------------------


def test_a_leader_registers_a_problem_with_number_deadline_timeline_and_audit(pcity):
    problem = register(pcity, photos=[photo("现场.png")])

    assert problem.number == "WT202600001"
    assert problem.state == State.OPEN
    assert problem.place_key == "西湖镇智能制造产业园二期"
    assert problem.found_by == pcity.leader_user
    assert problem.found_by_unit == pcity.gov_office
    # 较重: 10 working days from Monday 2 November
    assert problem.deadline == dt.date(2026, 11, 16)
    assert [e.kind for e in problem.events.all()] == [EventKind.CREATED]
    assert problem.photos.get().stage == PhotoStage.FOUND
    assert AuditEvent.objects.filter(action="problem.create", object_id=str(problem.pk)).exists()
    assert register(pcity, place="另一处", category="safety").number == "WT202600002"


@pytest.mark.parametrize(
    ("severity", "deadline"),
    [
        # from Wednesday 23 September 2026: 中秋 (Fri 25 Sep) and the 国庆 week (1–7 Oct)
        # are holidays, Saturday 10 October is a make-up working day
        ("general", dt.date(2026, 10, 28)),
        ("serious", dt.date(2026, 10, 14)),
        ("severe", dt.date(2026, 10, 8)),
    ],
)
def test_default_deadlines_count_working_days_across_the_national_day_week(
    pcity, severity, deadline
):
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)):
        problem = register(pcity, severity=severity, found_on=dt.date(2026, 9, 23))
    assert problem.deadline == deadline


def test_the_office_changes_the_default_deadlines(pcity):
    services.problem_settings_update(actor=pcity.office, deadline_severe_days=3)
    problem = register(pcity, severity="severe")
    assert problem.deadline == dt.date(2026, 11, 5)


def test_only_the_office_changes_settings_and_values_are_checked(pcity):
    with pytest.raises(Forbidden):
        services.problem_settings_update(actor=pcity.liaison_a, recurrence_window_days=30)
    with pytest.raises(ValidationFailed) as raised:
        services.problem_settings_update(actor=pcity.office, recurrence_window_days=0)
    assert raised.value.errors[0].field == "recurrence_window_days"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "  "),
        ("place", ""),
        ("category", "weather"),
        ("severity", "huge"),
        ("place_type", "moon"),
        ("source", "rumour"),
        ("found_on", dt.date(2099, 1, 1)),
        ("deadline", dt.date(2026, 1, 1)),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(pcity, field, value):
    with pytest.raises(ValidationFailed) as raised:
        register(pcity, **{field: value})
    assert raised.value.errors[0].field == field
    assert not Problem.objects.exists()


def test_a_town_liaison_may_only_name_its_own_units_as_owner(pcity):
    problem = register(pcity, actor=pcity.liaison_a, owner_unit=pcity.village_a)
    assert problem.owner_unit == pcity.village_a
    with pytest.raises(ValidationFailed) as raised:
        register(pcity, actor=pcity.liaison_a, owner_unit=pcity.town_b, place="王庄")
    assert raised.value.errors[0].field == "owner_unit"


def test_photos_are_checked_by_their_bytes_and_a_bad_one_stores_nothing(pcity):
    fake = ("现场.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationFailed) as raised:
        register(pcity, photos=[photo("好的.png"), fake])
    assert raised.value.errors[0].field == "photos"
    assert not Problem.objects.exists()
    assert not ProblemPhoto.objects.exists()
    pdf = ("现场.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with pytest.raises(ValidationFailed):
        register(pcity, photos=[pdf])


def test_photos_keep_hash_and_a_small_thumbnail_and_files_verify_checks_both(pcity):
    data = make_photo_bytes("webp", size=(1600, 900))
    problem = register(pcity, photos=[("现场.webp", data)])
    stored = problem.photos.get()
    assert stored.content_type == "image/webp"
    assert stored.size == len(data)
    from PIL import Image

    with default_storage.open(stored.thumbnail.name, "rb") as handle:
        assert max(Image.open(handle).size) <= 320
    result = files_verify()
    assert result.ok and result.checked == 2
    with default_storage.open(stored.thumbnail.name, "wb") as handle:
        handle.write(b"altered")
    assert any("问题照片缩略图" in line for line in files_verify().problems)


# ---- the workflow ---------------------------------------------------------------------------


def test_the_whole_way_to_close_out(pcity):
    problem = register(pcity)
    services.problem_plan(actor=pcity.liaison_a, problem=problem, measures="三日内硬化便道")
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING
    assert problem.measures == "三日内硬化便道"
    to_report = services.problem_report(
        actor=pcity.head_a, problem=problem, note="已硬化", photos=[photo("后.png")]
    )
    assert to_report.state == State.VERIFYING
    assert problem.photos.filter(stage=PhotoStage.RECTIFIED).count() == 1
    closed = services.problem_verify(
        actor=pcity.leader_user, problem=problem, accept=True, note="现场核验通过"
    )
    assert closed.state == State.CLOSED
    assert closed.closed_by == pcity.leader_user
    assert closed.closed_at is not None
    kinds = list(problem.events.values_list("kind", flat=True))
    assert kinds == ["created", "planned", "reported", "closed"]
    actions = set(AuditEvent.objects.filter(object_type="problem").values_list("action", flat=True))
    assert {"problem.create", "problem.plan", "problem.report", "problem.verify"} <= actions


def test_an_owner_cannot_close_its_own_problem(pcity):
    problem = register(pcity)
    to_verifying(pcity, problem)
    for owner in (pcity.liaison_a, pcity.head_a):
        with pytest.raises(Forbidden) as raised:
            services.problem_verify(actor=owner, problem=problem, accept=True)
        assert "责任单位不能自行核验销号" in raised.value.message
    problem.refresh_from_db()
    assert problem.state == State.VERIFYING


def test_a_finder_who_belongs_to_the_owner_unit_cannot_close_it_either(pcity):
    problem = register(pcity, actor=pcity.liaison_a, owner_unit=pcity.town_a)
    to_verifying(pcity, problem)
    with pytest.raises(Forbidden):
        services.problem_verify(actor=pcity.liaison_a, problem=problem, accept=True)
    services.problem_verify(actor=pcity.office, problem=problem, accept=True)
    problem.refresh_from_db()
    assert problem.state == State.CLOSED


def test_someone_else_in_scope_who_did_not_find_it_cannot_close_it(pcity):
    problem = register(pcity, actor=pcity.office)
    to_verifying(pcity, problem)
    with pytest.raises(Forbidden) as raised:
        services.problem_verify(actor=pcity.leader_user, problem=problem, accept=True)
    assert "发现人或督查室" in raised.value.message


def test_a_rejected_verification_goes_back_to_rectifying_and_needs_a_reason(pcity):
    problem = register(pcity)
    to_verifying(pcity, problem)
    with pytest.raises(ValidationFailed) as raised:
        services.problem_verify(actor=pcity.leader_user, problem=problem, accept=False, note="")
    assert raised.value.errors[0].field == "note"
    services.problem_verify(
        actor=pcity.leader_user, problem=problem, accept=False, note="便道仍有坑洼"
    )
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING
    assert problem.events.last().kind == EventKind.REJECTED
    to_report = services.problem_report(
        actor=pcity.liaison_a, problem=problem, note="已补平", photos=[photo()]
    )
    assert to_report.state == State.VERIFYING


def test_report_without_photos_is_refused_naming_the_field(pcity):
    problem = register(pcity)
    services.problem_plan(actor=pcity.liaison_a, problem=problem, measures="硬化")
    with pytest.raises(ValidationFailed) as raised:
        services.problem_report(actor=pcity.liaison_a, problem=problem, note="已整改", photos=[])
    assert raised.value.errors[0].field == "photos"
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING


def test_plan_needs_measures(pcity):
    problem = register(pcity)
    with pytest.raises(ValidationFailed) as raised:
        services.problem_plan(actor=pcity.liaison_a, problem=problem, measures=" ")
    assert raised.value.errors[0].field == "measures"


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.RECTIFYING, "plan"),
        (State.VERIFYING, "plan"),
        (State.CLOSED, "plan"),
        (State.OPEN, "report"),
        (State.VERIFYING, "report"),
        (State.OPEN, "verify"),
        (State.RECTIFYING, "verify"),
        (State.CLOSED, "verify"),
    ],
)
def test_a_step_the_state_forbids_is_a_conflict(pcity, state, step):
    problem = ProblemFactory(owner_unit=pcity.town_a, found_by=pcity.leader_user, state=state)
    calls = {
        "plan": lambda: services.problem_plan(
            actor=pcity.liaison_a, problem=problem, measures="措施"
        ),
        "report": lambda: services.problem_report(
            actor=pcity.liaison_a, problem=problem, note="已整改", photos=[photo()]
        ),
        "verify": lambda: services.problem_verify(
            actor=pcity.leader_user, problem=problem, accept=True
        ),
    }
    with pytest.raises(Conflict):
        calls[step]()
    problem.refresh_from_db()
    assert problem.state == state


def test_another_towns_liaison_gets_not_found(pcity):
    problem = register(pcity)
    with pytest.raises(NotFound):
        services.problem_plan(actor=pcity.liaison_b, problem=problem, measures="措施")


def test_the_owner_may_bring_the_deadline_forward_but_not_push_it_back(pcity):
    problem = register(pcity)
    with pytest.raises(ValidationFailed) as raised:
        services.problem_plan(
            actor=pcity.liaison_a,
            problem=problem,
            measures="措施",
            deadline=problem.deadline + dt.timedelta(days=30),
        )
    assert raised.value.errors[0].field == "deadline"
    services.problem_plan(
        actor=pcity.liaison_a, problem=problem, measures="措施", deadline=dt.date(2026, 11, 10)
    )
    problem.refresh_from_db()
    assert problem.deadline == dt.date(2026, 11, 10)


def test_a_village_user_may_not_plan_a_town_problem_but_sees_nothing_of_it(pcity):
    problem = register(pcity)
    with pytest.raises(NotFound):
        services.problem_plan(actor=pcity.village_a_user, problem=problem, measures="措施")


# ---- editing --------------------------------------------------------------------------------


def test_the_finder_edits_with_the_version_and_a_stale_version_is_a_conflict(pcity):
    problem = register(pcity)
    edited = services.problem_update(
        actor=pcity.leader_user,
        problem=problem,
        version=problem.version,
        severity="severe",
        place="西湖镇 智能制造产业园 三期",
    )
    assert edited.severity == "severe"
    assert edited.place_key == "西湖镇智能制造产业园三期"
    assert edited.events.last().kind == EventKind.EDITED
    with pytest.raises(Conflict):
        services.problem_update(
            actor=pcity.leader_user, problem=problem, version=1, description="改"
        )


def test_the_owner_cannot_edit_and_nobody_edits_a_closed_problem(pcity):
    problem = register(pcity)
    with pytest.raises(Forbidden):
        services.problem_update(
            actor=pcity.liaison_a, problem=problem, version=problem.version, legacy=True
        )
    closed = closed_problem(pcity, place="别处", category="safety")
    with pytest.raises(Conflict):
        services.problem_update(
            actor=pcity.office, problem=closed, version=closed.version, legacy=True
        )


# ---- recurrence -----------------------------------------------------------------------------


def test_a_closed_problem_recurring_within_the_window_reopens_and_counts(pcity):
    closed = closed_problem(pcity)
    again = register(
        pcity,
        actor=pcity.office,
        place="西湖镇智能制造产业园二期",  # the same place written without spaces
        description="便道又被重车压坏",
        severity="severe",
    )
    assert again.pk == closed.pk
    assert again.state == State.REOPENED
    assert again.recurrence_count == 1
    assert again.severity == "severe"
    assert again.closed_at is None
    assert again.events.last().kind == EventKind.RECURRED
    assert Problem.objects.count() == 1
    # and the reopened problem goes round again
    services.problem_plan(actor=pcity.liaison_a, problem=again, measures="重新硬化")
    again.refresh_from_db()
    assert again.state == State.RECTIFYING


def test_a_recurrence_outside_the_window_is_a_new_problem(pcity):
    closed = closed_problem(pcity)
    services.problem_settings_update(actor=pcity.office, recurrence_window_days=30)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        again = register(pcity, description="便道又被压坏")
    assert again.pk != closed.pk
    assert again.state == State.OPEN
    closed.refresh_from_db()
    assert closed.state == State.CLOSED
    assert closed.recurrence_count == 0


def test_another_category_at_the_same_place_is_a_new_problem(pcity):
    closed = closed_problem(pcity)
    other = register(pcity, category="safety")
    assert other.pk != closed.pk


def test_an_unclosed_problem_at_the_same_place_gets_the_new_one_linked_and_counted(pcity):
    first = register(pcity)
    second = register(pcity, description="同一工地又发现扬尘")
    assert second.pk != first.pk
    assert second.recurrence_of == first
    first.refresh_from_db()
    assert first.recurrence_count == 1
    assert first.events.last().kind == EventKind.RECURRED


# ---- photos and findings --------------------------------------------------------------------


def test_add_photos_to_an_unclosed_problem_only(pcity):
    problem = register(pcity)
    rows = services.problem_add_photos(
        actor=pcity.liaison_a, problem=problem, stage="found", photos=[photo(), photo("b.png")]
    )
    assert len(rows) == 2
    assert problem.events.last().kind == EventKind.PHOTO_ADDED
    closed = closed_problem(pcity, place="别处")
    with pytest.raises(Conflict):
        services.problem_add_photos(
            actor=pcity.office, problem=closed, stage="found", photos=[photo()]
        )
    with pytest.raises(NotFound):
        services.problem_add_photos(
            actor=pcity.liaison_b, problem=problem, stage="found", photos=[photo()]
        )


def test_a_visit_finding_becomes_a_problem(pcity):
    from ganchao.visits.tests.factories import record_visit

    visit = record_visit(pcity)
    finding = visit.findings.first()
    problem = services.finding_to_problem(
        actor=pcity.office,
        finding_id=finding.pk,
        owner_unit=pcity.town_a,
        category="livelihood",
        place_type="village",
        place="李庄村",
    )
    assert problem.source == "visit"
    assert problem.severity == "serious"
    assert problem.place_unit == pcity.village_a
    assert problem.finding == finding
    assert problem.found_on == visit.visited_on
    with pytest.raises(Conflict):
        services.finding_to_problem(
            actor=pcity.office,
            finding_id=finding.pk,
            owner_unit=pcity.town_a,
            category="livelihood",
            place_type="village",
            place="李庄村",
        )
