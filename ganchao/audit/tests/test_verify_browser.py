"""Real browser: the auditor sees the last daily verification on the audit log, and runs one
from the verify page (issue 12 item 5). Screenshots at 1366 px."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ganchao.conftest import log_in_page
from ganchao.scheduler.services import tick_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_sees_and_runs_the_chain_verification(page, city, artifacts_dir):
    tick_run(at=dt.datetime(2026, 12, 6, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    log_in_page(page, "auditor")
    page.wait_for_url("**/")
    page.goto("/audit/")
    status = page.get_by_role("status").filter(has_text="最近一次校验")
    assert "2026年12月6日 03:00，通过，共" in status.inner_text()
    page.screenshot(path=str(artifacts_dir / "audit-last-verify.png"), full_page=False)
    page.get_by_role("link", name="校验审计链").click()
    page.get_by_role("button", name="开始校验").click()
    assert "审计链完整" in page.get_by_role("status").first.inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "页面校验" in rows.first.inner_text() and "每日定时校验" in rows.nth(1).inner_text()
    page.screenshot(path=str(artifacts_dir / "audit-verify-runs.png"), full_page=True)
