"""The procedure of a case after investigation (B8–B12): notice of the proposed penalty, the
party's statement or hearing, the legal review with one verdict per item, the collective
discussion, the decision and its document with the seal record, delivery and execution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.enforcement.choices import (
    DecisionKind,
    DeliveryMethod,
    ReviewItem,
    ReviewState,
    StatementKind,
    Verdict,
)
from ganchao.enforcement.models.case import Case, Undeletable

USER = settings.AUTH_USER_MODEL


class PenaltyNotice(Undeletable):
    """告知: the proposed penalty, its facts, reasons and basis, and the party's rights (B9)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    served_on = models.DateField(_("告知日期"))
    proposal = models.TextField(_("拟作出的处罚"))
    facts = models.TextField(_("事实、理由和依据"))
    rights = models.TextField(_("告知的权利"))
    hearing_right = models.BooleanField(_("告知听证权利"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The proposal as notified (Art. 62: the decision may not be heavier than this).
    proposed_penalties = models.JSONField(_("告知的处罚种类"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("告知的罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["served_on", "id"]
        verbose_name = _("行政处罚事先告知")

    def __str__(self) -> str:
        return f"{self.case_id} {self.served_on}"


class PartyStatement(Undeletable):
    """The party's statement and defence, a hearing request, or an express waiver."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(_("类型"), max_length=16, choices=StatementKind.choices)
    received_on = models.DateField(_("收到日期"))
    text = models.TextField(_("内容"), blank=True)
    adopted = models.BooleanField(_("意见成立（予以采纳）"), null=True, blank=True)
    handling = models.TextField(_("复核意见"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("陈述申辩")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class Hearing(models.Model):
    """A hearing (听证): notified at least 7 working days before it is held (B11); once held the
    decision is major (B8)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings")
    requested_on = models.DateField(_("申请日期"))
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    scheduled_on = models.DateField(_("举行日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    held_on = models.DateField(_("实际举行日期"), null=True, blank=True)
    record = models.TextField(_("听证笔录摘要"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = _("听证")

    def __str__(self) -> str:
        return f"{self.case_id} {self.requested_on}"


class LegalReview(models.Model):
    """One round of 法制审核 (B9, B10). A returned round is kept; the corrected case is
    submitted again as a new round, and only the latest round's pass counts."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("第几次提交"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    materials = models.TextField(_("送审材料说明"), blank=True)
    correction = models.TextField(_("对上次审核意见的整改说明"), blank=True)
    reviewer = models.ForeignKey(
        "enforcement.Officer",
        verbose_name=_("审核人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("审核期限"), null=True, blank=True)
    extended = models.BooleanField(_("已延长"), default=False)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    opinion = models.TextField(_("审核意见"), blank=True)
    concluded_at = models.DateTimeField(_("审核完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["case", "round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="enf_review_round_unique")
        ]
        verbose_name = _("法制审核")

    def __str__(self) -> str:
        return f"{self.case_id} 第{self.round}次"


class ReviewVerdict(models.Model):
    review = models.ForeignKey(LegalReview, on_delete=models.PROTECT, related_name="verdicts")
    item = models.CharField(_("审核事项"), max_length=16, choices=ReviewItem.choices)
    verdict = models.CharField(_("结论"), max_length=16, choices=Verdict.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="enf_verdict_item_unique")
        ]
        verbose_name = _("审核事项结论")

    def __str__(self) -> str:
        return f"{self.review_id} {self.item} {self.verdict}"


class CollectiveDiscussion(Undeletable):
    """集体讨论 by the organ's responsible persons (Art. 57)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="discussions")
    held_on = models.DateField(_("讨论日期"))
    chair = models.CharField(_("主持人"), max_length=50)
    participants = models.TextField(_("参加人员"))
    conclusion = models.TextField(_("讨论决定"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("集体讨论")

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"


class CaseDecision(models.Model):
    """The decision of the organ's head and the fields of its document (B12). `issued_at` is
    set when the document is issued with its seal record; before then the fields are a draft."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    kind = models.CharField(_("决定类型"), max_length=16, choices=DecisionKind.choices)
    penalties = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    party_name = models.CharField(_("当事人名称或姓名"), max_length=200, blank=True)
    party_address = models.CharField(_("当事人地址"), max_length=200, blank=True)
    facts_evidence = models.TextField(_("违法事实和证据"), blank=True)
    penalty_basis = models.TextField(_("处罚种类和依据"), blank=True)
    performance = models.TextField(_("履行方式和期限"), blank=True)
    remedy = models.TextField(_("申请行政复议或提起行政诉讼的途径和期限"), blank=True)
    organ_name = models.CharField(_("作出决定的机关名称"), max_length=200, blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    social_impact = models.BooleanField(_("具有一定社会影响"), null=True, blank=True)
    social_impact_reason = models.TextField(_("社会影响判定理由"), blank=True)
    document = models.FileField(upload_to="enforcement/decisions/%Y/", blank=True, max_length=200)
    document_sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("执法决定")

    def __str__(self) -> str:
        return self.number or str(self.case_id)


class SealRecord(Undeletable):
    """The organ's electronic seal on an issued document (B12), from the configured seal
    service; the local stand-in says so in `stand_in` and in the document."""

    decision = models.ForeignKey(CaseDecision, on_delete=models.PROTECT, related_name="seals")
    service = models.CharField(_("印章服务"), max_length=100)
    seal_name = models.CharField(_("印章名称"), max_length=200)
    seal_id = models.CharField(_("印章编号"), max_length=100)
    document_sha256 = models.CharField(_("用印文件SHA-256"), max_length=64)
    signature = models.TextField(_("签章值"))
    stand_in = models.BooleanField(_("本地替代签章（非正式电子印章）"), default=False)
    sealed_at = models.DateTimeField(_("用印时间"))
    sealed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sealed_at", "id"]
        verbose_name = _("电子印章记录")

    def __str__(self) -> str:
        return f"{self.seal_name} {self.sealed_at:%Y-%m-%d}"


class Delivery(Undeletable):
    """送达 of the decision document (Art. 61): electronic delivery only with a signed consent."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(_("送达方式"), max_length=16, choices=DeliveryMethod.choices)
    delivered_on = models.DateField(_("送达日期"))
    recipient = models.CharField(_("受送达人"), max_length=100)
    consent_file = models.ForeignKey(
        "enforcement.CaseFile",
        verbose_name=_("电子送达确认书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("送达情况"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("送达")

    def __str__(self) -> str:
        return f"{self.case_id} {self.delivered_on}"


class Execution(Undeletable):
    """执行: the party's performance (a fine paid, an order carried out) or compulsory execution."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="executions")
    done_on = models.DateField(_("履行日期"))
    compulsory = models.BooleanField(_("强制执行"), default=False)
    amount_paid = models.DecimalField(
        _("缴纳罚没款（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("执行情况"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "id"]
        verbose_name = _("执行")

    def __str__(self) -> str:
        return f"{self.case_id} {self.done_on}"
