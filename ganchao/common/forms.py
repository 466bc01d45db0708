"""Bridging service errors into Django forms, and the rule that required text shows something."""

from django import forms
from django.utils.translation import gettext as _

from ganchao.common.api import is_blank
from ganchao.common.errors import GanchaoError


def apply_error(form, error: GanchaoError) -> None:
    """Attach a service error to the named fields of a form (or to the form as a whole)."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for item in error.errors:
        field = item.field if item.field in form.fields else None
        form.add_error(field, item.message)


def reject_blank(value: str) -> None:
    """The forms' twin of the API's NonBlankStr: a text made only of whitespace and invisible
    characters (U+200B, U+3000, U+FEFF …) is refused, naming the field through the form."""
    if value and is_blank(value):
        raise forms.ValidationError(_("不能只包含空白或不可见字符"), code="blank_text")


class NonBlankCharField(forms.CharField):
    """A required text (a reason, a name, a title) that must show something."""

    default_validators = [reject_blank]

    def to_python(self, value):
        text = super().to_python(value)
        # Django's strip() keeps zero-width characters: "\u200b" would pass as filled in.
        if self.required and text and is_blank(text):
            raise forms.ValidationError(_("不能只包含空白或不可见字符"), code="blank_text")
        return text
