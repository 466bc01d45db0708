"""Forms for building the goal tree in the UI: items (goals, indicators, tasks), a task's
milestones and an item's assignments to units. They only parse what was typed (numbers with
thousands separators, dates, unit references); the services in services.py decide the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.common import numbers
from ganchao.common.errors import ValidationFailed
from ganchao.common.widgets import UNIT_SEARCH_URL, PickerTextInput
from ganchao.goals.choices import Direction, Frequency, ItemType, Nature, Role
from ganchao.goals.precision import MAX_PLACES
from ganchao.goals.service_base import to_decimal
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UnitResolver, Unresolved

QUARTERS = ("q1", "q2", "q3", "q4")
TARGETS = ("target", *QUARTERS)
DATE_INPUT = {"type": "date"}


def date_input():
    """<input type="date"> wants ISO dates whatever the locale's display format is."""
    return forms.DateInput(format="%Y-%m-%d", attrs=DATE_INPUT)


class PlainMessages:
    """ "请填写名称" instead of Django's generic message for a missing required field."""

    def _name_required(self):
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}


def plain_number(value) -> str:
    """A stored decimal as typed: 12000.0000 → "12000"."""
    return numbers.plain(value)


class NumberField(forms.CharField):
    """A number as text: "12,000" and "12，000.5" are accepted (the services' own parser)."""

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(required=required, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return to_decimal(text, "value", str(self.label), required=self.required)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None


class UnitField(forms.CharField):
    """A unit by its code, a unique name or alias, or a path such as 西湖镇/李庄村."""

    def __init__(self, *, resolver=None, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", _("填写单位编码、单位名称或“上级单位/本单位”，也可从列表中选择")
        )
        # the type-ahead picker; without JavaScript a text box with the page's list of units
        kwargs.setdefault(
            "widget",
            PickerTextInput(attrs={"list": "unit-options"}, search_url=UNIT_SEARCH_URL),
        )
        super().__init__(**kwargs)
        self.resolver = resolver

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        resolver = self.resolver or UnitResolver.from_database(active_only=True)
        try:
            node = resolver.resolve(text)
        except Unresolved as error:
            raise forms.ValidationError(error.message) from None
        return Unit.objects.get(pk=node.pk)


def _number(label, **kwargs):
    return NumberField(label=label, **kwargs)


class ItemForm(PlainMessages, forms.Form):
    """A goal, an indicator or a task; the fields shown depend on the type."""

    code = forms.CharField(
        label=_("编号"),
        max_length=64,
        help_text=_("如 1、1.2、1.2.3；上级编号须已存在"),
    )
    name = forms.CharField(label=_("名称"), max_length=500)
    category = forms.CharField(
        label=_("类别"), max_length=50, required=False, help_text=_("如经济发展、民生保障")
    )
    measure_unit = forms.CharField(
        label=_("计量单位"), max_length=30, required=False, help_text=_("如 %、亿元、万人")
    )
    decimal_places = forms.IntegerField(
        label=_("小数位数"),
        required=False,
        min_value=0,
        max_value=MAX_PLACES,
        help_text=_(
            "页面、表格和通报中显示几位小数；留空时计数单位（个、家、起、人等）显示整数，其他两位"
        ),
        error_messages={
            "invalid": _("小数位数须为 0 至 4 的整数，或留空"),
            "min_value": _("小数位数须为 0 至 4 的整数，或留空"),
            "max_value": _("小数位数须为 0 至 4 的整数，或留空"),
        },
    )
    direction = forms.ChoiceField(
        label=_("指标方向"), choices=Direction.choices, initial=Direction.POSITIVE
    )
    nature = forms.ChoiceField(
        label=_("指标性质"),
        choices=Nature.choices,
        initial=Nature.CUMULATIVE,
        help_text=_("累计值自 1 月 1 日起累计；水平值为水平或比率"),
    )
    frequency = forms.ChoiceField(
        label=_("报送频次"), choices=Frequency.choices, initial=Frequency.MONTHLY
    )
    baseline = _number(_("基期值"))
    target = _number(_("目标值"))
    stretch_target = _number(_("力争值"))
    q1 = _number(_("一季度目标"))
    q2 = _number(_("二季度目标"))
    q3 = _number(_("三季度目标"))
    q4 = _number(_("四季度目标"))
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=date_input())
    data_source_unit = UnitField(label=_("数据来源单位"), required=False)
    lead_unit = UnitField(label=_("牵头单位"), required=False)
    weight = NumberField(label=_("权重"), required=True, initial="1")
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    INDICATOR_ONLY = (
        "measure_unit",
        "decimal_places",
        "direction",
        "nature",
        "frequency",
        "baseline",
        "target",
        "stretch_target",
        *QUARTERS,
        "data_source_unit",
    )
    TASK_ONLY = ("deadline",)

    def __init__(self, *args, item_type: str, creating: bool, resolver=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_required()
        self.item_type = item_type
        drop = set()
        if item_type != ItemType.INDICATOR:
            drop.update(self.INDICATOR_ONLY)
        if item_type != ItemType.TASK:
            drop.update(self.TASK_ONLY)
        if item_type == ItemType.GOAL or not creating:
            drop.add("lead_unit")
        if not creating:
            drop.add("code")
        else:
            drop.add("version")
        for name in drop:
            del self.fields[name]
        for name in ("data_source_unit", "lead_unit"):
            if name in self.fields:
                self.fields[name].resolver = resolver
        if item_type == ItemType.INDICATOR:
            self.fields["measure_unit"].required = True
            self.fields["target"].required = True
            self.fields["q1"].help_text = _("分季度目标四个季度都填或都不填；累计值逐季不减少")

    def values(self) -> dict:
        """The item's fields as the services take them."""
        skip = {"code", "lead_unit", "version"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    @property
    def quarter_fields(self):
        return [self[name] for name in QUARTERS if name in self.fields]


class MilestoneRowForm(forms.Form):
    """One milestone: a date and what is to be done by then. A blank row is ignored."""

    due_date = forms.DateField(label=_("节点时间"), required=False, widget=date_input())
    description = forms.CharField(label=_("节点内容"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        day, text = data.get("due_date"), (data.get("description") or "").strip()
        if text and not day and "due_date" not in self.errors:
            self.add_error("due_date", _("请填写节点时间"))
        if day and not text:
            self.add_error("description", _("请填写节点内容"))
        return data

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("due_date") and not (data.get("description") or "").strip()


class BaseMilestoneFormSet(forms.BaseFormSet):
    """The rows of a task's milestones; on the milestone page at least one must remain."""

    require_rows = False

    def clean(self):
        if any(self.errors) or not self.require_rows:
            return
        if not milestone_steps(self):
            raise forms.ValidationError(_("任务至少须有一个节点，请填写节点时间和节点内容"))


MilestoneFormSet = forms.formset_factory(
    MilestoneRowForm,
    formset=BaseMilestoneFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)


def milestone_formset(data=None, milestones=(), *, require_rows=False, prefix="ms"):
    initial = [{"due_date": m.due_date, "description": m.description} for m in milestones]
    formset = MilestoneFormSet(data, initial=initial or None, prefix=prefix)
    formset.require_rows = require_rows
    return formset


def milestone_steps(formset) -> list[tuple]:
    """The rows kept, in the order shown (positions matter after issue), as (date, text)."""
    return [
        (form.cleaned_data["due_date"], form.cleaned_data["description"].strip())
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


class AssignmentForm(PlainMessages, forms.Form):
    """A unit's part in an item: role, own targets (indicators) and the people named."""

    unit = UnitField(label=_("单位"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, initial=Role.RESPONSIBLE)
    target = _number(_("目标值"), help_text=_("牵头单位和责任单位承担的目标；不填则承担本项的目标"))
    q1 = _number(_("一季度目标"))
    q2 = _number(_("二季度目标"))
    q3 = _number(_("三季度目标"))
    q4 = _number(_("四季度目标"))
    weight = NumberField(label=_("权重"), required=True, initial="1")
    responsible_leader = forms.CharField(label=_("责任领导"), max_length=50, required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item, creating: bool, resolver=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_required()
        if creating:
            del self.fields["version"]
            self.fields["unit"].resolver = resolver
        else:
            del self.fields["unit"]
        if item.type != ItemType.INDICATOR:
            for name in TARGETS:
                del self.fields[name]

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("unit", "version")}

    @property
    def quarter_fields(self):
        return [self[name] for name in QUARTERS if name in self.fields]


def assignment_initial(assignment) -> dict:
    initial = {
        name: getattr(assignment, name)
        for name in (
            "role",
            "responsible_leader",
            "responsible_person",
            "contact",
            "contact_phone",
        )
    }
    initial.update({name: plain_number(getattr(assignment, name)) for name in (*TARGETS, "weight")})
    initial["version"] = assignment.version
    return initial


def item_initial(item) -> dict:
    initial = {
        name: getattr(item, name)
        for name in (
            "name", "category", "measure_unit", "decimal_places", "direction", "nature",
            "frequency",
        )
    }  # fmt: skip
    initial.update(
        {
            name: plain_number(getattr(item, name))
            for name in ("baseline", "stretch_target", *TARGETS, "weight")
        }
    )
    initial.update(
        deadline=item.deadline,
        note=item.note,
        data_source_unit=item.data_source_unit.code if item.data_source_unit else "",
        version=item.version,
    )
    return initial
