"""The legality review (合法性审查, A9–A11)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import ReviewConclusion, ReviewState
from ganchao.decisions.models.decision import Decision, DraftVersion
from ganchao.orgs.models import Unit


class LegalityReview(models.Model):
    """A request for legality review and, once concluded, its opinion.

    The request carries materials (DecisionFile rows with procedure="legality" and this id) of
    the kinds draft, legal_basis and procedure_statement (A10). `earliest_meeting_on` is the
    request date plus the minimum review time in working days; a meeting before it needs
    `urgency_reason` and is flagged. The reviewer's own clock (`due_on`) is a local setting and
    stops while material is supplemented (ReviewPause)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="legality_reviews"
    )
    draft = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    reviewing_unit = models.ForeignKey(
        Unit, verbose_name=_("合法性审查机构"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("提请时间"))
    legal_basis = models.TextField(_("法律依据"))
    procedure_statement = models.TextField(_("履行法定程序情况说明"))
    planned_meeting_on = models.DateField(_("拟提交会议日期"), null=True, blank=True)
    earliest_meeting_on = models.DateField(_("最早可提交会议日期"))
    urgency_reason = models.TextField(_("紧急情况说明"), blank=True)
    due_on = models.DateField(_("审查办理期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ReviewState.choices, default=ReviewState.REQUESTED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_opinion = models.TextField(_("权限审查意见"), blank=True)
    procedure_opinion = models.TextField(_("程序审查意见"), blank=True)
    content_opinion = models.TextField(_("内容审查意见"), blank=True)
    conclusion = models.CharField(
        _("审查结论"), max_length=24, choices=ReviewConclusion.choices, blank=True
    )
    legal_risk_statement = models.TextField(_("法律风险提示"), blank=True)
    changes_confirmed_at = models.DateTimeField(_("修改落实确认时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "requested_at", "pk"]
        verbose_name = _("合法性审查")

    def __str__(self) -> str:
        return f"{self.decision.code} 合法性审查"


class ReviewPause(models.Model):
    """Material being supplemented: the reviewer's clock stops from started_on to ended_on."""

    review = models.ForeignKey(LegalityReview, on_delete=models.PROTECT, related_name="pauses")
    reason = models.TextField(_("需补充的材料"))
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "started_at"]
        verbose_name = _("补充材料")

    def __str__(self) -> str:
        return self.reason[:30]
