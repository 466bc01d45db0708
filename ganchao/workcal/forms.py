"""Forms on the calendar page: an override, a year's schedule, and the two calculators."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common.errors import ValidationFailed
from ganchao.workcal.parsing import parse_date_lines

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    is_working_day = forms.TypedChoiceField(
        label=_("当天"),
        choices=[("1", _("上班（调整为工作日）")), ("0", _("休息（调整为休息日）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=100,
        required=False,
        help_text=_("如：因防汛工作安排周六上班；最多 100 个字"),
    )


class DateLinesField(forms.CharField):
    """A textarea of dates or ranges, one a line, read by ganchao.workcal.parsing."""

    widget = forms.Textarea(attrs={"rows": 8, "class": "font-monospace"})

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_date_lines(text or "", field="lines", label=str(self.label))
        except ValidationFailed as exc:
            raise forms.ValidationError([error.message for error in exc.errors]) from exc


class YearScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), widget=forms.HiddenInput)
    holidays = DateLinesField(
        label=_("放假日期"),
        help_text=_(
            "每行一个日期或一段日期，可在后面写节日名称，例如：2027-02-06~2027-02-13 春节。"
            "含放假期间的周六、周日。"
        ),
    )
    makeup_days = DateLinesField(
        label=_("调休上班日期"),
        required=False,
        help_text=_("需要上班的周六、周日，每行一个，例如：2027-02-20 春节"),
    )
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )


class AddDaysForm(forms.Form):
    start = forms.DateField(label=_("起算日期"), widget=DateInput())
    days = forms.IntegerField(
        label=_("工作日数"),
        min_value=-1000,
        max_value=1000,
        help_text=_("填负数则往前推算"),
    )


class WorkingTimeForm(forms.Form):
    start = forms.DateTimeField(
        label=_("开始时间"), input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
    end = forms.DateTimeField(
        label=_("结束时间"), input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
