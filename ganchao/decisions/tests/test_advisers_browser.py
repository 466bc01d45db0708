"""Real browser: a liaison records the adviser's 不合规 opinion from the decision page, the panel
shows it red with the A16 note; a consultation dated outside the adviser's term is refused naming
the adviser; the office's usage page flags the units that never consulted. Screenshots at
1366×768."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.decisions.services import advisers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_record_an_opinion_from_the_decision_and_see_the_usage(page, dcity, artifacts_dir):
    decision = dcity.launched()
    advisers.adviser_opinion_record(
        actor=dcity.office,
        unit=dcity.town_a,
        adviser=dcity.adviser,
        subject="征地补偿协议审查",
        opinion="协议条款符合规定。",
        conclusion="compliant",
        consulted_on=dt.date(2026, 2, 3),
    )
    log_in(page, "drc_liaison")
    page.goto(f"/decisions/{decision.pk}/")
    panel = page.locator("#panel-advisers")
    assert "尚未听取法律顾问或公职律师意见" in panel.inner_text()
    panel.get_by_role("link", name="登记法律顾问意见").click()
    page.get_by_label("法律顾问或公职律师").select_option(
        label="陈律师（政府法律顾问，某某律师事务所，聘期至2027年12月31日）"
    )
    page.get_by_label("咨询日期").fill("2024-05-01")
    page.get_by_label("法律意见", exact=True).fill("收费依据不足，不符合《价格法》第二十三条。")
    page.get_by_label("不合法或不合规").check()
    page.get_by_role("button", name="保存咨询记录").click()
    assert page.get_by_text("陈律师的聘期为").count() >= 1
    page.screenshot(path=str(artifacts_dir / "decisions-adviser-refused.png"), full_page=True)
    page.get_by_label("咨询日期").fill("2026-03-10")
    page.get_by_role("button", name="保存咨询记录").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/")
    panel = page.locator("#panel-advisers")
    assert "不合规" in panel.inner_text() and "不得提交讨论" in panel.inner_text()
    panel.screenshot(path=str(artifacts_dir / "decisions-adviser-panel.png"))
    log_in(page, "office")
    page.goto("/decisions/advisers/usage/?year=2026")
    assert page.get_by_text("本年度未咨询法律顾问").count() >= 2
    page.wait_for_function("document.querySelector('#usage-chart canvas') !== null")
    page.screenshot(path=str(artifacts_dir / "decisions-adviser-usage.png"), full_page=True)
    page.goto("/decisions/advisers/")
    page.screenshot(path=str(artifacts_dir / "decisions-adviser-register.png"), full_page=True)
