"""Real browser: an officer opens a case's records, sees the 强制拆除 with its coverage bar and
the unexplained gap in red, is refused completion naming the gap (【B7】), states the reason and
completes it; the B2 refusal of a one-officer inspection shows as 【B2】."""

import pytest

from ganchao.conftest import log_in_page
from ganchao.enforcement.tests.test_records import demolition_with_gap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_records_panel_in_the_browser(ecity, page, artifacts_dir):
    shots = artifacts_dir / "enforcement-records"
    shots.mkdir(exist_ok=True)
    case, action = demolition_with_gap(ecity)
    log_in(page, "officer_a")
    page.goto(f"/enforcement/cases/{case.pk}/")
    panel = page.locator("#panel-records")
    panel.scroll_into_view_if_needed()
    assert "中断未说明" in panel.inner_text()
    page.screenshot(path=f"{shots}/case-page.png", full_page=True)

    page.locator(f"#action-{action.pk}").get_by_role("button", name="完成执法活动").click()
    assert (
        "【B7】强制拆除的音像记录在10:12至10:24中断12分钟"
        in page.locator("#error-summary").inner_text()
    )
    page.screenshot(path=f"{shots}/refused-b7.png", full_page=True)

    page.locator(f"#gap-form-{action.pk}-1 input[name=g-reason]").fill("执法记录仪电量耗尽")
    page.locator(f"#gap-form-{action.pk}-1").get_by_role("button", name="记录中断原因").click()
    page.locator(f"#action-{action.pk}").get_by_role("button", name="完成执法活动").click()
    assert "已完成" in page.locator(f"#action-{action.pk}").inner_text()
    page.locator("#panel-records").scroll_into_view_if_needed()
    page.screenshot(path=f"{shots}/completed.png", full_page=True)

    page.goto(f"/enforcement/cases/{case.pk}/records/")
    page.locator("#action-form summary").click()
    page.screenshot(path=f"{shots}/action-form.png", full_page=True)
