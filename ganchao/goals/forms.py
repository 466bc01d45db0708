"""Forms of the write side of 盯着干. They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.goals.choices import AdjustmentField
from ganchao.goals.evidence import ACCEPTED_TEXT, MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    """A period's report: value (indicators), milestone completions (tasks), narrative, files."""

    value = forms.CharField(label=_("本期数值"), required=False, max_length=40)
    narrative = forms.CharField(
        label=_("进展说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可上传 %(types)s，每个文件不超过 20 MB，可一次选择多个文件")
        % {"types": ACCEPTED_TEXT},
    )
    reason = forms.CharField(label=_("更正原因"), required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, milestones=(), show_value=True, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        if not show_value:
            del self.fields["value"]
        if not correcting:
            del self.fields["reason"]
        for milestone in self.milestones:
            self.fields[f"done_{milestone.pk}"] = forms.BooleanField(
                label=f"{milestone.due_date:%Y-%m-%d}：{milestone.description}", required=False
            )
            self.fields[f"date_{milestone.pk}"] = forms.DateField(
                label=_("完成日期"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def clean(self):
        data = super().clean()
        for milestone in self.milestones:
            if data.get(f"done_{milestone.pk}") and not data.get(f"date_{milestone.pk}"):
                self.add_error(f"date_{milestone.pk}", _("请填写该节点的完成日期"))
        return data

    def completions(self) -> dict:
        data = self.cleaned_data
        return {m.pk: data[f"date_{m.pk}"] for m in self.milestones if data.get(f"done_{m.pk}")}

    def milestone_rows(self) -> list[dict]:
        return [
            {"milestone": m, "done": self[f"done_{m.pk}"], "date": self[f"date_{m.pk}"]}
            for m in self.milestones
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdjustmentRequestForm(forms.Form):
    field = forms.ChoiceField(label=_("调整内容"), choices=AdjustmentField.choices)
    milestone = forms.TypedChoiceField(
        label=_("节点"), required=False, coerce=int, empty_value=None
    )
    new_value = forms.CharField(label=_("调整后的数值"), required=False, max_length=40)
    new_date = forms.DateField(
        label=_("调整后的节点时间"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, milestones=(), fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", _("（不涉及节点）"))] + [
            (m.pk, f"{m.due_date:%Y-%m-%d}：{m.description}") for m in milestones
        ]
        if fields is not None:
            self.fields["field"].choices = [c for c in AdjustmentField.choices if c[0] in fields]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), required=False, max_length=200)
    report_due_working_days = forms.IntegerField(
        label=_("报送期限（期末后第几个工作日）"), min_value=1, max_value=30, initial=5
    )
