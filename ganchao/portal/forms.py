"""The public comment form: body, optional name and contact, and a honeypot field."""

from django import forms
from django.utils.translation import pgettext_lazy

from ganchao.portal.services import AUTHOR_MAX, BODY_MAX, CONTACT_MAX

# A field people never see (hidden by the stylesheet, skipped by keyboard and screen
# readers); a robot that fills every field fills this one and its comment is dropped.
HONEYPOT = "website"


class PublicCommentForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("public portal", "意见内容"),
        max_length=BODY_MAX,
        widget=forms.Textarea(
            attrs={"rows": 6, "class": "form-control", "aria-describedby": "id_body-hint"}
        ),
        help_text=pgettext_lazy("public portal", "必填，最多 2000 字。经审核后公开。"),
        error_messages={
            "required": pgettext_lazy("public portal", "请填写意见内容"),
            "max_length": pgettext_lazy("public portal", "意见内容最多 2000 字"),
        },
    )
    author = forms.CharField(
        label=pgettext_lazy("public portal", "姓名或称呼（选填）"),
        max_length=AUTHOR_MAX,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "name",
                "aria-describedby": "id_author-hint",
            }
        ),
        help_text=pgettext_lazy("public portal", "不对外公开"),
    )
    contact = forms.CharField(
        label=pgettext_lazy("public portal", "联系方式（选填）"),
        max_length=CONTACT_MAX,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "tel",
                "aria-describedby": "id_contact-hint",
            }
        ),
        help_text=pgettext_lazy("public portal", "不对外公开，仅用于必要时联系您"),
    )
    website = forms.CharField(
        label=pgettext_lazy("public portal", "请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT))
