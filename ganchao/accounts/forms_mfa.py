"""The one field every second-factor form asks for: a code from the authenticator."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态验证码"),
        max_length=32,
        help_text=_(
            "打开手机上的身份验证器，输入显示的 6 位数字；手机不在身边时，可输入一个恢复码"
        ),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )


class EnrolCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("扫码添加后，输入验证器上显示的 6 位数字，完成绑定")
        self.fields["code"].widget.attrs["autofocus"] = False
