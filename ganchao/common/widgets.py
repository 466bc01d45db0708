"""The type-ahead picker: a plain <select> that static/ganchao/picker.js turns into a searchable
box (tom-select, served from node_modules by common.staticfinder). Without JavaScript it stays
an ordinary select and the form works the same.

Each option carries what the box searches besides its label (a unit's 简称 and 编码, a person's
unit) in tom-select's `data-data` attribute; `search_url` adds a scoped JSON search for lists
too long to hold in the page (it must answer `{"items": [{"id", "name", ...}]}`, as the API's
lists do, and return nothing the field's queryset would refuse).
"""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

UNIT_PLACEHOLDER = _("输入单位名称、简称或编码搜索")
PERSON_PLACEHOLDER = _("输入姓名搜索")
UNIT_SEARCH_URL = "/api/v1/units?active=true"


def default_option_data(obj) -> dict:
    """What the box may match besides the label: `code`, `aliases`, `unit` when the object has
    them (units and people alike), as plain strings."""
    data = {}
    code = getattr(obj, "code", None)
    if code:
        data["code"] = str(code)
    aliases = getattr(obj, "aliases", None)
    if aliases:
        data["aliases"] = " ".join(str(a) for a in aliases)
    unit = getattr(obj, "unit", None) if hasattr(obj, "unit_id") else None
    if unit is not None:
        data["unit"] = str(getattr(unit, "name", unit))
    return data


class PickerMixin:
    def __init__(
        self, attrs=None, *, placeholder=UNIT_PLACEHOLDER, search_url="", option_data=None
    ):
        super().__init__(attrs)
        self.placeholder = placeholder
        self.search_url = search_url
        self.option_data = option_data or default_option_data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        extra = {
            "data-picker": "1",
            "data-placeholder": str(self.placeholder),
            "data-no-results": str(_("没有匹配的结果，请换个关键词")),
            "data-use-typed": str(_("按输入内容：")),
        }
        if self.search_url:
            extra["data-search-url"] = self.search_url
        context["widget"]["attrs"] = {**context["widget"]["attrs"], **extra}
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            data = self.option_data(instance)
            if data:
                option["attrs"]["data-data"] = json.dumps(data, ensure_ascii=False)
        return option


class PickerTextInput(forms.TextInput):
    """A text box for a unit given by code, name or path (西湖镇/李庄村) that the picker turns into
    a type-ahead box over `search_url`; the chosen unit's `value_field` (its code) is what the
    form receives, and anything typed is kept as typed. Without JavaScript: a plain text box."""

    def __init__(
        self, attrs=None, *, search_url: str, value_field="code", placeholder=UNIT_PLACEHOLDER
    ):
        super().__init__(attrs)
        self.search_url, self.value_field, self.placeholder = search_url, value_field, placeholder

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"] = {
            **context["widget"]["attrs"],
            "data-picker": "1",
            "data-search-url": self.search_url,
            "data-value-field": self.value_field,
            "data-placeholder": str(self.placeholder),
            "data-no-results": str(_("没有匹配的结果，请换个关键词")),
            "data-use-typed": str(_("按输入内容：")),
            "autocomplete": "off",
        }
        return context


class PickerSelect(PickerMixin, forms.Select):
    """One unit or person out of many."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several units or people out of many."""
