"""The scorecard chart's series names come from the template, translated (not from the JS)."""

import pytest

from ganchao.web.tests.test_i18n import _compiled_catalogs  # noqa: F401 (compiles the .mo)

pytestmark = pytest.mark.django_db


def test_the_scorecard_chart_labels_follow_the_language(ecity, login, settings):
    ecity.receive()
    client = login(ecity.office)
    html = client.get("/enterprises/scorecard/").content.decode()
    assert 'data-label-acknowledged="按时响应"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/enterprises/scorecard/").content.decode()
    assert 'data-label-acknowledged="Acknowledged on time"' in html
    assert 'data-label-planned="Plan made on time"' in html
    assert 'data-label-resolved="Resolved on time"' in html
