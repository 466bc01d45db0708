"""Real browser: the office closes an issued plan from its page (the same service as
POST /api/v1/plans/{id}/close); the page then reads 已结束 and offers no more changes."""

import pytest

from ganchao.goals.choices import PlanState
from ganchao.goals.models import Plan
from ganchao.goals.tests.factories import make_plan
from ganchao.goals.tests.test_browser_tree import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_closes_a_plan(page, city, artifacts_dir):
    tree = make_plan(city)
    log_in(page, "office")
    page.goto(f"/goals/plans/{tree.plan.pk}/")
    page.get_by_role("link", name="结束计划").click()
    page.wait_for_url(f"**/goals/plans/{tree.plan.pk}/close/")
    page.get_by_label("结束原因（可不填）").fill("年度工作已全部结束")
    page.screenshot(path=artifacts_dir / "plan-close-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts_dir / "plan-close-390.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.get_by_role("button", name="确认结束计划").click()
    page.wait_for_selector("text=计划已结束")
    assert "已结束" in page.locator("h2, .page-title").first.inner_text()
    assert Plan.objects.get(pk=tree.plan.pk).state == PlanState.CLOSED
    assert page.get_by_text("新增目标").count() == 0
