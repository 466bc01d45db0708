"""The 量力而行 overview in English (the catalog compiled as the i18n tests do)."""

import pytest

from ganchao.fiscal.services import capacity_set, commitment_create
from ganchao.web.tests.test_i18n import _compiled_catalogs  # noqa: F401 (compiles the .mo)

pytestmark = pytest.mark.django_db


def test_the_overview_reads_in_english_with_the_cookie(city, login, settings):
    capacity_set(actor=city.office, unit=city.town_a, year=2026, amount="100")
    commitment_create(
        actor=city.office, unit=city.town_a, year=2026, amount="150", title="村道",
        kind="other", reason="防汛应急",
    )  # fmt: skip
    client = login(city.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/fiscal/?year=2026").content.decode()
    assert "Fiscal capacity 2026" in html and "0 units beyond capacity" in html
    assert "Pending approval" in html and "150.00 10,000 yuan" in html
