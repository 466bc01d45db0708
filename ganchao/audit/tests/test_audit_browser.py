"""Real browser: the auditor reads the audit log and an object's history; the before/after
tables fit the screen at 1366 and 390 px. Screenshots of both widths."""

import pytest

from ganchao.audit.tests.test_changes import _events
from ganchao.conftest import log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_reads_changes_as_tables(page, city, artifacts_dir):
    _events(city)
    log_in_page(page, "auditor")
    page.wait_for_url("**/")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/audit/")
        assert page.locator("table.gc-changes").count() >= 6
        assert page.get_by_role("cell", name="清空重建").count() == 1
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px at {width}"
        page.screenshot(path=str(artifacts_dir / f"audit-log-{width}.png"), full_page=False)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/audit/history/unit/{city.town_a.pk}/")
    assert page.locator("h2, h1, .page-title").first.inner_text().strip() == "变更记录：西湖镇"
    page.screenshot(path=str(artifacts_dir / "audit-history.png"), full_page=False)
