"""The layout's parts that are the same on every page: rendered once per process and language."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
        found = self.rendered.get(key)
        if found is None:
            # Without the page's variables: what is written here cannot depend on them.
            found = self.nodelist.render(context.new())
            self.rendered[key] = found
        return found


@register.tag
def fixed(parser, token):
    """`{% fixed %}…{% endfixed %}`: markup that depends only on the language, the URL prefix
    and settings (static files, translated labels, reversed addresses), never on the page, the
    user or the request, rendered the first time and then served as it was. It sees none of
    the page's variables."""
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)
