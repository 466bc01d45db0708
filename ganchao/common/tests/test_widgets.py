"""The picker widgets render a working plain control (every choice in the page, or a text box)
marked for the type-ahead script, with what it searches besides the label."""

import json
import re
from html import unescape

import pytest
from django import forms

from ganchao.common.widgets import PickerSelect, PickerTextInput
from ganchao.orgs.models import Unit

pytestmark = pytest.mark.django_db


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.order_by("path"), widget=PickerSelect(search_url="/api/v1/units")
    )
    code = forms.CharField(widget=PickerTextInput(search_url="/api/v1/units?active=true"))


def test_select_keeps_every_choice_and_carries_code_and_aliases(city):
    html = str(UnitForm()["unit"])
    assert 'data-picker="1"' in html
    assert 'data-placeholder="输入单位名称、简称或编码搜索"' in html
    assert 'data-search-url="/api/v1/units"' in html
    options = re.findall(r'<option value="(\d+)"([^>]*)>([^<]*)<', html)
    assert len(options) == Unit.objects.count()  # works as a plain select without JavaScript
    stats = next(attrs for _pk, attrs, label in options if label == "市统计局")
    data = json.loads(unescape(re.search(r'data-data="([^"]*)"', stats).group(1)))
    assert data == {"code": "C003", "aliases": "统计局"}


def test_text_box_picker_takes_a_code(city):
    html = str(UnitForm()["code"])
    assert html.startswith("<input") and 'type="text"' in html
    assert 'data-value-field="code"' in html and 'autocomplete="off"' in html
    form = UnitForm({"unit": city.stats.pk, "code": "C003"})
    assert form.is_valid() and form.cleaned_data["unit"] == city.stats
