"""The public portal in a real browser at phone size (375×812) and office size (1366×768):
no horizontal scrolling, the header band names the government, a comment goes through the
form and is acknowledged; screenshots in test-artifacts/public/."""

import pytest

from ganchao.decisions.models import PublicComment
from ganchao.portal.tests.conftest import make_portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(artifacts_dir):
    path = artifacts_dir / "public"
    path.mkdir(exist_ok=True)
    return path


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_phone_reads_the_portal_and_sends_a_comment(browser, live_server, shots):
    """Given the portal's material, when a phone (375×812) opens the index, the decisions,
    a decision and an open consultation, then each fits the screen; and when a comment is
    sent, then the acknowledgement shows and the comment waits for moderation."""
    portal = make_portal()
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(45000)
    page = context.new_page()
    try:
        for name, url in (
            ("index", "/public/"),
            ("decisions", "/public/decisions/?year=2026"),
            ("decision", f"/public/decisions/{portal.published.code}/"),
            ("consultation", f"/public/consultations/{portal.open.pk}/"),
        ):
            page.goto(url)
            assert page.get_by_text("赶超市人民政府").first.is_visible()
            assert _no_sideways_scroll(page), url
            page.screenshot(path=str(shots / f"phone_{name}.png"), full_page=True)
        page.get_by_label("意见内容").fill("建议在小区改造中同步建设充电桩")
        page.get_by_role("button", name="提交意见").click()
        page.get_by_text("您的意见已收到，经审核后公开").wait_for()
        page.screenshot(path=str(shots / "phone_comment_received.png"), full_page=True)
    finally:
        context.close()
    comment = PublicComment.objects.get(body="建议在小区改造中同步建设充电桩")
    assert comment.state == "pending"


def test_the_office_screen_shows_the_decisions_page(page, shots):
    """Given the portal's material, when a 1366×768 screen opens /public/decisions/, then the
    catalogue, the open consultation and the published decision are visible."""
    make_portal()
    page.goto("/public/")
    page.screenshot(path=str(shots / "desktop_index.png"), full_page=True)
    page.goto("/public/decisions/?year=2026")
    assert page.get_by_role("heading", name="决策事项目录", exact=True).is_visible()
    assert page.get_by_role("link", name="城区停车收费标准调整").first.is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(shots / "desktop_decisions.png"), full_page=True)
