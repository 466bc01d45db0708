"""Forms of 比着干: a scheme (or a new version of it) with its component editor. Component points
must sum to 100; the error is shown on the form and nothing is saved."""

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ganchao.assessment.choices import ComponentKind, EmptyComponent, Method, PeriodType
from ganchao.assessment.models import Scheme
from ganchao.orgs.models import Unit, UnitCategory

CODE = RegexValidator(r"^[A-Za-z0-9_-]+$", _("编码只能包含字母、数字、下划线和连字符"))
HUNDRED = Decimal(100)


def _points(label, **kwargs):
    return forms.DecimalField(
        label=label, min_value=0, max_digits=8, decimal_places=2, localize=False, **kwargs
    )


class PlainMessages:
    """ "请填写方案名称" instead of Django's generic message for a missing required field."""

    def plain_messages(self):
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}


class SchemeForm(PlainMessages, forms.Form):
    code = forms.CharField(
        label=_("方案编码"),
        max_length=64,
        validators=[CODE],
        help_text=_("长期不变，如 TOWNS；各版本共用"),
    )
    name = forms.CharField(label=_("方案名称"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("单位类别"), queryset=UnitCategory.objects.order_by("sort_order", "name")
    )
    period_type = forms.ChoiceField(label=_("考核周期"), choices=PeriodType.choices)
    excellent_threshold = _points(_("优秀分数线"), initial=90)
    good_threshold = _points(_("良好分数线"), initial=80)
    pass_threshold = _points(_("合格分数线"), initial=60)
    bonus_cap = _points(_("加分上限"), initial=5)
    excellent_share = forms.DecimalField(
        label=_("优秀比例上限（%）"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("不填则不限；如填 30，优秀单位至多占本类别单位数的 30%"),
    )

    empty_component = forms.ChoiceField(
        label=_("本期无考核内容的工作项"),
        choices=EmptyComponent.choices,
        initial=EmptyComponent.PRORATE,
        required=False,  # left blank: prorate, the default of DESIGN.md 3.10
        widget=forms.RadioSelect,
        help_text=_(
            "指标完成、节点完成为工作类考核项。某单位本期没有考核指标或没有到期节点时，该项不计满分，"
            "按所选方式折算；两项都没有的单位不参加排名，列在排名表下方。服务企业项本期没有企业诉求的，"
            "同样按所选方式折算，但它不是工作类考核项：只有服务企业一项有内容的单位也不参加排名。"
        ),
    )
    excluded_units = forms.ModelMultipleChoiceField(
        label=_("不参加本方案考核的单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "勾选的单位不参加考核，不出现在本方案的结果、排名、导出和通报中（如考核部门自身）。"
        ),
    )

    def __init__(self, *args, fixed: Scheme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_messages()
        self.fixed = fixed
        if fixed is not None:  # a new version keeps the code, category and period type
            for name in ("code", "category", "period_type"):
                self.fields[name].disabled = True
        units = Unit.objects.filter(active=True, category__isnull=False)
        if fixed is not None:
            units = units.filter(category_id=fixed.category_id)
        field = self.fields["excluded_units"]
        field.queryset = units.select_related("category").order_by("category__sort_order", "code")
        field.label_from_instance = lambda unit: (
            unit.name if fixed is not None else f"{unit.name}（{unit.category.name}）"
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.fixed is None and Scheme.objects.filter(code=code).exists():
            raise forms.ValidationError(_("方案编码已存在；如需修改请在该方案页面“制定新版本”"))
        return code

    def clean(self):
        data = super().clean()
        marks = [data.get(f) for f in ("excellent_threshold", "good_threshold", "pass_threshold")]
        if None not in marks and not marks[0] >= marks[1] >= marks[2]:
            self.add_error("good_threshold", _("分数线应为 优秀 ≥ 良好 ≥ 合格"))
        category = self.fixed.category if self.fixed else data.get("category")
        for unit in data.get("excluded_units") or ():
            if category is not None and unit.category_id != category.pk:
                self.add_error(
                    "excluded_units",
                    _("“%(unit)s”不属于所选单位类别，不能在本方案中排除") % {"unit": unit.name},
                )
        return data

    def settings(self) -> dict:
        data = self.cleaned_data
        share = data.get("excellent_share")
        return {
            "bonus_cap": data["bonus_cap"],
            "excellent_threshold": data["excellent_threshold"],
            "good_threshold": data["good_threshold"],
            "pass_threshold": data["pass_threshold"],
            "excellent_share": None if share is None else share / HUNDRED,
            "empty_component": data.get("empty_component") or EmptyComponent.PRORATE,
            "excluded_units": list(data.get("excluded_units") or ()),
        }


class ComponentForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=64, required=False, validators=[CODE])
    name = forms.CharField(label=_("组成项"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=ComponentKind.choices, required=False)
    points = _points(_("分值"), required=False, max_value=100)
    method = forms.ChoiceField(
        label=_("计分方法"), choices=Method.choices, required=False, initial=Method.RATIO
    )
    floor = forms.DecimalField(
        label=_("保底完成率（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("code") or data.get("name") or data.get("points") is not None)

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        for name in ("code", "name", "kind"):
            if not data.get(name):
                self.add_error(name, _("请填写%(label)s") % {"label": self.fields[name].label})
        if data.get("points") is None:
            self.add_error("points", _("请填写分值"))
        if data.get("method") == Method.LINEAR_FLOOR and data.get("floor") is None:
            self.add_error("floor", _("设保底线性须填写保底完成率"))
        return data

    def spec(self) -> dict:
        data = self.cleaned_data
        floor = data.get("floor") if data.get("method") == Method.LINEAR_FLOOR else None
        return {
            "code": data["code"],
            "name": data["name"],
            "kind": data["kind"],
            "points": data["points"],
            "method": data.get("method") or Method.RATIO,
            "floor": (floor or Decimal(0)) / HUNDRED,
        }


class BaseComponentFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # every row is validated, also a prefilled row left as it was; blank rows are skipped
        return {"empty_permitted": False}

    def specs(self) -> list[dict]:
        return [f.spec() for f in self.forms if f.cleaned_data and not f.is_blank()]

    def clean(self):
        if any(self.errors):
            return
        specs = self.specs()
        if not specs:
            raise forms.ValidationError(_("请至少填写一个组成项"))
        codes = [s["code"] for s in specs]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("组成项编码不能重复"))
        total = sum((s["points"] for s in specs), Decimal(0))
        if total != HUNDRED:
            raise forms.ValidationError(
                _("各组成项分值合计为 %(total)s，应为 100") % {"total": f"{total.normalize():f}"}
            )


ComponentFormSet = forms.formset_factory(
    ComponentForm, formset=BaseComponentFormSet, extra=2, max_num=20, absolute_max=30
)


STANDARD_COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 50, "method": "ratio"},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": 30},
    {"code": "SUP", "name": "督办情况", "kind": "supervision", "points": 20},
]


def component_formset(data=None, scheme: Scheme | None = None):
    """The component rows: the scheme's own, or the usual three for a new scheme."""
    initial = STANDARD_COMPONENTS
    if scheme is not None:
        initial = [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "points": c.points,
                "method": c.method,
                "floor": c.floor * HUNDRED if c.method == Method.LINEAR_FLOOR else None,
            }
            for c in scheme.components.all()
        ]
    return ComponentFormSet(data, initial=initial, prefix="c")


def scheme_initial(scheme: Scheme) -> dict:
    share = scheme.excellent_share
    return {
        "code": scheme.code,
        "name": scheme.name,
        "category": scheme.category_id,
        "period_type": scheme.period_type,
        "excellent_threshold": scheme.excellent_threshold,
        "good_threshold": scheme.good_threshold,
        "pass_threshold": scheme.pass_threshold,
        "bonus_cap": scheme.bonus_cap,
        "excellent_share": None if share is None else share * HUNDRED,
        "empty_component": scheme.empty_component,
        "excluded_units": list(scheme.excluded_units.all()),
    }
