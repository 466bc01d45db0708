from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = "；".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌用途"), max_length=100, required=False)


class SecurityPolicyForm(forms.Form):
    """Every field of the security policy, with the version read before editing."""

    stale_account_days = forms.IntegerField(
        label=_("长期未登录停用天数"),
        min_value=30,
        max_value=3650,
        help_text=_("超过该天数未登录的账号由定时任务自动停用（30 至 3650）"),
    )
    token_days = forms.IntegerField(
        label=_("接口令牌有效天数"),
        min_value=1,
        max_value=365,
        help_text=_("新建接口令牌的有效期（1 至 365 天）；已签发的令牌不受影响"),
    )
    mfa_roles = forms.MultipleChoiceField(
        label=_("须启用双因素认证的角色"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("持有这些角色之一的账号登录网页和申请接口令牌时，须输入动态验证码"),
    )
    address_failure_limit = forms.IntegerField(
        label=_("同一地址登录失败上限"),
        min_value=5,
        max_value=10_000,
        help_text=_("同一来源地址在统计时段内登录失败达到该次数后，暂停该地址的登录（5 至 10000）"),
    )
    address_window_minutes = forms.IntegerField(
        label=_("地址失败统计时段（分钟）"),
        min_value=1,
        max_value=1440,
        help_text=_("1 至 1440 分钟"),
    )
    log_retention_days = forms.IntegerField(
        label=_("日志保留天数"),
        min_value=1,
        max_value=36_500,
        help_text=_("法定最少六个月；设得更短时系统仍按六个月保留"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        from ganchao.orgs.choices import Role

        super().__init__(*args, **kwargs)
        self.fields["mfa_roles"].choices = Role.choices
