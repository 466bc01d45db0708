"""Forms of the 量力而行 pages; the services validate amounts and the rule, naming the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common.forms import NonBlankCharField
from ganchao.fiscal.choices import CommitmentKind


class CapacityForm(forms.Form):
    amount = forms.CharField(label=_("可用财力（万元）"), max_length=30)
    basis = forms.CharField(
        label=_("测算依据"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：年初预算安排、上级转移支付、可统筹的存量资金"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommitmentForm(forms.Form):
    title = NonBlankCharField(label=_("事项名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=CommitmentKind.choices)
    amount = forms.CharField(label=_("承诺金额（万元）"), max_length=30)
    budget_year = forms.IntegerField(
        label=_("资金所属预算年度"),
        min_value=2000,
        max_value=2100,
        help_text=_("晚于支出年度即占用以后年度预算，须说明理由并经批准"),
    )
    reason = forms.CharField(
        label=_("超出理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "承诺后超出可用财力、本年度未核定财力或占用以后年度预算时必填，须经督查室或市级领导批准"
        ),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
