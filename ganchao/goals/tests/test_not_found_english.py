"""The goals' not-found message (reused by key projects) is read in the reader's language."""

import pytest
from django.utils import translation

from ganchao.common.errors import NotFound
from ganchao.goals import selectors
from ganchao.web.tests.test_i18n import _compiled_catalogs  # noqa: F401 (compiles the .mo)

pytestmark = pytest.mark.django_db


def test_a_missing_item_is_named_in_english_for_an_english_reader(city):
    with pytest.raises(NotFound) as refused:
        selectors.item_get(city.office, 999_999)
    assert str(refused.value) == "内容不存在或不在您的查看范围内"
    with translation.override("en"):
        assert str(refused.value) == "Not found, or outside what you can view"
