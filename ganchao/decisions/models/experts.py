"""Expert argumentation (A7), risk assessment (A8) and fair-competition review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.decisions.choices import Adoption, FairConclusion, RiskConclusion
from ganchao.decisions.models.decision import Decision, DecisionFile, DraftVersion
from ganchao.orgs.models import Unit


class ExpertPool(models.Model):
    """An expert pool (专家库) kept by a government; a city may use its own or the one above."""

    owner = models.ForeignKey(
        Unit, verbose_name=_("设立机关"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("专家库名称"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("专家库")

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    pool = models.ForeignKey(ExpertPool, on_delete=models.PROTECT, related_name="experts")
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("工作单位"), max_length=200)
    specialty = models.CharField(_("专业领域"), max_length=200)
    title = models.CharField(_("职称"), max_length=100, blank=True)
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        ordering = ["pool", "name"]
        verbose_name = _("专家")

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class ExpertAssignment(models.Model):
    """An expert assigned to a decision after a conflict-of-interest declaration; a declared
    direct interest refuses the assignment (nothing is created, the refusal is audited)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="experts")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    declaration = models.TextField(_("利益冲突声明"))
    declared_at = models.DateTimeField(_("声明时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "expert"], name="decision_expert_unique")
        ]
        verbose_name = _("论证专家")

    def __str__(self) -> str:
        return str(self.expert)


class ExpertOpinion(models.Model):
    """A written expert opinion, signed and sealed (A7), and how it was adopted (A12)."""

    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.PROTECT, related_name="opinions"
    )
    text = models.TextField(_("论证意见"))
    signed_by = models.CharField(_("签名"), max_length=50)
    signed_on = models.DateField(_("签署日期"))
    seal = models.CharField(_("盖章单位"), max_length=200)
    file = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adoption = models.CharField(_("采纳情况"), max_length=16, choices=Adoption.choices, blank=True)
    adoption_reason = models.TextField(_("采纳理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专家论证意见")

    def __str__(self) -> str:
        return f"{self.assignment.expert.name} 论证意见"


class RiskAssessment(models.Model):
    """A risk assessment report on a draft version (A8), or a reference to an assessment
    already made under other rules (`existing_reference`)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    draft = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    assessor = models.CharField(_("评估主体"), max_length=200)
    assessor_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    third_party = models.BooleanField(_("委托第三方评估"), default=False)
    existing_reference = models.CharField(
        _("已有风险评估（依其他规定）"), max_length=300, blank=True
    )
    risk_points = models.TextField(_("风险点"), blank=True)
    measures = models.TextField(_("防范化解措施"), blank=True)
    contingency_plan = models.TextField(_("处置预案"), blank=True)
    departments_heard = models.TextField(_("听取有关部门意见情况"), blank=True)
    conclusion = models.CharField(_("评估结论"), max_length=16, choices=RiskConclusion.choices)
    report = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "created_at", "pk"]
        verbose_name = _("风险评估")

    def __str__(self) -> str:
        return f"{self.decision.code} 风险评估"


class FairCompetitionReview(models.Model):
    """The fair-competition review (公平竞争审查) of a draft involving market activity (A12)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="fair_reviews")
    draft = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    reviewer_unit = models.ForeignKey(
        Unit, verbose_name=_("审查机构"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("审查日期"))
    opinion = models.TextField(_("审查意见"))
    conclusion = models.CharField(_("审查结论"), max_length=16, choices=FairConclusion.choices)
    file = models.ForeignKey(
        DecisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "created_at", "pk"]
        verbose_name = _("公平竞争审查")

    def __str__(self) -> str:
        return f"{self.decision.code} 公平竞争审查"
