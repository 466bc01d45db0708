"""{% fixed %} (web.templatetags.layout): the layout's fixed parts are rendered once per
language and never show a page's variables."""

from django.template import engines
from django.utils import translation


def render(text: str, context: dict) -> str:
    return engines["django"].from_string(text).render(context)


def test_fixed_parts_follow_the_language_of_each_page():
    text = '{% load i18n layout %}{% fixed %}{% trans "我的账号" %}{% endfixed %}'
    template = engines["django"].from_string(text)
    with translation.override("zh-hans"):
        assert template.render({}) == "我的账号"
    with translation.override("en"):
        english = template.render({})
    with translation.override("zh-hans"):
        assert template.render({}) == "我的账号"
    assert english != "我的账号"


def test_fixed_parts_do_not_see_the_pages_variables():
    text = "{% load layout %}{% fixed %}[{{ secret }}]{% endfixed %}{{ secret }}"
    assert render(text, {"secret": "a"}) == "[]a"
