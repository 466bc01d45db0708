"""Collective discussion (集体讨论, A12, A13, A16): meetings, agenda items with their packet,
each member's position and the head's decision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import HeadDecision, MeetingState, MeetingType, Position
from ganchao.decisions.models.decision import Decision
from ganchao.orgs.models import Unit


class Meeting(models.Model):
    """A 常务会议 or 全体会议 of the decision organ. After sign-off its record is append-only."""

    owner = models.ForeignKey(
        Unit, verbose_name=_("决策机关"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingType.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    chaired_by = models.CharField(_("主持人（行政首长）"), max_length=50)
    state = models.CharField(
        _("状态"), max_length=16, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("决策会议")

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """A decision on a meeting's agenda, with the packet (A12) frozen when it was added, and
    the head's decision (A13)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="agenda_items")
    seq = models.PositiveSmallIntegerField(_("议题序号"))
    packet = models.JSONField(_("会议材料清单"), default=list)
    legal_risk_statement = models.TextField(_("法律风险提示"), blank=True)
    urgency_flag = models.TextField(_("审查时间不足7个工作日的紧急情况说明"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    head_name = models.CharField(_("行政首长"), max_length=50, blank=True)
    head_decision = models.CharField(
        _("行政首长决定"), max_length=24, choices=HeadDecision.choices, blank=True
    )
    head_reason = models.TextField(_("与多数意见不一致的理由"), blank=True)
    head_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="decision_agenda_seq_unique")
        ]
        verbose_name = _("会议议题")

    def __str__(self) -> str:
        return f"{self.meeting} 议题{self.seq}"


class MemberPosition(models.Model):
    """One member's position on an agenda item, recorded before the head's decision; dissent
    is kept (Decree 713 Art. 38)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="positions")
    member = models.CharField(_("组成人员"), max_length=50)
    member_title = models.CharField(_("职务"), max_length=100, blank=True)
    position = models.CharField(_("意见"), max_length=24, choices=Position.choices)
    remarks = models.TextField(_("发言要点"), blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="decision_position_unique")
        ]
        verbose_name = _("组成人员意见")

    def __str__(self) -> str:
        return f"{self.member}：{self.get_position_display()}"
