"""Forms of the pages after the decision (A14): they parse input; the rules are in
services.after."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import EvaluationTrigger, PublicationChannel, SuspensionReason
from ganchao.orgs.models import Unit

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = forms.TextInput(attrs={"class": "form-control"})
AREA = forms.Textarea(attrs={"class": "form-control", "rows": 3})
SELECT = forms.Select(attrs={"class": "form-select"})
FILE = forms.ClearableFileInput(attrs={"class": "form-control"})


def _units(decision):
    return Unit.objects.filter(path__startswith=decision.owner.path, active=True).order_by("path")


class PartyReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE)
    doc_number = forms.CharField(label=_("请示报告文号"), max_length=100, widget=TEXT)
    recipient = forms.CharField(
        label=_("报告对象"),
        max_length=100,
        required=False,
        widget=TEXT,
        help_text=_("不填时为同级党委（中共某某委员会）。"),
    )
    reply = forms.CharField(label=_("党委意见"), required=False, widget=AREA)
    file = forms.FileField(label=_("请示报告文件（PDF）"), required=False, widget=FILE)

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        from ganchao.decisions.services.after import default_recipient

        self.fields["reported_on"].initial = timezone.localdate()
        if decision is not None:
            self.fields["recipient"].initial = default_recipient(decision)


class PublicationForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("公布渠道"), choices=PublicationChannel.choices, widget=SELECT
    )
    reference = forms.CharField(
        label=_("政府公报期号或网址"),
        max_length=300,
        widget=TEXT,
        help_text=_("例如：赶超市人民政府公报2026年第3期，或政府网站上的公布网址。"),
    )
    published_on = forms.DateField(label=_("公布日期"), widget=DATE)
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False, widget=TEXT)
    text = forms.CharField(label=_("决策文本"), required=False, widget=AREA)
    interpretation = forms.CharField(
        label=_("政策解读"),
        required=False,
        widget=AREA,
        help_text=_(
            "社会广泛关注或专业性较强的决策，应说明公众意见、专家论证意见的采纳情况并解读。"
        ),
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = timezone.localdate()


class ArchiveForm(forms.Form):
    archive_number = forms.CharField(label=_("档号"), max_length=100, widget=TEXT)

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)


class ExecutionUnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("决策执行单位"), queryset=Unit.objects.none(), widget=SELECT
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(decision)
        self.fields["unit"].initial = decision.execution_unit_id


class ExecutionReportForm(forms.Form):
    period = forms.CharField(
        label=_("报告期"), max_length=40, widget=TEXT, help_text=_("例如：2026年第二季度")
    )
    progress = forms.CharField(label=_("执行情况"), widget=AREA)
    problems = forms.CharField(label=_("存在问题及建议"), required=False, widget=AREA)
    serious_change = forms.BooleanField(
        label=_("执行中发现重大问题或客观情况发生重大变化（须及时报告决策机关）"), required=False
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)


class SuspendForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("暂停事由（第三十五条）"), choices=SuspensionReason.choices, widget=SELECT
    )
    reason = forms.CharField(label=_("理由"), widget=AREA)

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=AREA)

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)


class EvaluationForm(forms.Form):
    trigger = forms.ChoiceField(
        label=_("评估事由"), choices=EvaluationTrigger.choices, widget=SELECT
    )
    evaluator = forms.CharField(
        label=_("评估主体"),
        max_length=200,
        widget=TEXT,
        help_text=_("可委托第三方，但不得为决策前承担主要论证评估工作的单位。"),
    )
    evaluator_unit = forms.ModelChoiceField(
        label=_("评估单位（本级机关）"), queryset=Unit.objects.none(), required=False, widget=SELECT
    )
    public_input = forms.CharField(
        label=_("听取公众及人大代表、政协委员意见情况"), required=False, widget=AREA
    )
    result = forms.CharField(label=_("评估结论"), required=False, widget=AREA)
    report = forms.FileField(label=_("评估报告（PDF）"), required=False, widget=FILE)

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator_unit"].queryset = _units(decision)
