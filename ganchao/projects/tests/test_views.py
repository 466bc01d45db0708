"""The pages: the board per leader with health and why, the project page and its forms, 挂图作战,
the cockpit's list, scope, and query counts at two sizes."""

import pytest
from django.urls import reverse

from ganchao.goals.tests.factories import make_plan
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.projects import selectors
from ganchao.projects.models import ApprovalStep, KeyProject, MonthlyInvestment
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city):
    return make_plan(city)


def test_board_groups_by_leader_and_says_why_a_project_lags(city, tree, login, pinned_clock):
    lagging = make_project(city, tree.plan, code="XM-01")
    blocked = make_project(city, tree.plan, code="XM-02", name="城南物流园")
    problem = ProblemFactory(owner_unit=city.town_a, item=blocked.item, blocks_project=True)
    html = login(city.office).get(reverse("projects:board")).content.decode()
    assert "周明远" in html and "XM-01" in html
    assert "立项应于2026年1月15日完成，尚未完成" in html
    assert f'href="/problems/{problem.pk}/"' in html and problem.number in html
    assert "受阻" in html and "滞后" in html
    only_blocked = login(city.office).get(reverse("projects:board"), {"health": "blocked"})
    assert "城南物流园" in only_blocked.content.decode()
    assert f"XM-01 {lagging.item.name}" not in only_blocked.content.decode()


def test_the_board_is_scoped(city, tree, login):
    make_project(city, tree.plan, code="XM-01", name="西湖项目")
    make_project(city, tree.plan, code="XM-02", name="东山项目", lead_unit=city.town_b)
    html = login(city.liaison_b).get(reverse("projects:board")).content.decode()
    assert "东山项目" in html and "西湖项目" not in html
    other = KeyProject.objects.get(code="XM-01")
    assert login(city.liaison_b).get(reverse("projects:detail", args=[other.pk])).status_code == 404
    assert login(city.admin).get(reverse("projects:board")).status_code == 404


def test_office_creates_a_project_from_the_form(city, tree, login):
    client = login(city.office)
    form = {
        "plan": tree.plan.pk,
        "parent_code": "1",
        "code": "XM-07",
        "name": "高新区孵化园",
        "leader": city.leader.pk,
        "lead_unit": city.town_a.pk,
        "town": city.town_a.pk,
        "category": "industry",
        "funding_source": "fiscal",
        "total_investment": "3000",
        "annual_plan": "5000",
        "start_planned": "2026-05-01",
        "completion_planned": "2026-12-20",
    }
    response = client.post(reverse("projects:new"), form)
    assert response.status_code == 200
    assert "年度计划投资不能大于总投资" in response.content.decode()
    response = client.post(reverse("projects:new"), {**form, "annual_plan": "2000"})
    project = KeyProject.objects.get(code="XM-07")
    assert response.status_code == 302 and response.url == reverse(
        "projects:detail", args=[project.pk]
    )
    assert login(city.liaison_a).get(reverse("projects:new")).status_code == 403


def test_office_edits_with_the_version(city, tree, login):
    project = make_project(city, tree.plan)
    client = login(city.office)
    form = {
        "name": "新名称",
        "leader": city.leader.pk,
        "category": "industry",
        "funding_source": "fiscal",
        "total_investment": "50000",
        "annual_plan": "12000",
        "expected_version": 1,
    }
    assert client.post(reverse("projects:edit", args=[project.pk]), form).status_code == 302
    stale = client.post(reverse("projects:edit", args=[project.pk]), {**form, "name": "再改"})
    assert "已被他人修改" in stale.content.decode()


def test_lead_unit_records_a_step_and_actual_investment_on_the_page(city, tree, login):
    project = make_project(city, tree.plan)
    client = login(city.liaison_a)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="step-form"' in page and 'id="investment-form"' in page
    assert 'name="version_eia" value="1"' in page
    response = client.post(
        reverse("projects:step", args=[project.pk]),
        {"kind": "eia", "state": "done", "done_on": "2026-04-02", "version_eia": "1"},
    )
    assert response.status_code == 422 and "批复文号" in response.content.decode()
    response = client.post(
        reverse("projects:step", args=[project.pk]),
        {
            "kind": "eia",
            "state": "done",
            "done_on": "2026-04-02",
            "document_number": "赶环审〔2026〕8号",
            "version_eia": "1",
        },
    )
    assert response.status_code == 302
    assert (
        ApprovalStep.objects.get(project=project, kind="eia").document_number == "赶环审〔2026〕8号"
    )
    response = client.post(
        reverse("projects:investment", args=[project.pk]), {"month": "2026-04", "actual": "650"}
    )
    assert response.status_code == 302
    assert MonthlyInvestment.objects.get(project=project).actual == 650


