"""Writes on key projects: the goal item underneath, steps, monthly investment, milestones
through the goals' reports, refusals naming the field, and the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.goals.choices import ItemType, ReportState, Role
from ganchao.goals.models import Milestone
from ganchao.goals.tests.factories import make_plan
from ganchao.problems.choices import State as ProblemState
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.projects import selectors, services
from ganchao.projects.choices import Health, StepKind, StepState
from ganchao.projects.models import MonthlyInvestment
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city):
    return make_plan(city)


def test_a_project_is_a_goal_task_with_its_in_year_milestones_and_lead(city, tree):
    project = make_project(city, tree.plan)
    item = project.item
    assert (item.code, item.type, item.parent_id) == ("1.4", ItemType.TASK, tree.goal.pk)
    assert list(item.leaders.all()) == [city.leader]
    assert item.assignments.get().unit == city.town_a
    assert item.assignments.get().role == Role.LEAD
    # 开工 and 竣工 fall in 2026; 投产 (2027) is planned but not a milestone of this plan
    assert [(m.due_date, m.description) for m in item.milestones.all()] == [
        (dt.date(2026, 3, 1), "项目开工"),
        (dt.date(2026, 11, 30), "项目竣工"),
    ]
    assert project.start_milestone.position == 1
    assert project.completion_milestone.position == 2
    assert project.production_milestone is None
    assert [s.kind for s in project.steps.all()] == list(StepKind.values)
    event = AuditEvent.objects.filter(action="project.create").get()
    assert event.object_id == str(project.pk)


def test_a_second_project_takes_the_next_code(city, tree):
    make_project(city, tree.plan, code="XM-01")
    second = make_project(city, tree.plan, code="XM-02")
    assert second.item.code == "1.5"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"annual_plan": Decimal("60000")}, "annual_plan"),
        ({"category": "mine"}, "category"),
        ({"funding_source": ""}, "funding_source"),
        ({"total_investment": "-1"}, "total_investment"),
        ({"total_investment": "99999999999999"}, "total_investment"),
        ({"completion_planned": dt.date(2026, 2, 1)}, "completion_planned"),
        ({"code": "XM 01"}, "code"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(city, tree, values, field):
    with pytest.raises(ValidationFailed) as caught:
        make_project(city, tree.plan, **values)
    assert caught.value.errors[0].field == field
    assert not tree.plan.items.filter(code="1.4").exists()


def test_the_code_is_unique(city, tree):
    make_project(city, tree.plan)
    with pytest.raises(ValidationFailed) as caught:
        make_project(city, tree.plan)
    assert caught.value.errors[0].field == "code"


def test_only_the_office_creates_and_edits(city, tree):
    with pytest.raises(Forbidden):
        services.project_create(
            actor=city.liaison_a,
            plan=tree.plan,
            parent_code="1",
            code="X",
            name="x",
            leader=city.leader,
            lead_unit=city.town_a,
        )
    project = make_project(city, tree.plan)
    with pytest.raises(Forbidden):
        services.project_update(actor=city.liaison_a, project=project, location="别处")


def test_update_changes_facts_and_moves_the_leader_on_the_item(city, tree):
    from ganchao.orgs import services as org_services

    other = org_services.leader_create(actor=None, name="李建华", title="副市长")
    project = make_project(city, tree.plan)
    project = services.project_update(
        actor=city.office,
        project=project,
        expected_version=1,
        leader=other,
        annual_plan="15000",
        name="锂电池生产线二期",
    )
    assert project.leader == other and project.annual_plan == Decimal("15000")
    assert list(project.item.leaders.all()) == [other]
    assert project.item.name == "锂电池生产线二期"
    with pytest.raises(Conflict):
        services.project_update(
            actor=city.office, project=project, expected_version=1, location="x"
        )
    assert AuditEvent.objects.filter(action="project.update").count() == 1


def test_a_done_step_needs_its_date_and_document_number(city, tree):
    project = make_project(city, tree.plan)
    with pytest.raises(ValidationFailed) as caught:
        services.step_record(
            actor=city.liaison_a,
            project=project,
            kind="land",
            state="done",
            done_on=dt.date(2026, 2, 8),
        )
    assert caught.value.errors[0].field == "document_number"
    step = services.step_record(
        actor=city.liaison_a,
        project=project,
        kind="land",
        state="done",
        done_on=dt.date(2026, 2, 8),
        document_number="赶自然资规〔2026〕12号",
        planned_on=dt.date(2026, 2, 10),
    )
    assert step.state == StepState.DONE and step.version == 2
    assert AuditEvent.objects.filter(action="project.step").count() == 1


def test_another_towns_liaison_may_not_record(city, tree):
    project = make_project(city, tree.plan)
    with pytest.raises(Forbidden):
        services.step_record(actor=city.liaison_b, project=project, kind="eia", state="in_progress")
    with pytest.raises(Forbidden):
        services.investment_record(
            actor=city.liaison_b, project=project, month="2026-03", actual="10"
        )


def test_the_lead_unit_reports_actuals_and_the_office_sets_the_plan(city, tree):
    project = make_project(city, tree.plan)
    services.investment_record(actor=city.office, project=project, month="2026-03", planned="1000")
    row = services.investment_record(
        actor=city.liaison_a, project=project, month="2026-03", actual="850.5", expected_version=1
    )
    assert (row.planned, row.actual) == (Decimal("1000"), Decimal("850.5"))
    with pytest.raises(Forbidden):
        services.investment_record(
            actor=city.liaison_a, project=project, month="2026-04", planned="9"
        )
    with pytest.raises(ValidationFailed) as caught:
        services.investment_record(actor=city.office, project=project, month="2026-13", actual="1")
    assert caught.value.errors[0].field == "month"
    with pytest.raises(ValidationFailed) as caught:
        services.investment_record(
            actor=city.office,
            project=project,
            month="2026-05",
            actual="1",
            today=dt.date(2026, 4, 30),
        )
    assert caught.value.errors[0].field == "month"
    assert MonthlyInvestment.objects.count() == 1
    assert AuditEvent.objects.filter(action="project.investment").count() == 2


def test_a_milestone_is_reported_done_through_the_goal_report(city, tree, pinned_clock):
    project = make_project(city, tree.plan)
    report = services.milestone_complete(
        actor=city.liaison_a, project=project, kind="start", completed_on=dt.date(2026, 3, 5)
    )
    assert report.period == "2026-03" and report.state == ReportState.SUBMITTED
    row = selectors.project_row(city.office, project.pk)
    start = row.milestones[0]
    assert (start["label"], start["done_on"]) == ("开工", dt.date(2026, 3, 5))
    with pytest.raises(ValidationFailed) as caught:
        services.milestone_complete(
            actor=city.liaison_a,
            project=project,
            kind="production",
            completed_on=dt.date(2026, 3, 5),
        )
    assert caught.value.errors[0].field == "kind"


def _settle_everything(city, project):
    for kind in ("approval", "land", "eia", "permit"):
        services.step_record(actor=city.office, project=project, kind=kind, state="not_needed")
    services.milestone_complete(
        actor=city.liaison_a, project=project, kind="start", completed_on=dt.date(2026, 3, 5)
    )
    services.milestone_complete(
        actor=city.liaison_a, project=project, kind="completion", completed_on=dt.date(2026, 11, 20)
    )


def test_lagging_on_an_overdue_step_then_on_investment_then_on_track(city, tree, pinned_clock):
    today = dt.date(2026, 11, 29)
    project = make_project(city, tree.plan)
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.health == Health.LAGGING
    assert {d.label for d in row.verdict.overdue} == {"立项", "用地", "开工", "竣工"} - {"竣工"}
    _settle_everything(city, project)
    month_plan(project, city.office, 2026, ["1000"] * 10, actuals=["700"] * 10)
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.health == Health.LAGGING and row.verdict.investment_behind
    services.investment_record(
        actor=city.liaison_a, project=project, month="2026-10", actual="1000"
    )
    services.investment_record(
        actor=city.liaison_a, project=project, month="2026-09", actual="1300"
    )
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.verdict.actual_to_date == Decimal("7900")
    assert row.health == Health.LAGGING  # 7,900 < 8,000
    services.investment_record(actor=city.liaison_a, project=project, month="2026-08", actual="800")
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.health == Health.ON_TRACK


def test_blocked_while_an_open_blocking_problem_exists(city, tree, pinned_clock):
    today = dt.date(2026, 11, 29)
    project = make_project(city, tree.plan)
    _settle_everything(city, project)
    problem = ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=True)
    ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=False)
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.health == Health.BLOCKED
    assert [p["number"] for p in row.blocking] == [problem.number]
    problem.state = ProblemState.CLOSED
    problem.save(update_fields=["state"])
    row = selectors.project_row(city.office, project.pk, today=today)
    assert row.health == Health.ON_TRACK


def test_scope_a_town_sees_its_projects_and_the_leader_in_charge_sees_his(city, tree):
    mine = make_project(city, tree.plan, code="XM-A")
    theirs = make_project(city, tree.plan, code="XM-B", lead_unit=city.town_b)
    assert set(selectors.projects_visible(city.liaison_a)) == {mine}
    assert set(selectors.projects_visible(city.liaison_b)) == {theirs}
    assert set(selectors.projects_visible(city.leader_user)) == {mine, theirs}
    assert set(selectors.projects_visible(city.office)) == {mine, theirs}
    assert not selectors.projects_visible(city.admin).exists()


def test_an_adjusted_goal_milestone_moves_the_projects_planned_date(city, tree):
    project = make_project(city, tree.plan)
    # an approved target adjustment moves the goal milestone's date (goals.services_adjustments)
    Milestone.objects.filter(pk=project.completion_milestone_id).update(
        due_date=dt.date(2026, 12, 20)
    )
    row = selectors.project_row(city.office, project.pk, today=dt.date(2026, 12, 1))
    assert row.planned["completion"] == dt.date(2026, 12, 20)
    assert "竣工" not in {d.label for d in row.verdict.overdue}


@pytest.mark.parametrize("text", ["0000-05", "2026-13", "2026-00", "2026/05", "", "二〇二六-05"])
def test_a_month_that_is_no_calendar_month_names_the_field(text):
    """Given a month typed on the investment form or sent to the API. When it is no calendar
    month (year 0 included, which passed the pattern and was a 500), Then 422 on `month`."""
    with pytest.raises(ValidationFailed) as caught:
        services.parse_month(text)
    assert caught.value.errors[0].field == "month"
