"""The decision document in a real browser: the missing items and the disabled issue button,
the draft saved, the document issued with its stand-in seal warning, and the template page.
Screenshots in /tmp/shots/document/."""

from pathlib import Path

import pytest

from ganchao.conftest import log_in_page
from ganchao.enforcement.tests.test_document import FULL, decided

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/document")


def _login(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_document_walk(ecity, page):
    case = decided(ecity, **{k: v for k, v in FULL.items() if k != "remedy"})
    _login(page, "officer_a")
    page.goto(f"/enforcement/cases/{case.pk}/decision-document/")
    blockers = page.locator("#document-blockers")
    assert "申请行政复议、提起行政诉讼的途径和期限" in blockers.inner_text()
    assert page.get_by_role("button", name="签发决定书").is_disabled()
    _shot(page, "01-draft-missing")

    page.get_by_label("申请行政复议、提起行政诉讼的途径和期限").fill(FULL["remedy"])
    page.get_by_label("否").check()
    page.get_by_role("button", name="保存草稿").click()
    assert "请写明判定是否具有社会影响的理由" in page.inner_text("body")
    _shot(page, "02-draft-refused")
    page.get_by_label("判定理由").fill("情节轻微，未造成社会影响")
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    page.goto(f"/enforcement/cases/{case.pk}/decision-document/")
    assert page.locator("#document-ready").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="签发决定书").click()
    page.goto(f"/enforcement/cases/{case.pk}/decision-document/")
    assert "罚决〔2026〕1号" in page.locator("#document-number").inner_text()
    assert "本地替代签章" in page.locator("#stand-in-warning").inner_text()
    _shot(page, "03-issued")

    _login(page, "office")
    page.goto("/enforcement/document-template/")
    assert "party_name" in page.locator("#template-variables").inner_text()
    _shot(page, "04-template")
