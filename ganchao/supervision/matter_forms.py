"""Forms of the matter pages: writing an instruction and each step of the workflow. They only
collect input; the services in matter_services / matter_steps decide what is allowed."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import PERSON_PLACEHOLDER, UNIT_SEARCH_URL, PickerSelect
from ganchao.orgs.models import Leader, Unit
from ganchao.supervision.matter_choices import FeedbackKind, HandlingRole, Source, Urgency
from ganchao.supervision.matter_services import forward_targets

COOPERATING_ROWS = 3


class UnitChoiceField(forms.ModelChoiceField):
    """A unit out of many, chosen with the type-ahead picker (searching name, 简称 and 编码)."""

    def __init__(self, *args, search_url: str = "", **kwargs):
        kwargs.setdefault("widget", PickerSelect(search_url=search_url))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


class LeaderChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            PickerSelect(
                placeholder=PERSON_PLACEHOLDER,
                # the label already says the title, which the box searches: nothing beside it
                option_data=lambda leader: {},
            ),
        )
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.title}）" if obj.title else obj.name


def active_units():
    return Unit.objects.filter(active=True).order_by("path")


def active_leaders():
    return Leader.objects.filter(active=True).order_by("sort_order", "id")


def end_of_day(day: dt.date) -> dt.datetime:
    """A date typed on a form stands for the end of that day (as a milestone does)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class MatterForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    leader = LeaderChoiceField(
        label=_("交办领导"),
        queryset=active_leaders(),
        required=False,
        help_text=_("作出批示或交办的市级领导；领导批示必填，督查部门自行立项的事项可不填。"),
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(
        label=_("批示或交办内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明要求办理的事项、标准和时限要求。"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        help_text=_(
            "特急：4个工作小时内签收、1个工作日内反馈；急：3个工作日内反馈；"
            "一般：5个工作日内反馈；长期：按节点反馈。"
        ),
    )
    milestones = forms.CharField(
        label=_("反馈节点（长期事项填写）"),
        required=False,
        help_text=_("填写日期，多个日期用逗号分隔，例如 2026-06-30，2026-09-30。"),
    )
    lead_unit = UnitChoiceField(
        label=_("牵头单位"), queryset=active_units(), search_url=UNIT_SEARCH_URL
    )
    lead_person = forms.CharField(label=_("牵头单位责任人"), max_length=50)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, COOPERATING_ROWS + 1):
            self.fields[f"coop_unit_{n}"] = UnitChoiceField(
                label=_("协办单位（%(n)d）") % {"n": n},
                queryset=active_units(),
                required=False,
                search_url=UNIT_SEARCH_URL,
            )
            self.fields[f"coop_person_{n}"] = forms.CharField(
                label=_("协办单位（%(n)d）责任人") % {"n": n}, max_length=50, required=False
            )

    def clean_milestones(self) -> list[dt.date]:
        text = self.cleaned_data.get("milestones") or ""
        days = []
        for part in text.replace("，", ",").replace("、", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                days.append(dt.date.fromisoformat(part))
            except ValueError as exc:
                raise forms.ValidationError(
                    _("“%(v)s”不是有效日期，请按 2026-06-30 的格式填写") % {"v": part}
                ) from exc
        return days

    def clean(self):
        """A co-handling unit without its person is that row's error, under that row (the
        service's message would name it under 牵头单位责任人)."""
        data = super().clean()
        for n in range(1, COOPERATING_ROWS + 1):
            unit = data.get(f"coop_unit_{n}")
            if unit is not None and not (data.get(f"coop_person_{n}") or "").strip():
                self.add_error(
                    f"coop_person_{n}",
                    _("请填写协办单位“%(unit)s”的责任人") % {"unit": unit.name},
                )
        return data

    def cooperating(self) -> list[tuple]:
        rows = []
        for n in range(1, COOPERATING_ROWS + 1):
            unit = self.cleaned_data.get(f"coop_unit_{n}")
            if unit is not None:
                rows.append((unit, self.cleaned_data.get(f"coop_person_{n}") or ""))
        return rows


class ReceiveForm(forms.Form):
    pass


class ForwardForm(forms.Form):
    to_unit = UnitChoiceField(label=_("转办给"), queryset=Unit.objects.none())
    person = forms.CharField(label=_("对方责任人"), max_length=50)
    note = forms.CharField(
        label=_("转办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, hop=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hop is not None:
            self.fields["to_unit"].queryset = forward_targets(hop)
            self.fields["to_unit"].help_text = _(
                "只能转给本单位的下级单位；协办单位已随交办收到本事项，无需转办。"
            )


class RespondForm(forms.Form):
    kind = forms.ChoiceField(label=_("反馈类型"), choices=FeedbackKind.choices)
    text = forms.CharField(
        label=_("反馈内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明采取的措施、进展和结果。只写“已阅”“收到”“转××办理”等不计为有效反馈。"),
    )
    attachment = forms.FileField(
        label=_("附件（可选）"),
        required=False,
        help_text=_("可上传 PDF、图片、Word、Excel 或 PowerPoint 文件，不超过 20 MB。"),
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx"}
        ),
    )

    def __init__(self, *args, hop=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hop is not None and hop.role != HandlingRole.LEAD:
            self.fields["kind"].choices = [(FeedbackKind.PROGRESS, FeedbackKind.PROGRESS.label)]


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("延期理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("延期理由将始终保留在事项记录中。"),
    )
    until = forms.DateField(
        label=_("申请延至"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("当日24时前"),
    )

    def until_moment(self) -> dt.datetime:
        return end_of_day(self.cleaned_data["until"])


class DecideExtensionForm(forms.Form):
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予批准时请写明原因。"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退办理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("销号意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    instruction = forms.CharField(label=_("再批示内容"), widget=forms.Textarea(attrs={"rows": 3}))
