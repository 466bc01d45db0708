"""Forms of the 服务企业 pages: they only shape input; every rule lives in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ganchao.enterprises.choices import AppealCategory, Channel, Scale, Sector
from ganchao.orgs.choices import GRASSROOTS_TYPES, Role
from ganchao.orgs.models import Unit, User


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，由数字和大写字母组成（不含I、O、Z、S、V），末位为校验位"),
    )
    sector = forms.ChoiceField(label=_("行业"), choices=Sector.choices)
    scale = forms.ChoiceField(label=_("规模"), choices=Scale.choices)
    town = forms.ModelChoiceField(
        label=_("所在镇街"), queryset=Unit.objects.none(), empty_label=_("请选择")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Unit.objects.filter(
            type__in=GRASSROOTS_TYPES - {"village", "community"}, active=True
        ).order_by("path")


class CommissionerForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("服务专员"), queryset=User.objects.none(), empty_label=_("请选择")
    )
    start_on = forms.DateField(
        label=_("开始日期"),
        required=False,
        help_text=_("不填则从今天起"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, role_grants__role=Role.COMMISSIONER)
            .select_related("unit")
            .order_by("username")
            .distinct()
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.unit or ''}）"


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"))
    participants = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(
        label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AppealForm(forms.Form):
    title = forms.CharField(label=_("诉求事项"), max_length=200)
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("诉求类别"), choices=AppealCategory.choices)
    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices)
    owner_unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=Unit.objects.none(), empty_label=_("请选择")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            active=True, type__in=["department", "town", "street", "park", "district"]
        ).order_by("path")


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5分 非常满意")),
            (4, _("4分 满意")),
            (3, _("3分 基本满意")),
            (2, _("2分 不满意")),
            (1, _("1分 非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价意见（选填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SettingsForm(forms.Form):
    acknowledge_hours = forms.IntegerField(
        label=_("响应时限（工作小时）"), min_value=1, max_value=40
    )
    plan_days = forms.IntegerField(label=_("制定方案时限（工作日）"), min_value=1, max_value=30)
    resolve_days = forms.IntegerField(label=_("解决时限（工作日）"), min_value=1, max_value=120)
    rating_link_days = forms.IntegerField(
        label=_("评价链接有效期（日）"), min_value=1, max_value=365
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
