"""Disclosure after the decision (B3–B5): the publication and withdrawal tasks on working-day
clocks, the public record (masked party), and the outcomes of review, litigation or
self-correction that withdraw it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.enforcement.choices import (
    ExemptionGround,
    OutcomeKind,
    OutcomeSource,
    TaskKind,
    TaskState,
)
from ganchao.enforcement.models.case import Case, Undeletable

USER = settings.AUTH_USER_MODEL


class DecisionOutcome(Undeletable):
    """B5: an outcome of 行政复议, 行政诉讼 or 自行纠错; four kinds withdraw the public record."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcomes")
    source = models.CharField(_("来源"), max_length=16, choices=OutcomeSource.choices)
    kind = models.CharField(_("结果"), max_length=24, choices=OutcomeKind.choices)
    decided_on = models.DateField(_("结果作出日期"))
    organ = models.CharField(_("作出机关"), max_length=200)
    document_no = models.CharField(_("文书编号"), max_length=100, blank=True)
    reason = models.TextField(_("理由"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = _("复议诉讼纠错结果")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class PublicationTask(models.Model):
    """A publication (B3) or withdrawal (B5) task with its working-day due date. An exemption
    from publication needs a reason reviewed by someone other than the requester."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="publication_tasks")
    kind = models.CharField(_("类型"), max_length=16, choices=TaskKind.choices)
    state = models.CharField(
        _("状态"), max_length=24, choices=TaskState.choices, default=TaskState.OPEN
    )
    created_on = models.DateField(_("起算日期"))
    due = models.DateField(_("期限"), db_index=True)
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    outcome = models.ForeignKey(
        DecisionOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exemption_ground = models.CharField(
        _("不予公开的依据"), max_length=24, choices=ExemptionGround.choices, blank=True
    )
    exemption_reason = models.TextField(_("不予公开的理由"), blank=True)
    exemption_requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exemption_reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exemption_reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    exemption_review_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["state", "due"], name="enf_task_state_due_idx")]
        verbose_name = _("公示任务")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.due}"


class PublicRecord(models.Model):
    """What the public sees of a decision: a snapshot taken at publication with the party
    masked (persons as 张某; ID and phone never copied here). A withdrawal hides the content and
    shows the notice with its reason; the row stays for the record."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="public_record")
    agency_name = models.CharField(_("执法机关"), max_length=200)
    matter_name = models.CharField(_("执法事项"), max_length=200)
    category = models.CharField(_("执法类别"), max_length=16)
    number = models.CharField(_("决定书文号"), max_length=60)
    party_masked = models.CharField(_("当事人"), max_length=200)
    party_is_person = models.BooleanField(default=False)
    title = models.CharField(_("案由"), max_length=200)
    conclusion = models.TextField(_("处理结果"))
    basis = models.TextField(_("处罚依据"), blank=True)
    decided_on = models.DateField(_("决定日期"))
    published_at = models.DateTimeField(_("公开时间"), db_index=True)
    expires_on = models.DateField(_("公示截止日期"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("公开的执法决定")

    def __str__(self) -> str:
        return f"{self.number} {self.party_masked}"


class PublicListVersion(models.Model):
    """The version the public portal caches its lists under: one row, pk=1, written by the first
    change (no row reads as 1). Every write that changes what the public sees (a publication, a
    withdrawal, an agency, officer or matter, an annual report) raises it in its own
    transaction, so every server process stops serving the lists cached before it; a restore
    raises it past the value it replaced."""

    value = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("公开列表版本")

    def __str__(self) -> str:
        return str(self.value)
