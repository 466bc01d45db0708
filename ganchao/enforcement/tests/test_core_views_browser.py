"""In a real browser: the officer files a case on the form (refused with one officer naming
【B2】, then filed with two), sees it on the desk with the party masked, opens the case page and
moves it to 调查取证, where the blockers box and the disabled 提交审核 name 【B6】. Screenshots go
to test-artifacts/enforcement-core/."""

import re

import pytest
from playwright.sync_api import expect

from ganchao.conftest import log_in_page
from ganchao.enforcement.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAW_CODES = re.compile(r"\b(filed|investigating|running|overdue|person|None)\b")


def test_officer_files_a_case_and_sees_its_blockers(page, ecity, artifacts_dir):
    shots = artifacts_dir / "enforcement-core"
    shots.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert not RAW_CODES.search(page.locator("main, .page-wrapper").first.inner_text())

    page.set_default_timeout(60000)
    log_in_page(page, "officer_a")
    page.wait_for_url("**/")

    page.goto("/enforcement/cases/new/")
    page.get_by_label("执法事项").select_option(label="CG-001 违法建设行为的处罚（第1版）")
    page.get_by_label(re.compile("张执法")).check()
    page.get_by_label("案由").fill("未经许可擅自搭建彩钢房")
    page.get_by_label("当事人姓名或名称").fill("王五")
    page.get_by_label("身份证件号码或统一社会信用代码").fill("370102199001011234")
    page.get_by_label("联系电话").fill("13900139000")
    page.get_by_label("违法地点").fill("西湖镇李庄村20号院内")
    page.get_by_role("button", name="立案").click()
    expect(page.locator("#error-summary")).to_contain_text("【B2】现场执法须有两名以上执法人员")
    assert Case.objects.count() == 0
    shot("01-form-refused-b2")

    page.get_by_label(re.compile("李执法")).check()
    page.get_by_role("button", name="立案").click()
    page.wait_for_url(re.compile(r"/enforcement/cases/\d+/$"))
    expect(page.locator("#party")).to_contain_text("370102199001011234")
    shot("02-case-page-filed")

    page.goto("/enforcement/")
    expect(page.locator("#cases")).to_contain_text("王某")
    expect(page.locator("#cases")).not_to_contain_text("王五")
    shot("03-desk")

    page.get_by_role("link", name=Case.objects.get().code).click()
    page.locator('[data-action="case_investigate"] button').click()
    expect(page.locator("#blockers")).to_contain_text("下一步：提交审核 — 尚需：")
    expect(page.locator("#blockers")).to_contain_text("【B6】调查取证环节无记录")
    expect(page.locator('[data-action="case_submit_review"] button')).to_be_disabled()
    shot("04-case-page-blocked")
