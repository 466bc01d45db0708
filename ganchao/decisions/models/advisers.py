"""The legal-adviser register and consultation log (法律顾问制度, A11, A16)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.crypto import EncryptedCharField
from ganchao.common.models import TimeStamped
from ganchao.decisions.choices import AdviserAdoption, AdviserConclusion, AdviserKind
from ganchao.decisions.models.decision import Decision, DecisionFile
from ganchao.decisions.models.review import LegalityReview
from ganchao.orgs.models import Unit


class LegalAdviser(TimeStamped):
    """A government legal adviser or public lawyer, appointed by a unit for a term."""

    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=32, choices=AdviserKind.choices)
    appointing_unit = models.ForeignKey(
        Unit, verbose_name=_("聘任单位"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(_("执业机构或所在单位"), max_length=200)
    qualification = models.CharField(_("法律职业资格或执业证号"), max_length=100)
    term_start = models.DateField(_("聘期开始"))
    term_end = models.DateField(_("聘期结束"))
    conflicts = models.TextField(_("利益冲突申报"), blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_adviser",
    )
    active = models.BooleanField(_("在聘"), default=True)

    class Meta:
        ordering = ["appointing_unit", "name"]
        verbose_name = _("法律顾问")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class AdviserConsultation(models.Model):
    """One consultation of an adviser by a unit: who, on what, the opinion, and whether it was
    adopted (a 'not adopted' needs the reason). Linked to a decision or its legality review
    where it is about one; the unlinked rows are the units' other consultations."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("咨询单位"), on_delete=models.PROTECT, related_name="+"
    )
    adviser = models.ForeignKey(
        LegalAdviser, on_delete=models.PROTECT, related_name="consultations"
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adviser_opinions",
    )
    legality_review = models.ForeignKey(
        LegalityReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adviser_opinions",
    )
    subject = models.CharField(_("咨询事项"), max_length=200)
    question = models.TextField(_("咨询内容"), blank=True)
    opinion = models.TextField(_("法律意见"))
    conclusion = models.CharField(_("意见结论"), max_length=24, choices=AdviserConclusion.choices)
    adoption = models.CharField(
        _("采纳情况"),
        max_length=16,
        choices=AdviserAdoption.choices,
        default=AdviserAdoption.PENDING,
    )
    adoption_reason = models.TextField(_("未采纳或部分采纳的理由"), blank=True)
    consulted_on = models.DateField(_("咨询日期"))
    file = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-consulted_on", "-pk"]
        verbose_name = _("法律顾问咨询记录")

    def __str__(self) -> str:
        return self.subject
