"""Real browser (the acceptance line): a leader writes an instruction on a red goal item; the
liaison receives it and answers substantively; the office marks it complete; the leader closes
it out. Screenshots of the matter page and the list. The flow runs at the real now, so the
assertions hold on any date (states and texts, not lights that depend on the clock)."""

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.choices import Status
from ganchao.goals.models import Item
from ganchao.goals.tests.factories import make_plan
from ganchao.supervision.matter_choices import MatterState, Source
from ganchao.supervision.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "已制定稳就业专项方案，十月新增城镇就业八百人，开展招聘会三场，落实就业补贴资金一百二十万元。"
)


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_instruction_on_red_item_to_close_out(page, city, artifacts_dir):
    tree = make_plan(city)
    Item.objects.filter(pk=tree.indicator.pk).update(status=Status.RED)

    log_in(page, "leader")
    page.goto(f"/goals/items/{tree.indicator.pk}/")
    page.get_by_role("link", name="写批示", exact=True).click()
    page.wait_for_url("**/supervision/matters/new/?item=*")
    assert page.get_by_text("严重滞后").first.is_visible()
    page.get_by_label("批示或交办内容", exact=True).fill(
        "就业指标严重滞后，请西湖镇拿出补救措施，按期反馈。"
    )
    page.get_by_label("牵头单位责任人", exact=True).fill("张镇长")
    page.get_by_role("button", name="交办").click()
    page.wait_for_url("**/supervision/matters/*/")
    matter = Matter.objects.get()
    assert matter.item_id == tree.indicator.pk and matter.source == Source.INSTRUCTION
    assert page.locator("#matter-state").inner_text().strip() == "待签收"

    log_in(page, "town_a_liaison")
    page.goto("/supervision/matters/inbox/")
    page.locator("#inbox-to_receive").get_by_role("link", name=matter.title).click()
    page.get_by_role("button", name="签收", exact=True).click()
    assert page.get_by_text("已签收。").is_visible()
    page.get_by_label("反馈类型").select_option("final")
    page.get_by_label("反馈内容").fill(ANSWER)
    page.get_by_role("button", name="报送反馈").click()
    assert page.get_by_text("反馈已报送。").is_visible()
    assert page.locator("#matter-state").inner_text().strip() == "待审核办结"
    assert page.locator("#matter-feedbacks").get_by_text("不计为有效反馈").count() == 0

    log_in(page, "office")
    page.goto(f"/supervision/matters/{matter.pk}/")
    page.get_by_role("button", name="办结", exact=True).click()
    assert page.get_by_text("已办结，等待交办领导销号。").is_visible()

    log_in(page, "leader")
    page.goto(f"/supervision/matters/{matter.pk}/")
    page.get_by_role("button", name="销号", exact=True).click()
    assert page.get_by_text("已销号。").is_visible()
    assert page.locator("#matter-state").inner_text().strip() == "已销号"
    assert page.locator("#matter-light").inner_text().strip() == "已销号"
    assert page.locator("#matter-timeline").get_by_text("西湖镇").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "matter_page.png"), full_page=True)

    page.goto("/supervision/matters/")
    row = page.locator("#matter-rows tr", has_text=matter.title)
    assert row.get_by_text("已销号").first.is_visible()
    page.screenshot(path=str(artifacts_dir / "matter_list.png"), full_page=True)
    matter.refresh_from_db()
    assert matter.state == MatterState.CLOSED
