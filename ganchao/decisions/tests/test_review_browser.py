"""Real browser: the legality reviewer opens 合法性审查 from the 依法干 menu, sees the request
with its clock and urgency flag, and opens the review page with its materials and actions."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.decisions.tests.conftest import pdf
from ganchao.decisions.tests.test_review_services import (  # noqa: F401
    _fresh_calendar,
    ready_for_review,
    request,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_reviewer_desk_in_the_browser(dcity, page, artifacts_dir):
    """Given an urgent review request with a draft attached,
    When the reviewer opens 合法性审查 from the menu and then the request,
    Then the desk shows the urgency flag and the page shows the material and 由我承办."""
    today = dt.date.today()
    review = request(
        dcity,
        ready_for_review(dcity),
        planned_meeting_on=today + dt.timedelta(days=2),
        urgency_reason="省政府要求本月出台",
        files=[("draft", pdf("停车收费调整草案.pdf"))],
    )
    log_in(page, "reviewer")
    page.get_by_role("link", name="合法性审查").first.click()
    page.wait_for_url("**/decisions/reviews/")
    row = page.locator("#review-desk .review-row").first
    assert "紧急" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "review_desk.png"), full_page=True)
    row.get_by_role("link").first.click()
    page.wait_for_url(f"**/decisions/reviews/{review.pk}/")
    assert "停车收费调整草案.pdf" in page.locator("#materials").inner_text()
    assert page.get_by_role("button", name="由我承办").is_visible()
    page.screenshot(path=str(artifacts_dir / "review_detail.png"), full_page=True)
