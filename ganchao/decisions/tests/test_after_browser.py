"""Real browser: the head opens an executing decision, sees that its content is frozen with
only suspension and the major adjustment offered, suspends it with an Art. 35 reason; the
office then finds the suspension in the exceptions report."""

import pytest

from ganchao.conftest import log_in_page
from ganchao.decisions.tests.after_support import executing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_head_suspends_and_the_report_shows_it(page, dcity, artifacts_dir):
    decision = executing(dcity, exempt=True)
    log_in(page, "mayor")
    page.goto(f"/decisions/{decision.pk}/")
    panel = page.locator("#panel-after")
    panel.scroll_into_view_if_needed()
    assert "实质内容不得直接修改" in panel.inner_text()
    page.screenshot(path=str(artifacts_dir / "decision-after-executing.png"), full_page=True)
    panel.get_by_role("link", name="暂停执行（行政首长）").click()
    page.get_by_label("暂停事由（第三十五条）").select_option("circumstances")
    page.get_by_label("理由").fill("上位政策调整，需暂停执行")
    page.get_by_role("button", name="提交暂停执行").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/")
    assert "上位政策调整，需暂停执行" in page.locator("#panel-after").inner_text()
    page.context.clear_cookies()
    log_in(page, "office")
    page.goto("/decisions/exceptions/")
    body = (
        page.locator("main").inner_text()
        if page.locator("main").count()
        else page.inner_text("body")
    )
    assert "上位政策调整，需暂停执行" in body and "《保守国家秘密法》第九条" in body
    page.screenshot(path=str(artifacts_dir / "decision-exceptions.png"), full_page=True)
