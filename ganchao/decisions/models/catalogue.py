"""The decision catalogue (决策事项目录, A1) and the module's settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.decisions.choices import CatalogueState, Category
from ganchao.orgs.models import Unit


class DecisionSettings(models.Model):
    """The local parameters of the decision procedures (one row, pk=1). National values are
    the defaults; LEGAL_RULES.md marks which ones vary by locality."""

    catalogue_mode = models.BooleanField(_("目录管理模式（决策须列入已公布目录）"), default=True)
    min_consultation_days = models.PositiveSmallIntegerField(
        _("公开征求意见最短期限（日）"), default=30
    )
    hearing_materials_days = models.PositiveSmallIntegerField(
        _("听证材料提前送达天数（日）"), default=7
    )
    min_review_working_days = models.PositiveSmallIntegerField(
        _("合法性审查最短审查时间（工作日）"), default=7
    )
    review_limit_working_days = models.PositiveSmallIntegerField(
        _("合法性审查办理时限（工作日）"), default=10
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("重大行政决策设置")

    def __str__(self) -> str:
        return str(_("重大行政决策设置"))


class Catalogue(TimeStamped):
    """One version of a year's catalogue of a decision organ (a 市 or 区 government)."""

    owner = models.ForeignKey(
        Unit, verbose_name=_("决策机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("目录名称"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=CatalogueState.choices, default=CatalogueState.DRAFT
    )
    party_approved_on = models.DateField(_("党委同意日期"), null=True, blank=True)
    party_approval_doc = models.CharField(_("党委同意文号"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    adjustment_note = models.TextField(_("调整说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "number"], name="decision_catalogue_version_unique"
            )
        ]
        verbose_name = _("决策事项目录")

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"


class CatalogueItem(models.Model):
    """A matter listed in a catalogue version."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="items")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("决策事项"), max_length=200)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    undertaking_unit = models.ForeignKey(
        Unit,
        verbose_name=_("拟承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_quarter = models.CharField(_("计划完成时间"), max_length=40, blank=True)
    description = models.TextField(_("事项说明"), blank=True)

    class Meta:
        ordering = ["catalogue", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "seq"], name="decision_catitem_seq_unique")
        ]
        verbose_name = _("目录事项")

    def __str__(self) -> str:
        return self.title
