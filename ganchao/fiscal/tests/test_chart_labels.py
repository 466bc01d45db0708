"""The overview chart's unit of money comes from the template, translated (not from the JS)."""

import pytest

from ganchao.fiscal.services import capacity_set
from ganchao.web.tests.test_i18n import _compiled_catalogs  # noqa: F401 (compiles the .mo)

pytestmark = pytest.mark.django_db


def test_the_chart_unit_follows_the_language(city, login, settings):
    capacity_set(actor=city.office, unit=city.town_a, year=2026, amount="100")
    client = login(city.office)
    assert 'data-unit="万元"' in client.get("/fiscal/?year=2026").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/fiscal/?year=2026").content.decode()
    assert 'data-unit="10,000 yuan"' in html
