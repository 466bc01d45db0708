from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import (
    PERSON_PLACEHOLDER,
    UNIT_SEARCH_URL,
    PickerSelect,
    PickerTextInput,
)
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, Unit, UnitCategory


class UnitChoiceField(forms.CharField):
    """A unit given by its code (the page offers a searchable list of codes)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        unit = Unit.objects.filter(code=value.strip()).first()
        if unit is None:
            raise forms.ValidationError(_("找不到编码为“%(code)s”的单位") % {"code": value})
        return unit


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    code = forms.CharField(
        label=_("单位编码"), max_length=64, required=False, help_text=_("留空则自动生成")
    )
    type = forms.ChoiceField(label=_("单位类型"), choices=UnitType.choices)
    parent = UnitChoiceField(
        label=_("上级单位编码"),
        required=False,
        widget=PickerTextInput(search_url=UNIT_SEARCH_URL),
    )
    category = forms.ModelChoiceField(
        label=_("单位类别"),
        queryset=UnitCategory.objects.all(),
        required=False,
        empty_label=_("（无）"),
    )
    aliases = forms.CharField(
        label=_("简称"), required=False, help_text=_("多个简称用顿号或逗号分隔")
    )
    sort_order = forms.IntegerField(label=_("排序"), initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_aliases(self):
        import re

        return [
            part.strip()
            for part in re.split(r"[、，,；;\n]", self.cleaned_data["aliases"])
            if part.strip()
        ]


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    unit = UnitChoiceField(
        label=_("所在单位编码"), widget=PickerTextInput(search_url=UNIT_SEARCH_URL)
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    leader = forms.ModelChoiceField(
        label=_("对应市级领导"),
        queryset=Leader.objects.filter(active=True),
        required=False,
        empty_label=_("（不是市级领导）"),
        widget=PickerSelect(placeholder=PERSON_PLACEHOLDER),
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("用户首次登录后须修改"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UserEditForm(UserForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("username", "roles", "password"):
            del self.fields[name]


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("临时密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("用户下次登录时须修改"),
    )


class ResetRequestForm(forms.Form):
    """Asking to reset an administrator's password: another administrator must approve."""

    new_password = forms.CharField(
        label=_("临时密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("经另一名管理员批准后生效，用户下次登录时须修改"),
    )
    reason = forms.CharField(
        label=_("申请原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：本人遗忘密码，已当面核实身份"),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


class LeaderForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    principal = forms.BooleanField(
        label=_("主要领导"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("市长、市委书记等主要领导可查看全市的目标任务，驾驶舱默认显示全市"),
    )
    sort_order = forms.IntegerField(label=_("排序"), initial=0)


class LeaderAreaForm(forms.Form):
    units = forms.CharField(
        label=_("分管单位编码"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("每行或用顿号分隔一个单位编码；留空表示不再分管任何单位"),
    )
    on = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_units(self):
        import re

        codes = [
            c.strip() for c in re.split(r"[、，,；;\s]+", self.cleaned_data["units"]) if c.strip()
        ]
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("找不到这些单位编码：%(codes)s") % {"codes": "、".join(missing)}
            )
        return [found[c] for c in dict.fromkeys(codes)]
