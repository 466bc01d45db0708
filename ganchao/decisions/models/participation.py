"""Public participation (A3–A6): consultations, public comments, opinions and their handling,
the 采纳情况说明, hearings and their participants."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import (
    Adoption,
    CommentState,
    ConsultationState,
    HearingState,
    OpinionSource,
)
from ganchao.decisions.models.decision import Decision, DecisionFile, DraftVersion
from ganchao.orgs.models import Unit


class Consultation(models.Model):
    """A public consultation (公开征求意见) on a draft version (A4)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="consultations")
    draft = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("征求意见标题"), max_length=200)
    explanation = models.TextField(_("草案说明"))
    channel = models.TextField(_("意见提交方式"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("截止日期"))
    shortening_reason = models.TextField(_("缩短期限的理由"), blank=True)
    media = models.CharField(_("发布渠道"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ConsultationState.choices, default=ConsultationState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("公开征求意见")

    def __str__(self) -> str:
        return self.title


class Opinion(models.Model):
    """An opinion, or a group of like opinions, to be handled (A6). Department opinions
    (征求部门意见 — the justice bureau's too) are opinions here, never a legality review (A9)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="opinions")
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    source = models.CharField(_("意见来源"), max_length=16, choices=OpinionSource.choices)
    source_unit = models.ForeignKey(
        Unit,
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_name = models.CharField(_("提出人或单位"), max_length=200, blank=True)
    summary = models.TextField(_("意见内容（归纳）"))
    comment_count = models.PositiveIntegerField(_("涉及意见条数"), default=1)
    adoption = models.CharField(_("采纳情况"), max_length=16, choices=Adoption.choices, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    seq = models.PositiveIntegerField(_("序号"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "seq"], name="decision_opinion_seq_unique")
        ]
        verbose_name = _("意见")

    def __str__(self) -> str:
        return f"意见{self.seq}"


class PublicComment(models.Model):
    """A comment sent through the public portal: held for moderation, shown only after review.
    `address` is the sender's IP (kept for rate limits and abuse, never shown)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(_("意见内容"))
    author = models.CharField(_("署名"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(
        _("审核状态"), max_length=16, choices=CommentState.choices, default=CommentState.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(_("审核说明"), max_length=200, blank=True)
    opinion = models.ForeignKey(
        Opinion, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["address", "submitted_at"])]
        verbose_name = _("公众意见")

    def __str__(self) -> str:
        return self.body[:30]


class AdoptionReport(models.Model):
    """The 采纳情况说明 generated from the handled opinions (A6, A12, A14b)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="adoption_reports"
    )
    text = models.TextField(_("采纳情况说明"))
    opinion_count = models.PositiveIntegerField(default=0)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("意见采纳情况说明")

    def __str__(self) -> str:
        return f"{self.decision.code} 采纳情况说明"


class Hearing(models.Model):
    """A hearing (听证会, A5)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="hearings")
    title = models.CharField(_("听证会名称"), max_length=200)
    held_on = models.DateField(_("听证日期"))
    place = models.CharField(_("地点"), max_length=200)
    selection_method = models.TextField(_("参加人遴选办法"), blank=True)
    selection_published_at = models.DateTimeField(_("遴选办法公布时间"), null=True, blank=True)
    participants_published_at = models.DateTimeField(_("参加人名单公布时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=HearingState.choices, default=HearingState.PLANNED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("听证会")

    def __str__(self) -> str:
        return self.title


class HearingParticipant(models.Model):
    """A hearing participant: materials served ≥ 7 days before; a signed record or a refusal
    note before the hearing closes."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="participants")
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("单位或身份"), max_length=200, blank=True)
    materials_served_on = models.DateField(_("材料送达日期"), null=True, blank=True)
    signed_record = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_note = models.TextField(_("拒绝签字情况说明"), blank=True)

    class Meta:
        ordering = ["hearing", "pk"]
        verbose_name = _("听证参加人")

    def __str__(self) -> str:
        return self.name
