"""Forms of the visit pages and the burden meter. They parse what was typed (units by code or
name, participants by user name, dates); the services decide the rules."""

import re

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import (
    PERSON_PLACEHOLDER,
    UNIT_SEARCH_URL,
    PickerSelect,
    PickerTextInput,
)
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, User
from ganchao.orgs.references import UnitResolver, Unresolved, resolve_unit
from ganchao.orgs.scoping import scope_of
from ganchao.visits.choices import PlaceKind, RequestKind, Severity, VisitKind

NAME_SEPARATORS = re.compile(r"[,，、;；\s]+")


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UnitField(forms.CharField):
    """A unit by its code, a unique name or alias, or a path such as 西湖镇/李庄村."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("填写单位编码、单位名称或“上级单位/本单位”"))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return resolve_unit(text)
        except Unresolved as error:
            raise forms.ValidationError(error.message) from None


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=VisitKind.choices)
    leader = forms.ModelChoiceField(
        label=_("带队市级领导"),
        queryset=Leader.objects.none(),
        required=False,
        widget=PickerSelect(placeholder=PERSON_PLACEHOLDER),
    )
    participants = forms.CharField(
        label=_("参加人员"),
        required=False,
        max_length=1000,
        help_text=_("填写用户名或姓名，多人用顿号或逗号分隔"),
    )
    unit = UnitField(label=_("走访单位"), widget=PickerTextInput(search_url=UNIT_SEARCH_URL))
    place_kind = forms.ChoiceField(label=_("地点类型"), choices=PlaceKind.choices)
    place_name = forms.CharField(
        label=_("地点名称"), max_length=200, help_text=_("如 李庄村村委会、某某项目施工现场")
    )
    visited_on = forms.DateField(label=_("日期"), widget=date_input())
    purpose = forms.CharField(
        label=_("调研督导事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = Leader.objects.filter(active=True)
        if not scope_of(actor).has(Role.OFFICE):
            leaders = leaders.filter(pk=actor.leader_id or 0)
            self.fields["leader"].initial = actor.leader_id
        self.fields["leader"].queryset = leaders
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}

    def clean_participants(self):
        names = [n for n in NAME_SEPARATORS.split(self.cleaned_data["participants"]) if n]
        if not names:
            return []
        users = list(
            User.objects.filter(Q(username__in=names) | Q(full_name__in=names), is_active=True)
        )
        known = {u.username for u in users} | {u.full_name for u in users}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise forms.ValidationError(
                _("找不到这些人员：%(names)s") % {"names": "、".join(unknown)}
            )
        return users


class FindingForm(forms.Form):
    description = forms.CharField(
        label=_("发现问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=Severity.choices, initial=Severity.MINOR
    )
    unit = UnitField(label=_("责任单位"), required=False, help_text=_("不填则为走访单位"))


class GuidanceForm(forms.Form):
    content = forms.CharField(
        label=_("指导事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DemandForm(forms.Form):
    content = forms.CharField(
        label=_("要求事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


FindingFormSet = formset_factory(FindingForm, extra=2, max_num=50, validate_max=True)
GuidanceFormSet = formset_factory(GuidanceForm, extra=2, max_num=50, validate_max=True)
DemandFormSet = formset_factory(DemandForm, extra=2, max_num=50, validate_max=True)


def filled_rows(formset) -> list[dict]:
    """The rows someone typed into (untouched blank rows are skipped)."""
    return [form.cleaned_data for form in formset if form.has_changed() and form.cleaned_data]


class BurdenRequestForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=RequestKind.choices)
    from_unit = UnitField(label=_("发出单位"), widget=PickerTextInput(search_url=UNIT_SEARCH_URL))
    to_units = forms.CharField(
        label=_("接收单位"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写镇、街道、园区、村或社区的编码或名称，多个用顿号或逗号分隔"),
    )
    sent_on = forms.DateField(label=_("发出日期"), widget=date_input())
    item_code = forms.CharField(
        label=_("关联目标任务编号"), max_length=64, required=False, help_text=_("可不填，如 1.2")
    )

    def clean_to_units(self):
        units, errors = [], []
        resolver = UnitResolver.from_database()
        for text in NAME_SEPARATORS.split(self.cleaned_data["to_units"]):
            if not text:
                continue
            try:
                units.append(resolve_unit(text, resolver))
            except Unresolved as error:
                errors.append(error.message)
        if errors:
            raise forms.ValidationError("；".join(errors))
        return units


class ThresholdForm(forms.Form):
    monthly_threshold = forms.IntegerField(
        label=_("每月警示阈值"),
        min_value=1,
        max_value=10000,
        help_text=_("一个基层单位一个月收到的通知、指示和报送要求超过此数时显示警示"),
    )
