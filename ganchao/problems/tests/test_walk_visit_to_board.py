"""Acceptance walk of issue 14, in a real browser and only through the pages: the leader 周明远
visits the site of the key project 高铁新城综合体 and records a finding; from the visit page he
turns it into a problem at the project site, linked to the project and blocking it; the
key-project board shows the project 受阻. 西湖镇 (the owner) enters its plan and reports the
rectification with two photos, and cannot close the problem out itself; the leader (the
finder) verifies and closes it out (销号); the board shows the project unblocked and the
problem page's timeline every step.

Screenshots go to $GANCHAO_SCREENSHOT_DIR (or the test's tmp_path); the test prints the folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from PIL import Image

from ganchao.conftest import log_in_page
from ganchao.goals.tests.factories import make_plan
from ganchao.problems.choices import State
from ganchao.problems.models import Problem
from ganchao.projects import services as project_services
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT_NAME = "高铁新城综合体"
FINDING = "施工便道未硬化，渣土车带泥上路，扬尘严重，周边村民反映强烈"


@pytest.fixture
def project(pinned_clock, city):
    """A key project of 西湖镇 led by 周明远, on schedule in every respect but the problem."""
    tree = make_plan(city)
    made = make_project(
        city,
        tree.plan,
        code="XM-01",
        name=PROJECT_NAME,
        lead_unit=city.town_a,
        leader=city.leader,
        location="高铁新城3号地块",
        start_planned=dt.date(2026, 3, 1),
        completion_planned=dt.date(2027, 6, 30),
        production_planned=dt.date(2027, 9, 30),
    )
    for kind in ("approval", "land"):
        project_services.step_record(
            actor=city.office,
            project=made,
            kind=kind,
            state="done",
            done_on=dt.date(2026, 1, 10),
            document_number=f"赶发改〔2026〕{kind[0]}1号",
        )
    project_services.milestone_complete(
        actor=city.liaison_a, project=made, kind="start", completed_on=dt.date(2026, 3, 1)
    )
    month_plan(made, city.office, 2026, ["1000"] * 12, actuals=["1000"] * 11)
    return made


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("GANCHAO_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return lambda page, name: page.screenshot(path=str(folder / name), full_page=True)


def _png(path: Path, colour) -> str:
    Image.new("RGB", (480, 360), colour).save(path, format="PNG")
    return str(path)


def _pick(page, field: str, typed: str, choice: str):
    """Type into a unit picker, wait for the server's list, choose the first match with Enter."""
    control = page.locator(f"#id_{field}-ts-control")
    control.click()
    control.fill(typed)
    page.locator(f"#id_{field}-ts-dropdown .option", has_text=choice).first.wait_for(
        timeout=30000  # the server search of a loaded machine
    )
    control.press("Enter")
    page.locator(f"#id_{field}-ts-dropdown").wait_for(state="hidden")


def _sign_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def _board_row(page):
    page.goto("/projects/")
    return page.locator('tr[data-project="XM-01"]')


