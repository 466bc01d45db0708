"""In a real browser: the commissioner's desk lists the open appeals most urgent first with the
clocks coloured and worded (已超期 / 即将到期 / 计时中); the owner unit acknowledges an appeal on
its page and the timeline and clocks follow. Screenshots go to test-artifacts/enterprises/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ganchao.common import workdays
from ganchao.conftest import log_in_page
from ganchao.enterprises.tests.conftest import CODES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_and_appeal_page(page, ecity, artifacts_dir):
    shots = artifacts_dir / "enterprises"
    shots.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    second = ecity.make_enterprise("赶超新能源电池有限公司", CODES[1])
    from ganchao.enterprises import services

    services.commissioner_assign(actor=ecity.office, enterprise=second, user=ecity.commissioner)
    overdue = ecity.receive(
        received_at=workdays.add_working_hours(now, -30), title="厂区道路破损影响运输"
    )
    ecity.receive(received_at=now - dt.timedelta(minutes=5), title="新生产线用电增容")
    ecity.receive(
        received_at=now - dt.timedelta(minutes=1),
        enterprise=second,
        title="高层次人才子女入学",
        category="policy",
    )
    page.set_default_timeout(60000)
    log_in_page(page, "commissioner_a")
    page.wait_for_url("**/")
    page.goto("/enterprises/desk/")
    rows = page.locator("#desk-appeals tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("厂区道路破损影响运输")
    expect(rows.first).to_contain_text("已超期")
    page.screenshot(path=str(shots / "01-desk.png"), full_page=True)

    page.context.clear_cookies()
    log_in_page(page, "stats_liaison")
    page.wait_for_url("**/")
    page.goto(f"/enterprises/appeals/{overdue.pk}/")
    expect(page.locator('[data-clock="acknowledge"]')).to_contain_text("已超期")
    page.get_by_label("响应说明（选填）").fill("已联系公路部门现场查看")
    page.get_by_role("button", name="响应诉求").click()
    expect(page.locator("#timeline")).to_contain_text("已联系公路部门现场查看")
    expect(page.locator('[data-clock="acknowledge"]')).to_contain_text("超期完成")
    expect(page.get_by_label("办理方案")).to_be_visible()
    page.screenshot(path=str(shots / "02-appeal.png"), full_page=True)
