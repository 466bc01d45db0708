"""Real browser: the office opens the decisions list and a launched decision's page (header,
procedure timeline, the blockers box, the panels) and the catalogue."""

import pytest

from ganchao.assessment.tests.test_appeals_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_reads_the_decision_page(page, dcity, artifacts_dir):
    decision = dcity.launched(market_activity=True, technical=True)
    dcity.propose(title="老旧小区改造三年规划", catalogue_item=dcity.item2)
    log_in(page, "office")
    page.goto("/decisions/")
    assert page.locator("tbody tr").count() == 2
    page.screenshot(path=str(artifacts_dir / "decisions_list.png"), full_page=True)
    page.get_by_role("link", name=decision.code).click()
    page.wait_for_url(f"**/decisions/{decision.pk}/")
    assert page.locator("#procedures li").count() == 11
    assert "下一步（提请合法性审查）受阻" in page.locator("#blockers").inner_text()
    page.screenshot(path=str(artifacts_dir / "decisions_detail.png"), full_page=True)
    page.goto(f"/decisions/catalogues/{dcity.catalogue.pk}/")
    page.screenshot(path=str(artifacts_dir / "decisions_catalogue.png"), full_page=True)