def test_a_step_form_read_before_someone_else_recorded_the_step_is_refused(city, tree, login):
    """Given the lead unit's page read with 环评 at version 1, When the office records 环评 and
    the lead unit then sends its form, Then it is refused with a clear message and the office's
    record stays; a form without the versions (an old page) is refused as expired."""
    project = make_project(city, tree.plan)
    client = login(city.liaison_a)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'name="version_eia" value="1"' in page
    login(city.office).post(
        reverse("projects:step", args=[project.pk]),
        {"kind": "eia", "state": "in_progress", "version_eia": "1"},
    )
    assert ApprovalStep.objects.get(project=project, kind="eia").version == 2
    url = reverse("projects:step", args=[project.pk])
    stale = client.post(url, {"kind": "eia", "state": "pending", "version_eia": "1"})
    assert stale.status_code == 422
    assert "已被他人修改" in stale.content.decode()
    assert ApprovalStep.objects.get(project=project, kind="eia").state == "in_progress"
    expired = client.post(url, {"kind": "eia", "state": "pending"})
    assert expired.status_code == 422 and "页面已过期" in expired.content.decode()
    fresh = client.post(url, {"kind": "eia", "state": "pending", "version_eia": "2"})
    assert fresh.status_code == 302
    assert ApprovalStep.objects.get(project=project, kind="eia").state == "pending"


def test_milestone_form_reports_through_the_goal_report(city, tree, login, pinned_clock):
    project = make_project(city, tree.plan)
    response = login(city.liaison_a).post(
        reverse("projects:milestone", args=[project.pk]),
        {"kind": "start", "completed_on": "2026-03-02"},
    )
    assert response.status_code == 302
    page = login(city.office).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2026年3月2日" in page


def test_gantt_page_carries_the_chart_data(city, tree, login):
    project = make_project(city, tree.plan)
    month_plan(project, city.office, 2026, ["500"])
    response = login(city.leader_user).get(reverse("projects:gantt"))
    html = response.content.decode()
    assert 'id="gantt-chart"' in html and 'id="gantt-data"' in html
    assert response.context["chart"]["lines"][0]["code"] == "XM-01"


def test_the_cockpit_lists_lagging_projects(city, tree, login, pinned_clock):
    make_project(city, tree.plan, code="XM-01", name="滞后的项目")
    html = login(city.office).get("/").content.decode()
    assert 'id="lagging-projects"' in html and "滞后的项目" in html
    # the leader in charge sees it on his cockpit too; another town's liaison has no cockpit list
    assert "滞后的项目" in login(city.leader_user).get("/").content.decode()
    assert "滞后的项目" not in login(city.liaison_b).get("/").content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_page_query_counts_do_not_grow(city, tree, login, size, django_assert_max_num_queries):
    for number in range(size):
        project = make_project(city, tree.plan, code=f"XM-{number:02d}")
        month_plan(project, city.office, 2026, ["100"], actuals=["90"])
        ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=True)
    client = login(city.office)
    client.get(reverse("projects:board"))  # session and shell caches warmed
    with django_assert_max_num_queries(13):
        assert client.get(reverse("projects:board")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("projects:gantt")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    with django_assert_max_num_queries(6):  # the cockpit's list
        rows, count, total = selectors.lagging_rows(city.office, plan=tree.plan)
    assert count == total == size and len(rows) == min(size, 8)


def test_the_cockpit_list_holds_the_projects_of_the_plan_it_shows(city, tree):
    """Given a lagging project in this year's plan and one in last year's. When the cockpit of
    this year's plan lists lagging projects, Then only this year's is there, and counted."""
    make_project(city, tree.plan, code="XM-01", name="今年的项目")
    last_year = make_plan(city, year=2025).plan
    make_project(city, last_year, code="XM-02", name="去年的项目")
    rows, count, total = selectors.lagging_rows(city.office, plan=tree.plan)
    assert [r.project.code for r in rows] == ["XM-01"] and count == total == 1


def test_a_form_sent_with_its_defaults_does_not_erase_a_done_step(city, tree, login):
    """Given 立项 done with its date and 文号, When the form is sent as it first shows (立项,
    未办理, nothing else), Then it is refused naming what would be lost and the record stays;
    with 撤销办结登记 ticked the step goes back to 未办理 and its date and 文号 are cleared."""
    project = make_project(city, tree.plan)
    client = login(city.office)
    url = reverse("projects:step", args=[project.pk])
    done = {
        "kind": "approval",
        "state": "done",
        "done_on": "2026-01-10",
        "document_number": "赶发改审批〔2026〕3号",
        "version_approval": "1",
    }
    assert client.post(url, done).status_code == 302
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'name="reopen"' in page and "撤销办结登记" in page
    defaults = {"kind": "approval", "state": "pending", "version_approval": "2"}
    refused = client.post(url, defaults)
    text = refused.content.decode()
    assert refused.status_code == 422
    assert "已于2026年1月10日办结（赶发改审批〔2026〕3号）" in text and "撤销办结登记" in text
    step = ApprovalStep.objects.get(project=project, kind="approval")
    assert (step.state, step.document_number, step.version) == ("done", "赶发改审批〔2026〕3号", 2)
    assert client.post(url, {**defaults, "reopen": "on"}).status_code == 302
    step.refresh_from_db()
    assert (step.state, step.done_on, step.document_number) == ("pending", None, "")
