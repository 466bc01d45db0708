"""Real browser: the office reads the key-project board (per leader, a blocked project with its
problem linked), records a month's investment on a project page, opens 挂图作战 and sees the
lagging projects on the 驾驶舱. Screenshots go to /tmp/shots/ and test-artifacts/."""

import datetime as dt
from pathlib import Path

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.tests.factories import make_plan
from ganchao.orgs import services as org_services
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.projects import services
from ganchao.projects.models import MonthlyInvestment
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots")


def _shot(page, artifacts_dir, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)
    page.screenshot(path=str(artifacts_dir / name), full_page=True)


@pytest.fixture
def projects(pinned_clock, city):
    tree = make_plan(city)
    other = org_services.leader_create(actor=None, name="李建华", title="副市长")
    names = ["新能源电池生产线", "城东综合管廊", "城南物流园", "西湖污水处理厂提标", "高新区孵化园"]
    made = []
    for n, name in enumerate(names):
        project = make_project(
            city,
            tree.plan,
            code=f"XM-{n + 1:02d}",
            name=name,
            leader=city.leader if n % 2 == 0 else other,
            lead_unit=city.town_a if n < 3 else city.town_b,
            start_planned=dt.date(2026, 2 + n, 1),
            completion_planned=dt.date(2026, 8 + n % 4, 28),
        )
        for kind in ("approval", "land"):
            services.step_record(
                actor=city.office,
                project=project,
                kind=kind,
                state="done",
                done_on=dt.date(2026, 1, 10 + n),
                document_number=f"赶发改〔2026〕{n}{kind[0]}号",
            )
        actual = ["950"] * 10 if n != 1 else ["500"] * 10
        month_plan(project, city.office, 2026, ["1000"] * 12, actuals=actual)
        made.append(project)
    services.milestone_complete(
        actor=city.liaison_a, project=made[0], kind="start", completed_on=dt.date(2026, 2, 3)
    )
    ProblemFactory(
        owner_unit=city.town_a,
        item=made[2].item,
        blocks_project=True,
        description="征地拆迁补偿未谈妥，施工便道无法进场",
    )
    return made


def test_office_reads_the_board_records_investment_and_opens_the_gantt(
    pinned_clock, page, city, projects, artifacts_dir
):
    log_in_page(page, "office")
    page.wait_for_url("**/")
    page.locator("#lagging-projects").wait_for()
    assert "城南物流园" in page.locator("#lagging-projects").inner_text()
    _shot(page, artifacts_dir, "projects_cockpit.png")

    page.goto("/projects/")
    assert page.get_by_role("heading", name="周明远").is_visible()
    assert page.get_by_role("heading", name="李建华").is_visible()
    blocked = page.locator('tr[data-project="XM-03"]')
    assert "受阻" in blocked.inner_text()
    assert blocked.locator('a[href^="/problems/"]').count() == 1
    _shot(page, artifacts_dir, "projects_board.png")

    page.get_by_role("link", name="XM-01 新能源电池生产线").click()
    page.wait_for_url("**/projects/*/")
    page.locator("#investment-chart canvas").first.wait_for()
    page.get_by_label("月份").fill("2026-11")
    page.get_by_label("完成投资（万元）").fill("1234.5")
    page.locator("#investment-form").get_by_role("button", name="登记").click()
    page.wait_for_url("**/projects/*/")
    assert page.get_by_text("已登记").is_visible()
    assert (
        MonthlyInvestment.objects.get(project=projects[0], month=dt.date(2026, 11, 1)).actual
        == 1234.5
    )
    _shot(page, artifacts_dir, "projects_detail.png")

    page.goto("/projects/gantt/")
    page.locator("#gantt-chart canvas").first.wait_for()
    page.locator("#gantt-investment canvas").first.wait_for()
    _shot(page, artifacts_dir, "projects_gantt.png")
