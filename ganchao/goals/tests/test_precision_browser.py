"""Real browser: the office sets an indicator's 小数位数 on the item form and the item page shows
its figures to that many places. Screenshots of the form at 1366 and 390 px."""

from decimal import Decimal

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Assignment, Item
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_sets_the_precision_of_an_indicator(page, city, artifacts_dir):
    goal_sheet_import(actor=None, data=goal_sheet(basic_rows()), year=2026)
    item = Item.objects.get(code="1.1")  # 新增城镇就业, 人: whole numbers by default
    Assignment.objects.filter(item=item).update(expected=Decimal("4153.8462"))
    log_in_page(page, "office")
    page.wait_for_url("**/")
    page.goto(f"/goals/items/{item.pk}/")
    assert "4,154" in page.locator("body").inner_text()
    assert "保留 0 位小数" in page.locator("body").inner_text()
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/goals/items/{item.pk}/edit/")
        field = page.get_by_label("小数位数")
        field.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts_dir / f"item-form-precision-{width}.png"))
    page.get_by_label("小数位数").fill("1")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/goals/items/{item.pk}/")
    assert "12,000.0" in page.locator("body").inner_text()  # the target, to one place
    item.refresh_from_db()
    assert item.decimal_places == 1
