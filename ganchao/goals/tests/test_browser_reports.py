"""Real browser: a liaison submits a report with an attachment; the office returns it with a
reason; the liaison sees the reason. Screenshots of the workbench and the item page."""

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.models import ProgressReport
from ganchao.goals.tests.factories import make_plan, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_submit_return_and_see_the_reason(pinned_clock, page, city, artifacts_dir, tmp_path):
    # the workbench offers the report due now: 2026-10 on 2026-11-29
    tree = make_plan(city)
    for month in range(1, 10):
        make_report(tree.ind_lead, f"2026-{month:02d}", value=1000 * month, state="accepted")
    attachment = tmp_path / "十月就业台账.pdf"
    attachment.write_bytes(PDF)

    log_in(page, "town_a_liaison")
    page.goto("/goals/workbench/")
    page.screenshot(path=str(artifacts_dir / "goals_workbench.png"), full_page=True)
    row = page.locator("#workbench-rows tr", has_text="新增城镇就业")
    before_light = row.locator(".gc-light").inner_text().strip()
    row.get_by_role("link", name="填报").click()
    page.get_by_label("本期数值").fill("9,800")
    page.get_by_label("进展说明").fill("十月新增就业800人")
    page.get_by_label("佐证材料").set_input_files(str(attachment))
    page.get_by_role("button", name="报送").click()
    page.wait_for_url("**/goals/workbench/")
    assert page.get_by_text("已报送，等待督查室审核").is_visible()
    assert (
        page.locator("#workbench-rows tr", has_text="新增城镇就业")
        .get_by_text("已报送")
        .is_visible()
    )
    # the light was blank (never computed) and is now set by the rules on submission
    light = page.locator("#workbench-rows tr", has_text="新增城镇就业").locator(".gc-light")
    assert before_light == "暂无状态"
    assert light.inner_text().strip() in {"正常", "滞后", "严重滞后", "未报送", "已完成"}
    report = ProgressReport.objects.get(assignment=tree.ind_lead, period="2026-10")
    assert report.evidence.count() == 1

    log_in(page, "office")
    page.goto("/goals/reports/review/")
    review = page.locator("#review-rows tr", has_text="新增城镇就业")
    review.get_by_label("退回原因").fill("请补充统计局盖章的报表")
    review.get_by_role("button", name="退回").click()
    page.get_by_text("已退回").first.wait_for()  # is_visible() does not wait for the reload
    assert page.get_by_text("已退回").first.is_visible()
    page.goto(f"/goals/items/{tree.indicator.pk}/")
    page.locator("#item-chart canvas").first.wait_for()
    page.screenshot(path=str(artifacts_dir / "goals_item_page.png"), full_page=True)

    log_in(page, "town_a_liaison")
    page.goto("/goals/workbench/")
    assert page.get_by_text("请补充统计局盖章的报表").is_visible()
    page.get_by_role("link", name="修改并重新报送").click()
    reason = page.locator("#return-reason").get_by_text("请补充统计局盖章的报表")
    reason.wait_for()
    assert reason.is_visible()
