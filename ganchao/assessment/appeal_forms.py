"""Forms of appeals (申诉). They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.goals.evidence import ACCEPTED_TEXT
from ganchao.goals.forms import MultipleFileField


class AppealForm(forms.Form):
    """A unit's appeal of one component of a published result."""

    component = forms.ChoiceField(label=_("申诉的组成项"))
    requested_score = forms.CharField(
        label=_("申请调整为（分，可不填）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control num"}),
    )
    reason = forms.CharField(
        label=_("申诉理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明该组成项得分哪里有误、依据是什么，并上传佐证材料。"),
        error_messages={"required": _("请填写申诉理由")},
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("可上传 %(types)s，每个文件不超过 20 MB，可一次选择多个文件")
        % {"types": ACCEPTED_TEXT},
    )

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", _("请选择")), *components]


class AcceptForm(forms.Form):
    adjusted_score = forms.CharField(label=_("调整后得分"), max_length=20)
    decision = forms.CharField(label=_("处理意见"), required=False, max_length=5000)


class RejectForm(forms.Form):
    decision = forms.CharField(label=_("不予采纳的理由"), required=False, max_length=5000)
