"""After the decision (A14): party report, publication, archive, execution reports,
suspension, post-decision evaluation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import EvaluationTrigger, PublicationChannel, SuspensionReason
from ganchao.decisions.models.decision import Decision, DecisionFile, UndeletableQuerySet
from ganchao.orgs.models import Unit


class PartyReport(models.Model):
    """The 请示报告 to the party committee at the same level before issuance (Art. 31)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="party_reports")
    reported_on = models.DateField(_("报告日期"))
    doc_number = models.CharField(_("请示报告文号"), max_length=100)
    recipient = models.CharField(_("报告对象"), max_length=100)
    reply = models.TextField(_("党委意见"), blank=True)
    file = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报告党委")

    def __str__(self) -> str:
        return self.doc_number


class Publication(models.Model):
    """The decision made public (Art. 32): gazette reference or website address."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="publications")
    channel = models.CharField(_("公布渠道"), max_length=16, choices=PublicationChannel.choices)
    reference = models.CharField(_("公报期号或网址"), max_length=300)
    published_on = models.DateField(_("公布日期"))
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    text = models.TextField(_("决策文本"), blank=True)
    interpretation = models.TextField(_("政策解读"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("决策公布")

    def __str__(self) -> str:
        return self.reference


class Archive(models.Model):
    """The decision's file (Art. 33) with the completeness checklist of every procedure
    performed. Never deleted."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="archives")
    archive_number = models.CharField(_("档号"), max_length=100)
    checklist = models.JSONField(_("归档清单"), default=list)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField(auto_now_add=True)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        verbose_name = _("决策档案")

    def __str__(self) -> str:
        return self.archive_number

    def delete(self, *args, **kwargs):
        raise PermissionError("重大行政决策档案不得删除")


class ExecutionReport(models.Model):
    """A report of the execution unit (Art. 34–35)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="execution_reports"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("报告期"), max_length=40)
    progress = models.TextField(_("执行情况"))
    problems = models.TextField(_("存在问题及建议"), blank=True)
    serious_change = models.BooleanField(_("出现重大问题或客观情况重大变化"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "-reported_at"]
        verbose_name = _("决策执行情况报告")

    def __str__(self) -> str:
        return f"{self.decision.code} {self.period}"


class Suspension(models.Model):
    """A suspension by the head (Art. 37), or the record of a major adjustment or termination
    (`action`), with its reason."""

    ACTIONS = [
        ("suspend", _("暂停执行")),
        ("resume", _("恢复执行")),
        ("adjust", _("启动重大调整")),
        ("terminate", _("终止")),
    ]

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="suspensions")
    action = models.CharField(_("操作"), max_length=16, choices=ACTIONS)
    reason_code = models.CharField(
        _("事由"), max_length=24, choices=SuspensionReason.choices, blank=True
    )
    reason = models.TextField(_("理由"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "at", "pk"]
        verbose_name = _("暂停、调整与终止")

    def __str__(self) -> str:
        return f"{self.decision.code} {self.get_action_display()}"


class PostEvaluation(models.Model):
    """A post-decision evaluation (Art. 36): trigger, evaluator (not the unit that did the main
    pre-decision argumentation or risk assessment), public input, result."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="evaluations")
    trigger = models.CharField(_("评估事由"), max_length=24, choices=EvaluationTrigger.choices)
    evaluator = models.CharField(_("评估主体"), max_length=200)
    evaluator_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_input = models.TextField(_("听取公众及人大代表、政协委员意见情况"), blank=True)
    result = models.TextField(_("评估结论"), blank=True)
    report = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "-created_at"]
        verbose_name = _("决策后评估")

    def __str__(self) -> str:
        return f"{self.decision.code} 决策后评估"
