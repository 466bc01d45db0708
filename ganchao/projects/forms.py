"""Forms of the key-project pages; they only parse input, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common.forms import NonBlankCharField
from ganchao.common.widgets import PERSON_PLACEHOLDER, PickerSelect
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Plan
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Leader, Unit
from ganchao.projects.choices import Category, FundingSource, MilestoneKind, StepKind, StepState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
TOWN_TYPES = (UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DISTRICT)


class ProjectFactsForm(forms.Form):
    name = NonBlankCharField(label=_("项目名称"), max_length=500)
    leader = forms.ModelChoiceField(
        label=_("分管市领导"),
        queryset=Leader.objects.filter(active=True),
        widget=PickerSelect(placeholder=PERSON_PLACEHOLDER),
    )
    town = forms.ModelChoiceField(
        label=_("所在镇街"),
        queryset=Unit.objects.filter(type__in=TOWN_TYPES, active=True).order_by("path"),
        required=False,
        widget=PickerSelect(),
    )
    location = forms.CharField(label=_("建设地点"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("项目类别"), choices=Category.choices)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    total_investment = forms.DecimalField(label=_("总投资（万元）"), **MONEY)
    annual_plan = forms.DecimalField(label=_("年度计划投资（万元）"), **MONEY)
    content = forms.CharField(
        label=_("建设内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProjectCreateForm(ProjectFactsForm):
    plan = forms.ModelChoiceField(
        label=_("年度计划"), queryset=Plan.objects.exclude(state=PlanState.CLOSED)
    )
    parent_code = forms.CharField(
        label=_("归入目标（编号）"),
        max_length=64,
        help_text=_("项目作为该目标下的一项任务纳入目标体系，如“3”"),
    )
    code = forms.CharField(label=_("项目编号"), max_length=40)
    lead_unit = forms.ModelChoiceField(
        label=_("牵头单位"),
        queryset=Unit.objects.filter(active=True).order_by("path"),
        widget=PickerSelect(),
    )
    start_planned = forms.DateField(label=_("计划开工日期"), widget=DATE)
    completion_planned = forms.DateField(label=_("计划竣工日期"), widget=DATE)
    production_planned = forms.DateField(label=_("计划投产日期"), widget=DATE, required=False)
    step_approval = forms.DateField(label=_("立项计划办结日期"), widget=DATE, required=False)
    step_land = forms.DateField(label=_("用地计划办结日期"), widget=DATE, required=False)
    step_eia = forms.DateField(label=_("环评计划办结日期"), widget=DATE, required=False)
    step_permit = forms.DateField(label=_("施工许可计划办结日期"), widget=DATE, required=False)

    field_order = [
        "plan",
        "parent_code",
        "code",
        "name",
        "leader",
        "lead_unit",
        "town",
        "location",
        "category",
        "funding_source",
        "total_investment",
        "annual_plan",
        "start_planned",
        "completion_planned",
        "production_planned",
        "step_approval",
        "step_land",
        "step_eia",
        "step_permit",
        "content",
    ]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["steps"] = {kind: data.pop(f"step_{kind}") for kind in StepKind.values}
        return data


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("手续"), choices=StepKind.choices)
    state = forms.ChoiceField(label=_("办理状态"), choices=StepState.choices)
    planned_on = forms.DateField(label=_("计划办结日期"), widget=DATE, required=False)
    done_on = forms.DateField(label=_("实际办结日期"), widget=DATE, required=False)
    document_number = forms.CharField(label=_("批复文号"), max_length=100, required=False)
    reopen = forms.BooleanField(
        label=_("撤销办结登记"),
        required=False,
        help_text=_("仅在已办结的手续登记有误时勾选：办结日期和批复文号将被清除"),
    )

    def __init__(self, *args, steps=(), **kwargs):
        """`steps`: the project's steps as the page read them; each kind's version is sent back
        (`version_<kind>`) so that a step changed since is refused rather than overwritten."""
        super().__init__(*args, **kwargs)
        for kind in StepKind.values:
            self.fields[f"version_{kind}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0
            )
        for step in steps:
            self.fields[f"version_{step.kind}"].initial = step.version

    def version_of(self, kind: str) -> int | None:
        return self.cleaned_data.get(f"version_{kind}")


class InvestmentForm(forms.Form):
    month = forms.CharField(
        label=_("月份"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    planned = forms.DecimalField(label=_("计划投资（万元）"), required=False, **MONEY)
    actual = forms.DecimalField(label=_("完成投资（万元）"), required=False, **MONEY)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("节点"), choices=MilestoneKind.choices)
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE)


class CommitForm(forms.Form):
    """计入财力承诺: the sum is parsed by the fiscal service (its words for a bad sum)."""

    amount = forms.CharField(label=_("承诺金额（万元）"), max_length=30)
    budget_year = forms.IntegerField(
        label=_("资金所属预算年度"), min_value=2000, max_value=2100, required=False
    )
    reason = forms.CharField(
        label=_("超出理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "超出单位可用财力、该年度未核定财力或占用以后年度预算时必填，经督查室或市级领导批准后生效"
        ),
    )