def test_a_visit_finding_blocks_the_project_until_the_leader_closes_it_out(
    pinned_clock, page, city, project, shots, tmp_path
):
    page.context.set_default_timeout(60000)  # a loaded machine: the first page may be slow
    # 1. The leader records his visit to the project site, with what he found there.
    _sign_in(page, "leader")
    page.goto("/visits/")
    page.get_by_role("link", name="登记调研督导").click()
    page.wait_for_url("**/visits/new/")
    page.get_by_label("类型", exact=True).select_option("research")
    _pick(page, "unit", "西湖", "西湖镇")
    page.get_by_label("地点类型").select_option("project_site")
    page.get_by_label("地点名称").fill(f"{PROJECT_NAME}项目施工现场")
    page.get_by_label("日期", exact=True).fill("2026-11-27")
    page.get_by_label("调研督导事由").fill("现场调研重点项目建设进度和施工环境")
    page.get_by_label("发现问题 1", exact=True).fill(FINDING)
    page.get_by_label("严重程度 1", exact=True).select_option("serious")
    shots(page, "01_visit_form.png")
    page.get_by_role("button", name="保存调研督导记录").click()
    page.wait_for_url("**/visits/*/")
    assert "调研督导记录已保存" in page.locator("body").inner_text()
    assert FINDING in page.locator("body").inner_text()
    shots(page, "02_visit_detail.png")
    visit_url = page.url

    # 2. From the finding, a problem at the project site, linked to the project and blocking it.
    page.get_by_role("link", name="转为问题").click()
    page.wait_for_url("**/problems/from-visit/*/findings/*/")
    assert page.get_by_label("地点类型").input_value() == "project_site"
    project_choice = page.get_by_label("关联重点项目")
    assert project_choice.input_value() == str(project.pk)  # the visit's place names it
    page.get_by_label("类别").select_option("project")
    page.get_by_label("阻碍项目推进").check()
    shots(page, "03_finding_to_problem.png")
    page.get_by_role("button", name="转入问题台账").click()
    page.wait_for_url("**/problems/*/")
    problem = Problem.objects.get(finding__visit__place_name=f"{PROJECT_NAME}项目施工现场")
    header = page.locator("#problem-header").inner_text()
    assert "待整改" in header and "阻碍项目推进" in header and "较重" in header
    facts = page.locator("#problem-facts").inner_text()
    assert "项目现场" in facts and "西湖镇" in facts and f"XM-01 {PROJECT_NAME}" in facts
    assert f"已转入问题台账，编号 {problem.number}" in page.locator("body").inner_text()
    page.goto(visit_url)  # the finding now names its problem instead of offering 转为问题 again
    assert f"已转入问题台账 {problem.number}" in page.locator("body").inner_text()
    assert page.get_by_role("link", name="转为问题").count() == 0

    # 3. The key-project board: the project is blocked by that problem.
    row = _board_row(page)
    assert "受阻" in row.locator(".gc-health").inner_text()
    assert row.get_by_role("link", name=problem.number).count() == 1
    assert page.locator('[data-count="blocked"]').inner_text() == "1"
    shots(page, "04_board_blocked.png")

    # 4. The town: its plan, then its report with two photos of the result.
    _sign_in(page, "town_a_liaison")
    page.goto(f"/problems/{problem.pk}/")
    page.get_by_label("整改措施").fill("三日内硬化施工便道，出入口设洗车台，加装喷淋降尘")
    page.get_by_role("button", name="保存整改措施，开始整改").click()
    page.wait_for_url(f"**/problems/{problem.pk}/")
    assert "整改中" in page.locator("#problem-state").inner_text()
    page.get_by_label("整改情况").fill("便道已硬化，洗车台和喷淋已投入使用")
    page.get_by_label("整改后照片").set_input_files(
        [
            _png(tmp_path / "便道硬化后.png", (90, 90, 90)),
            _png(tmp_path / "洗车台.png", (40, 110, 160)),
        ]
    )
    page.get_by_role("button", name="提交整改报告，申请核验").click()
    page.wait_for_url(f"**/problems/{problem.pk}/")
    assert "待核验" in page.locator("#problem-state").inner_text()

    # The owner alone cannot close it out: no form to, and a forged post is refused.
    actions = page.locator("#problem-actions").inner_text()
    assert "等待发现人或督查室核验销号" in actions
    assert page.get_by_role("button", name="提交核验结论").count() == 0
    shots(page, "05_town_reported.png")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    refused = page.request.post(
        f"/problems/{problem.pk}/verify/",
        form={"csrfmiddlewaretoken": token, "accept": "1", "note": "已整改"},
        headers={"Referer": page.url},
    )
    assert refused.status == 403
    assert "责任单位不能自行核验销号" in refused.text()
    assert Problem.objects.get(pk=problem.pk).state == State.VERIFYING

    # 5. The leader, who found it, verifies and closes it out.
    _sign_in(page, "leader")
    page.goto(f"/problems/{problem.pk}/")
    assert page.locator("#problem-photos img").count() == 2
    page.get_by_label("整改到位，同意销号").check()
    page.get_by_label("核验意见").fill("现场核验，便道已硬化，整改到位")
    page.get_by_role("button", name="提交核验结论").click()
    page.wait_for_url(f"**/problems/{problem.pk}/")
    assert "已销号" in page.locator("#problem-state").inner_text()
    assert "曾阻碍项目推进" in page.locator("#problem-header").inner_text()
    timeline = page.locator("#problem-timeline").inner_text()
    steps = ["登记 → 待整改", "制定整改措施 → 整改中", "报告整改 → 待核验", "销号 → 已销号"]
    notes = [
        f"2026年11月27日调研督导“{PROJECT_NAME}项目施工现场”发现",
        "便道已硬化，洗车台和喷淋已投入使用",
        "现场核验，便道已硬化，整改到位",
    ]
    for step in steps + notes:
        assert step in timeline, step
    assert [timeline.index(step) for step in steps] == sorted(timeline.index(s) for s in steps)
    shots(page, "06_problem_closed.png")

    # 6. The board: the project is no longer blocked.
    row = _board_row(page)
    assert "正常推进" in row.locator(".gc-health").inner_text()
    assert "受阻" not in row.inner_text()
    assert row.get_by_role("link", name=problem.number).count() == 0
    assert page.locator('[data-count="blocked"]').inner_text() == "0"
    shots(page, "07_board_unblocked.png")
