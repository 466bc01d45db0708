"""The directory in a real browser: the office reads the agency with its officers (an expired
certificate in red, one expiring in orange), a liaison's publish of a matter without a
flowchart is refused naming 【B1】未公开执法流程图, and the settings page shows each action's
audio-video policy with its default. Screenshots go to /tmp/shots/directory/."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ganchao.conftest import log_in_page
from ganchao.enforcement.models import EnforcementMatter, Officer
from ganchao.enforcement.tests.test_directory import PUBLIC

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/directory")


def _sign_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_directory_pages(ecity, page):
    Officer.objects.filter(pk=ecity.officer_b.pk).update(
        certificate_expires=dt.date.today() + dt.timedelta(days=12)
    )
    draft = EnforcementMatter.objects.create(
        agency=ecity.agency,
        code="CG-201",
        name="占道经营处罚（修订稿）",
        category="penalty",
        **PUBLIC,
    )
    _sign_in(page, "office")
    page.goto("/enforcement/agencies/")
    _shot(page, "01-agency-list")
    page.get_by_role("link", name="赶超市城市管理综合行政执法局").click()
    expect(page.get_by_text("已过期").first).to_be_visible()
    expect(page.get_by_text("30日内到期").first).to_be_visible()
    _shot(page, "02-agency-detail")
    page.goto("/enforcement/matters/")
    _shot(page, "03-matter-list")
    page.goto("/enforcement/settings/")
    expect(page.get_by_text("默认：全过程不间断音像记录").first).to_be_attached()
    _shot(page, "04-settings")
    _sign_in(page, "cg_liaison")
    page.goto(f"/enforcement/matters/{draft.pk}/")
    page.get_by_role("button", name="公示执法事项").click()
    expect(page.locator("#error-summary")).to_contain_text("【B1】未公开执法流程图")
    _shot(page, "05-publish-refused")
    page.goto(f"/enforcement/matters/{ecity.vending.pk}/revise/")
    _shot(page, "06-revise-form")
    page.goto(f"/enforcement/agencies/{ecity.agency.pk}/officers/new/")
    _shot(page, "07-officer-form")
