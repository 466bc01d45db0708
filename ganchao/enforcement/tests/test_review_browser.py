"""Real browser: the officer sees why the case is major and submits it for legal review; the
reviewer assigns it from the desk (the unqualified reviewer listed with why), returns it with a
problem on one item; the officer sees the problem on the case page."""

from pathlib import Path

import pytest

from ganchao.conftest import log_in_page
from ganchao.enforcement.models import LegalReview
from ganchao.enforcement.tests.review_support import heard_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/review")


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def shot(page, name, part=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    if part is not None:
        part.screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_major_case_through_legal_review_in_the_browser(ecity, page):
    case = heard_case(ecity)
    log_in(page, "officer_a")
    page.goto(f"/enforcement/cases/{case.pk}/#panel-review")
    panel = page.locator("#panel-review")
    assert "对自然人罚款达到重大标准" in panel.inner_text()
    panel.get_by_label("送审材料说明").fill(
        "立案审批表、现场检查笔录、询问笔录、告知书、陈述申辩笔录"
    )
    shot(page, "1-panel", panel)
    panel.get_by_role("button", name="提交法制审核").click()
    page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
    review = LegalReview.objects.get(case=case)

    log_in(page, "cg_reviewer")
    page.goto("/enforcement/reviews/")
    assert case.code in page.locator("#desk-waiting").inner_text()
    shot(page, "2-desk")
    page.get_by_role("link", name=f"{case.code} {case.title}").first.click()
    assert "周审核未取得法律职业资格" in page.locator("#ineligible").inner_text()
    shot(page, "3-assign")
    page.locator("#assign").get_by_role("button", name="分配").click()
    page.wait_for_url(f"**/enforcement/reviews/{review.pk}/")
    for item in page.locator(".verdict-item").all():
        item.get_by_label("通过").check()
    facts = page.locator('.verdict-item[data-item="facts"]')
    facts.get_by_label("存在问题", exact=True).check()
    facts.locator("textarea").fill("违法建筑面积未经测量")
    page.get_by_label("审核意见").fill("事实不清，请补充测量后重新提交。")
    shot(page, "4-verdicts")
    page.locator("#conclude").get_by_role("button", name="出具审核意见").click()
    page.wait_for_url(f"**/enforcement/reviews/{review.pk}/")
    assert "存在问题，已退回" in page.locator("#review-state").inner_text()
    shot(page, "5-returned")

    log_in(page, "officer_a")
    page.goto(f"/enforcement/cases/{case.pk}/#panel-review")
    assert "违法建筑面积未经测量" in page.locator("#panel-review").inner_text()
    shot(page, "6-case-returned", page.locator("#panel-review"))
