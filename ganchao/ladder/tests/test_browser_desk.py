"""Real browser: the 督办台 at the office screen (1366) and a phone (390). Unit names, 文号 and
states stay on one line (a squeezed half-width table broke them one character per line), no
table widens the page, and screenshots are saved for a look."""

import pytest

from ganchao.conftest import log_in_page, make_unit
from ganchao.ladder.tests.helpers import red_assignments
from ganchao.ladder.tests.test_pages_api import populate
from ganchao.orgs.choices import UnitType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_LINE = """() => [...document.querySelectorAll('td.gc-name')].map(td => {
    const style = getComputedStyle(td);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const text = document.createRange();
    text.selectNodeContents(td);
    return [td.textContent.trim(), text.getBoundingClientRect().height <= line * 1.5];
})"""


def test_desk_keeps_names_on_one_line_at_1366_and_390(page, city, artifacts_dir):
    park = make_unit("江川高新技术产业开发区", UnitType.PARK, city.root, code="C301")
    _plan, leads = red_assignments(city, [city.town_a, park, city.village_a])
    populate(city, leads)
    log_in_page(page, "office")
    page.wait_for_url("**/")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 768})
        page.goto("/ladder/desk/")
        cells = page.evaluate(ONE_LINE)
        assert any(text == "江川高新技术产业开发区" for text, _ok in cells)
        assert [text for text, ok in cells if not ok] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".card .card").count() == 0  # each list its own card, none nested
        page.screenshot(path=str(artifacts_dir / f"ladder_desk_{width}.png"), full_page=True)
