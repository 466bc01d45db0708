"""Forms of the enforcement directory pages. They check the input's shape; the services decide
(uniqueness, scope, B1)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import PERSON_PLACEHOLDER, PickerSelect
from ganchao.enforcement.choices import AVPolicy, MatterCategory, MatterState
from ganchao.enforcement.models import (
    Agency,
    EnforcementMatter,
    EnforcementSettings,
    Officer,
)
from ganchao.enforcement.services import directory as services
from ganchao.orgs.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["unit", *services.AGENCY_FIELDS]
        widgets = {"unit": PickerSelect(), "basis": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("path")


class AgencyEditForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = [*services.AGENCY_FIELDS, "active"]
        widgets = {"basis": TEXTAREA}


OFFICER_FIELDS = [
    "name",
    "certificate_no",
    "certificate_expires",
    "covers_all_matters",
    "matters",
    "is_reviewer",
    "legal_qualification",
    "grandfathered",
    "user",
]


class OfficerForm(forms.Form):
    """A plain form built from the model's fields: the service checks the certificate number
    and the account (a ModelForm would report the database constraint in its own words)."""

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Officer,
                fields=OFFICER_FIELDS,
                widgets={
                    "certificate_expires": DATE,
                    "matters": forms.CheckboxSelectMultiple,
                    "user": PickerSelect(placeholder=PERSON_PLACEHOLDER),
                },
                help_texts={
                    "certificate_no": _("执法人员必填；仅从事法制审核的人员可不填"),
                    "matters": _("只能选择本执法主体的事项；勾选“覆盖本主体全部事项”时可不选"),
                    "grandfathered": _(
                        "初次从事行政处罚决定法制审核的人员须具有法律职业资格（B10）"
                    ),
                },
            )
        )
        self.fields["matters"].queryset = EnforcementMatter.objects.filter(
            agency=agency, state__in=(MatterState.PUBLISHED, MatterState.DRAFT)
        ).order_by("code", "-number")
        self.fields["matters"].label_from_instance = _matter_label
        users = get_user_model().objects.filter(is_active=True).select_related("unit")
        self.fields["user"].queryset = users.order_by("username")
        self.fields["user"].label_from_instance = _user_label


def _matter_label(matter) -> str:
    return f"{matter.code} {matter.name}（第{matter.number}版）"


def _user_label(user) -> str:
    return f"{user.full_name or user.username}（{user.username}）"


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("离岗原因"), max_length=500, required=False)


MATTER_WIDGETS = dict.fromkeys(
    ("legal_basis", "procedure", "flowchart", "conditions", "remedy", "discretion_standard"),
    TEXTAREA,
)


class MatterForm(forms.ModelForm):
    class Meta:
        model = EnforcementMatter
        fields = ["code", *services.MATTER_FIELDS]
        widgets = MATTER_WIDGETS
        help_texts = {
            "flowchart": _("用“→”连接各步骤，例如：立案→调查取证→审核→告知→决定→送达→执行→结案"),
            "discretion_link": _("裁量基准公开页面的链接，以 http://、https:// 或 / 开头"),
        }

    def validate_unique(self):
        """The service checks the code within the agency (the form has no agency)."""


class MatterEditForm(MatterForm):
    class Meta(MatterForm.Meta):
        fields = list(services.MATTER_FIELDS)


class ReviseForm(MatterEditForm):
    change_note = forms.CharField(
        label=_("修订说明"),
        widget=TEXTAREA,
        help_text=_("说明修改了什么、依据哪项法律法规或职能的变化（公开）"),
    )

    class Meta(MatterEditForm.Meta):
        fields = ["change_note", *services.MATTER_FIELDS]


class RepealForm(forms.Form):
    reason = forms.CharField(label=_("停用理由"), max_length=500)


class MatterFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("执法主体"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("全部"),
    )
    category = forms.ChoiceField(
        label=_("执法类别"),
        choices=[("", _("全部"))] + list(MatterCategory.choices),
        required=False,
    )
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(MatterState.choices), required=False
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EnforcementSettings
        fields = list(services.SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in services.SETTINGS_RANGES.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high})
            field.help_text = _("可设为%(low)d至%(high)d") % {"low": low, "high": high}
        for name in services.MONEY_FIELDS:
            self.fields[name].validators += [MinValueValidator(1)]
            self.fields[name].widget.attrs.update({"min": 1})


def av_policy_form_class(rows):
    """One select per action kind: the default or an override (B7)."""
    fields = {}
    for row in rows:
        default_label = _("默认：%(label)s") % {"label": row.default_label}
        choices = [("", default_label)] + [
            (value, label) for value, label in AVPolicy.choices if value != row.default
        ]
        fields[row.kind] = forms.ChoiceField(label=row.label, choices=choices, required=False)
    return type("AVPolicyForm", (forms.Form,), fields)
