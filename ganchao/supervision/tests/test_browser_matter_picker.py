"""Real browser: the office writes a matter with the type-ahead pickers — the leader by name,
the lead unit by its code, a co-handling unit by part of its name — and the matter carries
them. Screenshots of the form with an open picker at 1366 and 390 pixels."""

import pytest

from ganchao.conftest import log_in_page, make_unit
from ganchao.orgs.choices import UnitType
from ganchao.supervision.models import Matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACEHOLDER = "输入单位名称、简称或编码搜索"


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def type_into(page, field: str, typed: str, first: str):
    """Type into a picker and wait until the list, filtered, starts with `first`."""
    control = page.locator(f"#id_{field}-ts-control")
    control.click()
    control.fill(typed)
    page.wait_for_function(
        """([field, first]) => {
            const o = document.querySelector(`#id_${field}-ts-dropdown .option`);
            return o !== null && o.textContent.includes(first);
        }""",
        arg=[field, first],
        timeout=30000,  # the server search of a loaded machine
    )
    return page.locator(f"#id_{field}-ts-dropdown .option", has_text=first).first


def pick(page, field: str, typed: str, choice: str):
    """Choose the first match with the keyboard, as an official typing would."""
    type_into(page, field, typed, choice)
    page.locator(f"#id_{field}-ts-control").press("Enter")
    page.locator(f"#id_{field}-ts-dropdown").wait_for(state="hidden")


def test_office_writes_a_matter_with_the_pickers(page, city, artifacts_dir):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "office")
    page.goto("/supervision/matters/new/")
    assert page.locator("#id_lead_unit-ts-control").get_attribute("placeholder") == PLACEHOLDER
    page.get_by_label("来源").select_option("instruction")
    page.get_by_label("标题", exact=True).fill("城区停车难问题")
    page.get_by_label("批示或交办内容", exact=True).fill("请研究增加停车泊位，按期反馈。")
    pick(page, "lead_unit", "C003", "市统计局")  # by its code
    page.get_by_label("牵头单位责任人", exact=True).fill("刘科长")
    village = type_into(page, "coop_unit_1", "李庄", "李庄村")
    assert page.locator("#id_coop_unit_1-ts-dropdown .option").count() == 1
    page.screenshot(path=str(artifacts_dir / "matter_form_picker_1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "matter_form_picker_390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert village.is_visible()
    page.locator("#id_coop_unit_1-ts-control").press("Enter")
    page.get_by_label("协办单位（1）责任人", exact=True).fill("李书记")
    pick(page, "leader", "周明", "周明远")
    page.get_by_role("button", name="交办").click()
    page.wait_for_url("**/supervision/matters/*/")
    matter = Matter.objects.get()
    assert matter.leader == city.leader and matter.lead_unit == city.stats
    assert set(matter.hops.values_list("to_unit__name", flat=True)) == {"市统计局", "李庄村"}
    assert page.locator("#matter-leader").inner_text().strip() == "周明远（副市长）"
    assert page.locator("#matter-light").inner_text().strip() == "正常"
    assert errors == []


def test_a_unit_is_found_by_its_简称(page, city):
    """Officials type 住建 for 市住房和城乡建设局: the options' 简称 (data-data) are searched."""
    make_unit(
        "市住房和城乡建设局", UnitType.DEPARTMENT, city.root, code="C077", aliases=["市住建局"]
    )
    log_in(page, "office")
    page.goto("/supervision/matters/new/")
    option = type_into(page, "lead_unit", "住建", "市住房和城乡建设局")
    assert option.is_visible()
    leader = type_into(page, "leader", "周明", "周明远")
    assert leader.inner_text().strip() == "周明远（副市长）"  # the title once, not twice
