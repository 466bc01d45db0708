"""The benchmark register's form (对标一流). It parses what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.assessment.benchmarks import indicator_choices


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return f"{item.plan.year}年 · {item.code} {item.name}"


class BenchmarkForm(forms.Form):
    item = IndicatorChoiceField(
        label=_("指标"),
        queryset=indicator_choices(),
        empty_label=_("请选择已下达计划中的指标"),
        error_messages={"required": _("请选择指标")},
    )
    region = forms.CharField(
        label=_("标杆地区"), max_length=100, help_text=_("如：苏州市、浙江省最好水平、全国前列")
    )
    value = forms.CharField(
        label=_("标杆值"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control num"}),
        help_text=_("与该指标的计量单位一致；累计值指标填全年数。"),
    )
    year = forms.IntegerField(label=_("年份"), min_value=1949, max_value=2100)
    source = forms.CharField(label=_("数据来源"), max_length=200)
    definition = forms.CharField(
        label=_("口径说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["item"]
