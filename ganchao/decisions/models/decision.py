"""The decision itself, its undertaking units, draft versions and stored files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.decisions.choices import Category, MaterialKind, State
from ganchao.decisions.models.catalogue import CatalogueItem
from ganchao.orgs.models import Unit


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("重大行政决策档案不得删除")


class Decision(TimeStamped):
    """A major administrative decision (重大行政决策), code JC-YYYY-NNN.

    Never deleted (A15: lifetime accountability): the model and its queryset refuse delete.
    """

    code = models.CharField(_("编号"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("决策事项"), max_length=200)
    summary = models.TextField(_("决策事项概要"), blank=True)
    owner = models.ForeignKey(
        Unit, verbose_name=_("决策机关"), on_delete=models.PROTECT, related_name="+"
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("目录事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    technical = models.BooleanField(_("专业性、技术性较强（须专家论证）"), default=False)
    stability_risk = models.BooleanField(
        _("可能影响社会稳定、公共安全（须风险评估）"), default=False
    )
    market_activity = models.BooleanField(
        _("涉及市场主体经济活动（须公平竞争审查）"), default=False
    )
    exploratory = models.BooleanField(_("探索性改革事项"), default=False)
    wide_concern = models.BooleanField(_("社会广泛关注（公布时须说明意见采纳情况）"), default=True)
    proposal_reason = models.TextField(_("提出理由及论证情况"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    launched_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    # A3: the only way not to hear the public: 依法不予公开 with a legal basis.
    participation_exempt_basis = models.TextField(_("依法不予公开的法律依据"), blank=True)
    participation_exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participation_exempted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    execution_unit = models.ForeignKey(
        Unit,
        verbose_name=_("决策执行单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state_reason = models.TextField(_("状态说明"), blank=True)
    # A major adjustment re-opens the procedures: records made before this moment are kept
    # but no longer count towards the gates.
    procedures_since = models.DateTimeField(null=True, blank=True)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-code"]
        verbose_name = _("重大行政决策")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def delete(self, *args, **kwargs):
        raise PermissionError("重大行政决策档案不得删除")


class UndertakingUnit(models.Model):
    """A unit undertaking the decision (决策承办单位); exactly one is the lead (A2)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="undertakers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("牵头单位"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "unit"], name="decision_undertaker_unique"),
            models.UniqueConstraint(
                fields=["decision"],
                condition=models.Q(is_lead=True),
                name="decision_one_lead",
            ),
        ]
        verbose_name = _("决策承办单位")

    def __str__(self) -> str:
        return str(self.unit)


class DraftVersion(models.Model):
    """A version of the decision draft (决策草案); a major change makes a new one (A8)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="drafts")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("草案文本"))
    explanation = models.TextField(_("起草说明"), blank=True)
    change_note = models.TextField(_("修改说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="decision_draft_unique")
        ]
        verbose_name = _("决策草案版本")

    def __str__(self) -> str:
        return f"{self.decision.code} 草案第{self.number}稿"


class DecisionFile(models.Model):
    """A stored file of a decision's procedure: hashed on upload, re-verified on access, covered
    by `ganchao files verify`. `procedure` and `object_id` name the record it belongs to."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("材料类别"), max_length=24, choices=MaterialKind.choices)
    procedure = models.CharField(max_length=24, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="decisions/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["procedure", "object_id"])]
        verbose_name = _("决策材料")

    def __str__(self) -> str:
        return self.original_name

    def delete(self, *args, **kwargs):
        raise PermissionError("重大行政决策档案不得删除")
