"""Forms of the problem ledger's pages. They parse what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common.widgets import UNIT_SEARCH_URL, PickerTextInput
from ganchao.orgs.references import Unresolved, resolve_unit
from ganchao.problems.choices import Category, PhotoStage, PlaceType, Severity, Source
from ganchao.problems.photos import MAX_PHOTOS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class UnitField(forms.CharField):
    """A unit by its code, a unique name or alias, or a path such as 西湖镇/李庄村."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", PickerTextInput(search_url=UNIT_SEARCH_URL))
        kwargs.setdefault("help_text", _("输入单位名称、简称或编码搜索，或填写“上级单位/本单位”"))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return resolve_unit(text)
        except Unresolved as error:
            raise forms.ValidationError(error.message) from None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos at once; their type and size are checked by the service, by content."""

    widget = MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
        return [super(PhotoField, self).clean(f, initial) for f in files]


class ProblemForm(forms.Form):
    """登记问题 and 修改问题 (the edit form leaves out the photos and the finding date)."""

    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.VISIT)
    place_type = forms.ChoiceField(label=_("地点类型"), choices=PlaceType.choices)
    place = forms.CharField(
        label=_("地点"),
        max_length=200,
        help_text=_("村名、项目名或企业名，如“李庄村文化广场”“高铁新城3号地块”"),
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=Severity.choices,
        help_text=_("一般、较重、严重的默认整改时限分别为 20、10、5 个工作日"),
    )
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    owner_unit = UnitField(label=_("责任单位"))
    legacy = forms.BooleanField(label=_("历史遗留问题"), required=False)
    blocks_project = forms.BooleanField(label=_("阻碍项目推进"), required=False)
    found_on = forms.DateField(label=_("发现日期"), required=False, widget=DATE_WIDGET)
    deadline = forms.DateField(
        label=_("整改时限"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("留空时按严重程度自动计算（工作日）"),
    )
    photos = PhotoField(
        label=_("现场照片"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP 格式，可一次选择多张"),
    )


class ProblemEditForm(ProblemForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("photos", "found_on", "source"):
            del self.fields[name]
        self.fields["deadline"].help_text = ""


class PlanForm(forms.Form):
    measures = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    deadline = forms.DateField(
        label=_("整改时限"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("不改时限请留空"),
    )


class ReportForm(forms.Form):
    note = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    photos = PhotoField(
        label=_("整改后照片"),
        required=True,
        help_text=_("须上传至少一张整改后的照片作为证据"),
        error_messages={"required": _("请上传至少一张整改后的照片")},
    )


class VerifyForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("核验结论"),
        choices=[("1", _("整改到位，同意销号")), ("0", _("整改不到位，退回继续整改"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核验意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("退回时请写明哪里不到位"),
    )


class PhotosForm(forms.Form):
    stage = forms.ChoiceField(label=_("照片类型"), choices=PhotoStage.choices)
    photos = PhotoField(label=_("照片"), required=True)


class FindingForm(forms.Form):
    """调研发现问题转入问题台账."""

    owner_unit = UnitField(label=_("责任单位"), required=False)
    place_type = forms.ChoiceField(label=_("地点类型"), choices=PlaceType.choices)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=[("", _("按调研记录")), *Severity.choices],
        required=False,
    )
    project = forms.TypedChoiceField(
        label=_("关联重点项目"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("在项目现场发现的问题请选择所属项目，项目看板据此统计"),
    )
    blocks_project = forms.BooleanField(
        label=_("阻碍项目推进"),
        required=False,
        help_text=_("勾选后项目看板将该项目标为受阻，直至问题销号"),
    )

    def __init__(self, *args, projects=(), **kwargs):
        """`projects`: the key projects the actor may link, as (id, label) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("不关联")), *projects]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("blocks_project") and not cleaned.get("project"):
            self.add_error("project", _("勾选“阻碍项目推进”时请选择关联的重点项目"))
        return cleaned
