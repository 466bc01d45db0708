"""Levels 3–5 of the escalation ladder (DESIGN.md 3.9): 督办单 with a 文号 from a gap-free
counter, 通报 listings and 约谈 proposals.

A 督办单 starts as a proposal written by the tick for one cause (trigger, subject, cause key);
the unique constraint makes each cause fire at most once, and a dismissed proposal keeps its
row, so it closes its cause. The subject is an assignment or a supervised matter (exactly one
of the two foreign keys), each kind with its own conditional unique constraint.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganchao.ladder.choices import DocumentType, NoticeState, ResponseState, TalkState
from ganchao.supervision.choices import Trigger


class DocumentCounter(models.Model):
    """The last 文号 given per document type and year; read under a row lock inside the
    issuing transaction, so a rolled-back issue gives its number back (no gaps)."""

    type = models.CharField(_("文种"), max_length=16, choices=DocumentType.choices)
    year = models.PositiveIntegerField(_("年度"))
    last_number = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "year"], name="document_counter_unique")
        ]
        verbose_name = _("文号计数")

    def __str__(self) -> str:
        return f"{self.type} {self.year}: {self.last_number}"


class SupervisionNotice(models.Model):
    """A 督办单: proposed by the tick, issued (or dismissed) by the office, answered in writing
    by the unit, and the answer accepted or returned by the office."""

    state = models.CharField(
        _("状态"), max_length=16, choices=NoticeState.choices, default=NoticeState.PROPOSED
    )
    trigger = models.CharField(_("触发原因"), max_length=32, choices=Trigger.choices)
    cause_key = models.CharField(_("期间或期限"), max_length=40)
    assignment = models.ForeignKey(
        "goals.Assignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    matter = models.ForeignKey(
        "supervision.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    urge = models.ForeignKey(
        "supervision.Alert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="notices")
    proposed_at = models.DateTimeField(_("提出时间"), db_index=True)
    reason = models.TextField(_("督办缘由"))
    title = models.CharField(_("标题"), max_length=300)
    content = models.TextField(_("督办内容"))
    number = models.CharField(_("文号"), max_length=40, null=True, blank=True, unique=True)
    number_year = models.PositiveIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_due = models.DateField(_("回复期限"), null=True, blank=True, db_index=True)
    accepted_response_at = models.DateTimeField(_("回复认可时间"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("不予督办时间"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.TextField(_("不予督办理由"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "assignment", "cause_key"],
                condition=Q(assignment__isnull=False),
                name="notice_assignment_cause_unique",
            ),
            models.UniqueConstraint(
                fields=["trigger", "matter", "cause_key"],
                condition=Q(matter__isnull=False),
                name="notice_matter_cause_unique",
            ),
            models.CheckConstraint(
                condition=Q(assignment__isnull=False, matter__isnull=True)
                | Q(assignment__isnull=True, matter__isnull=False),
                name="notice_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["state", "response_due"], name="notice_state_due_idx")]
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("督办单")

    def __str__(self) -> str:
        return self.number or f"{self.title}（{self.get_state_display()}）"

    @property
    def subject_kind(self) -> str:
        return "matter" if self.matter_id else "assignment"


class NoticeResponse(models.Model):
    """A unit's written response to a 督办单; responses are kept, never overwritten."""

    notice = models.ForeignKey(
        SupervisionNotice, on_delete=models.PROTECT, related_name="responses"
    )
    text = models.TextField(_("书面回复"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("回复时间"))
    state = models.CharField(
        _("审核"), max_length=16, choices=ResponseState.choices, default=ResponseState.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("督办回复")

    def __str__(self) -> str:
        return f"{self.notice} {self.get_state_display()}"


class BulletinListing(models.Model):
    """A 通报 entry: a 督办单 without an accepted response by its due date, dated at that date
    and listed for the next bulletin; the leader in charge of the unit is told."""

    notice = models.OneToOneField(
        SupervisionNotice, on_delete=models.PROTECT, related_name="bulletin"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="bulletins")
    leader = models.ForeignKey(
        "orgs.Leader", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dated = models.DateField(_("通报日期"), db_index=True)
    at = models.DateTimeField(_("时间"))
    year = models.PositiveIntegerField(_("年度"))
    ordinal = models.PositiveIntegerField(_("本年第几次"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "ordinal"], name="bulletin_unit_ordinal_unique"
            )
        ]
        ordering = ["-dated", "-id"]
        verbose_name = _("通报")

    def __str__(self) -> str:
        return f"{self.unit} {self.dated} 通报"


class TalkProposal(models.Model):
    """A 约谈 proposed to the leader in charge for a unit's second and later 通报 of a year."""

    bulletin = models.OneToOneField(BulletinListing, on_delete=models.PROTECT, related_name="talk")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="talks")
    leader = models.ForeignKey(
        "orgs.Leader", null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    year = models.PositiveIntegerField(_("年度"))
    count = models.PositiveIntegerField(_("本年通报次数"))
    proposed_at = models.DateTimeField(_("提出时间"))
    state = models.CharField(
        _("状态"), max_length=16, choices=TalkState.choices, default=TalkState.PROPOSED
    )
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    notes = models.TextField(_("约谈情况"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "count"], name="talk_unit_count_unique")
        ]
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("约谈")

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年第{self.count}次通报 约谈"
