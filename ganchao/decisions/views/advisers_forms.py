"""Forms of the adviser register and consultation pages. They parse what was typed (a unit by
code or name, a linked account by user name, dates); services.advisers decides the rules."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import UNIT_SEARCH_URL, PickerTextInput
from ganchao.decisions.choices import AdviserAdoption, AdviserConclusion, AdviserKind
from ganchao.orgs.models import User
from ganchao.orgs.references import Unresolved, resolve_unit


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class UnitField(forms.CharField):
    """A unit by its code, a unique name or alias, or a path such as 西湖镇/李庄村."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("填写单位编码或单位名称"))
        kwargs.setdefault("widget", PickerTextInput(search_url=UNIT_SEARCH_URL))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return resolve_unit(text)
        except Unresolved as error:
            raise forms.ValidationError(error.message) from None


class RequiredLabelsMixin:
    def _required_messages(self):
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}


class LegalAdviserForm(RequiredLabelsMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("类别"), choices=AdviserKind.choices)
    appointing_unit = UnitField(label=_("聘任单位"))
    organisation = forms.CharField(
        label=_("执业机构或所在单位"),
        max_length=200,
        help_text=_("律师事务所、高校或公职律师所在单位"),
    )
    qualification = forms.CharField(
        label=_("法律职业资格或执业证号"),
        max_length=100,
        help_text=_("法律职业资格证书编号，或律师（公职律师）执业证号"),
    )
    term_start = forms.DateField(label=_("聘期开始"), widget=date_input())
    term_end = forms.DateField(label=_("聘期结束"), widget=date_input())
    conflicts = forms.CharField(
        label=_("利益冲突申报"),
        required=False,
        max_length=5000,
        widget=textarea(),
        help_text=_("代理与本级政府或其部门有利害关系的案件、兼职等情况；没有则留空"),
    )
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    username = forms.CharField(
        label=_("关联账号（用户名）"),
        required=False,
        max_length=150,
        help_text=_("具有“法律顾问”角色的账号，关联后本人可登记咨询意见；可不填"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._required_messages()

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("找不到用户名“%(u)s”") % {"u": name})
        return user

    @staticmethod
    def initial_of(adviser) -> dict:
        return {
            "name": adviser.name,
            "kind": adviser.kind,
            "appointing_unit": adviser.appointing_unit.code,
            "organisation": adviser.organisation,
            "qualification": adviser.qualification,
            "term_start": adviser.term_start,
            "term_end": adviser.term_end,
            "conflicts": adviser.conflicts,
            "phone": adviser.phone,
            "username": adviser.user.username if adviser.user_id else "",
        }

    def values(self) -> dict:
        """The service's keyword arguments."""
        data = dict(self.cleaned_data)
        data["user"] = data.pop("username")
        return data


class AdviserEndForm(forms.Form):
    reason = forms.CharField(
        label=_("解聘理由"),
        max_length=5000,
        widget=textarea(2),
        error_messages={"required": _("请填写解聘理由")},
    )


class AdviserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s（%(kind)s，%(org)s，聘期至%(end)s）") % {
            "name": obj.name,
            "kind": obj.get_kind_display(),
            "org": obj.organisation,
            "end": date_format(obj.term_end, "DATE_FORMAT"),
        }


class ConsultationForm(RequiredLabelsMixin, forms.Form):
    unit = UnitField(label=_("咨询单位"))
    adviser = AdviserChoiceField(label=_("法律顾问或公职律师"), queryset=None)
    consulted_on = forms.DateField(label=_("咨询日期"), widget=date_input())
    subject = forms.CharField(label=_("咨询事项"), max_length=200)
    question = forms.CharField(
        label=_("咨询内容"), required=False, max_length=5000, widget=textarea()
    )
    opinion = forms.CharField(label=_("法律意见"), max_length=5000, widget=textarea(5))
    conclusion = forms.ChoiceField(
        label=_("意见结论"), choices=AdviserConclusion.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("法律意见书（可选）"),
        required=False,
        help_text=_("关联重大行政决策时可上传签字的意见书，PDF 或图片"),
    )
    decision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    legality_review = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, advisers, with_file: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers
        if not with_file:
            del self.fields["file"]
        self._required_messages()
        self.fields["adviser"].error_messages["invalid_choice"] = _("请从列表中选择在聘的法律顾问")


class AdoptionForm(forms.Form):
    adoption = forms.ChoiceField(
        label=_("采纳情况"),
        choices=[(v, label) for v, label in AdviserAdoption.choices if v != "pending"],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择采纳情况")},
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=5000,
        widget=textarea(2),
        help_text=_("部分采纳或未采纳的，须书面说明理由，随记录保存"),
    )
