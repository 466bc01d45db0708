"""Real browser: the checks that moved from the pages into the services still read on the pages —
publishing a period that has not ended asks for the confirmation and then publishes, and a new
scheme with a code in use is refused on the form. Screenshots at 1366 and 390 wide."""

import pytest
from django.utils import timezone

from ganchao.assessment.tests.test_pages_browser import log_in
from ganchao.conftest import make_user
from ganchao.orgs.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publishing_a_running_period_asks_first(page, scenario, artifacts_dir):
    make_user("office_b", scenario.office_unit, Role.OFFICE)
    today = timezone.localdate()
    running = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    log_in(page, "office_b")
    page.goto(f"/assessment/schemes/TOWNS/periods/{running}/")
    page.get_by_role("button", name="发布结果").click()
    page.wait_for_load_state()
    alert = page.locator(".alert-danger, .alert-error").first
    assert "才结束" in alert.inner_text() and "确认提前发布" in alert.inner_text()
    page.screenshot(path=str(artifacts_dir / "assessment-publish-early.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "assessment-publish-early-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_label("确认提前发布（本期尚未结束）").check()
    page.get_by_role("button", name="发布结果").click()
    page.wait_for_url("**/revisions/1/")
    assert "已发布第1版结果" in page.content()


def test_a_new_scheme_with_a_code_in_use_is_refused(page, scenario, artifacts_dir):
    make_user("office_c", scenario.office_unit, Role.OFFICE)
    log_in(page, "office_c")
    page.goto("/assessment/schemes/new/")
    page.get_by_label("方案编码").fill("TOWNS")
    page.get_by_label("方案名称").fill("乡镇季度考核（重复）")
    page.get_by_label("单位类别").select_option(label="乡镇")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_text("方案编码已存在").count() >= 1
    page.screenshot(path=str(artifacts_dir / "assessment-scheme-code-in-use.png"), full_page=True)
