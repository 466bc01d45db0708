"""`ganchao seed` writes a plan per city with its tree, assignments and reports."""

import datetime as dt

import pytest
from django.db.models import Count, Q

from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.demodata.services import demo_seed
from ganchao.goals.choices import Direction, ItemType, PlanState, ReportState, Role
from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.orgs.models import Unit

AS_OF = dt.date(2026, 11, 29)
pytestmark = pytest.mark.django_db


def seed(seed=1, reset=False, as_of=AS_OF):
    return demo_seed(scale="town", seed=seed, as_of=as_of, reset=reset)


@pytest.fixture
def seeded(demo_snapshots):
    """The database and result of `seed()`, restored from the worker's copy of that seed
    (ganchao/conftest.py `demo_snapshots`), for the tests that read the seeded plan."""
    return demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF)


def snapshot() -> dict:
    return {
        "items": list(
            Item.objects.order_by("sort_key").values_list(
                "code",
                "name",
                "type",
                "target",
                "q1",
                "q4",
                "parent__code",
                "data_source_unit__code",
            )
        ),
        "leaders": sorted(Item.leaders.through.objects.values_list("item__code", "leader__name")),
        "milestones": list(
            Milestone.objects.order_by("item__sort_key", "position").values_list(
                "item__code", "position", "due_date", "description"
            )
        ),
        "assignments": sorted(
            Assignment.objects.values_list("item__code", "unit__code", "role", "target", "contact")
        ),
        "reports": sorted(
            ProgressReport.objects.values_list(
                "assignment__item__code",
                "assignment__unit__code",
                "period",
                "revision",
                "state",
                "value",
                "late",
                "submitted_at",
                "submitted_by__username",
            )
        ),  # fmt: skip
        "completions": sorted(
            MilestoneCompletion.objects.values_list(
                "report__assignment__unit__code", "milestone__item__code", "completed_on"
            )
        ),
    }


def test_town_seed_writes_an_issued_plan_owned_by_the_root(seeded):
    result = seeded
    plan = Plan.objects.get()
    assert plan.owner == Unit.objects.get(parent__isnull=True)
    assert (plan.year, plan.state) == (2026, PlanState.ISSUED)
    assert plan.issued_at.isoformat() == "2026-02-01T01:00:00+00:00"
    counts = result.plans.counts
    # the key projects (issue 14) are added to the plan through the services after the bulk
    # write: their goal, and a task with its lead assignment for each
    projects = Item.objects.filter(Q(key_project__isnull=False) | Q(name="重点项目建设"))
    assert counts["items"] == Item.objects.count() - projects.count() > 60
    assert counts["assignments"] == Assignment.objects.exclude(item__in=projects).count()
    # the projects on schedule report their milestones through the services (projects.demo)
    reports = ProgressReport.objects.exclude(assignment__item__in=projects)
    assert counts["progress_reports"] == reports.count() > 300
    completions = MilestoneCompletion.objects.exclude(milestone__item__in=projects)
    assert counts["milestone_completions"] == completions.count() > 20
    assert Item.objects.filter(type=ItemType.TASK, milestones__isnull=True).count() == 0


def test_every_indicator_and_task_has_one_lead_and_goals_none(seeded):
    leads = Item.objects.annotate(leads=Count("assignments", filter=Q(assignments__role=Role.LEAD)))
    assert set(leads.filter(type=ItemType.GOAL).values_list("leads", flat=True)) == {0}
    assert set(leads.exclude(type=ItemType.GOAL).values_list("leads", flat=True)) == {1}
    cooperating = ProgressReport.objects.filter(assignment__role=Role.COOPERATING)
    assert not cooperating.exists()
    assert ProgressReport.objects.filter(period_end__gt=AS_OF).count() == 0


def test_same_inputs_give_the_same_plan_and_reports_and_digest():
    seed(seed=3)
    first = snapshot()
    digest = AuditEvent.objects.get(action="seed.load").changes["plan_digest"]["after"]
    seed(seed=3, reset=True)
    assert snapshot() == first
    assert AuditEvent.objects.get(action="seed.load").changes["plan_digest"]["after"] == digest
    seed(seed=4, reset=True)
    assert snapshot()["reports"] != first["reports"]


def test_audit_event_counts_and_summary_include_the_plan(capsys):
    assert main(["seed", "--scale", "town", "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    counts = AuditEvent.objects.get(action="seed.load").changes["counts"]["after"]
    assert counts["plans"] == 1
    # and the key projects' lead assignments, added through the services (issue 14)
    assert counts["assignments"] + counts["key_projects"] == Assignment.objects.count()
    projects = Item.objects.filter(Q(key_project__isnull=False) | Q(name="重点项目建设"))
    assert (
        counts["progress_reports"]
        == ProgressReport.objects.exclude(assignment__item__in=projects).count()
    )
    assert "2026 年度计划 1 个" in out
    assert f"进展报送 {counts['progress_reports']} 条" in out


def test_reports_have_a_mix_of_states_and_statuses_are_filled(seeded):
    result = seeded
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert {ReportState.ACCEPTED, ReportState.RETURNED} <= states
    assert ProgressReport.objects.filter(late=True).exists()
    assert ProgressReport.objects.exclude(return_reason="").filter(revision=1).exists()
    if result.statuses_computed:
        reporting = Assignment.objects.exclude(role=Role.COOPERATING)
        assert not reporting.filter(status="").exists()


def test_a_figure_kept_down_is_reported_as_kept_down_not_completed(seeded):
    """生产安全事故死亡人数 and the like (逆向): 累计2人，控制在序时目标以内 or 超出序时控制目标,
    never 完成2人 … 确保完成全年目标."""
    down = ProgressReport.objects.filter(assignment__item__direction=Direction.NEGATIVE)
    texts = list(down.exclude(narrative="").values_list("narrative", flat=True))
    assert texts, "the town seed has 逆向 indicators with reports"
    assert not [t for t in texts if "完成全年目标" in t or "完成" in t.split("，")[0]]
    assert any("控制在序时目标以内" in t for t in texts)
    up = ProgressReport.objects.filter(assignment__item__direction=Direction.POSITIVE)
    assert up.filter(narrative__contains="达到序时进度").exists()


def test_a_seed_before_february_leaves_a_draft_plan_without_reports():
    seed(as_of=dt.date(2026, 1, 15))
    assert Plan.objects.get().state == PlanState.DRAFT
    assert ProgressReport.objects.count() == 0
