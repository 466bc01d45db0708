"""Assessment schemes (考核方案) and their components, bonus / deduction / veto items, manual
scores, and published results (DESIGN.md 3.10).

A scheme keeps a stable `code` across versions (`scheme_version`); a published Result is a
frozen snapshot that is never edited: a recomputation makes the next `result_revision`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.assessment.choices import (
    AppealState,
    ComponentKind,
    EmptyComponent,
    ItemKind,
    Method,
    PeriodType,
    SchemeState,
)
from ganchao.assessment.periods import period_label
from ganchao.common.models import TimeStamped

POINTS = {"max_digits": 8, "decimal_places": 2}


class Scheme(TimeStamped):
    """One version of an assessment scheme for a unit category and a period type."""

    code = models.CharField(_("方案编码"), max_length=64)
    name = models.CharField(_("方案名称"), max_length=200)
    category = models.ForeignKey(
        "orgs.UnitCategory",
        verbose_name=_("单位类别"),
        on_delete=models.PROTECT,
        related_name="schemes",
    )
    period_type = models.CharField(_("考核周期"), max_length=16, choices=PeriodType.choices)
    scheme_version = models.PositiveIntegerField(_("方案版本"), default=1)
    bonus_cap = models.DecimalField(_("加分上限"), default=5, **POINTS)
    excellent_threshold = models.DecimalField(_("优秀分数线"), default=90, **POINTS)
    good_threshold = models.DecimalField(_("良好分数线"), default=80, **POINTS)
    pass_threshold = models.DecimalField(_("合格分数线"), default=60, **POINTS)
    excellent_share = models.DecimalField(
        _("优秀比例上限"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=SchemeState.choices, default=SchemeState.ACTIVE
    )
    empty_component = models.CharField(
        _("无考核内容的工作项"),
        max_length=16,
        choices=EmptyComponent.choices,
        default=EmptyComponent.PRORATE,
    )
    # The participants are the category's active units minus these (e.g. the assessing
    # office itself); excluded units appear nowhere in the scheme's results.
    excluded_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("不参加考核的单位"), blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "scheme_version"], name="scheme_code_version_unique"
            )
        ]
        ordering = ["code", "-scheme_version"]
        verbose_name = _("考核方案")

    def __str__(self) -> str:
        return f"{self.name}（第{self.scheme_version}版）"

    @property
    def excellent_share_percent(self) -> str:
        """0.3000 → "30" (for the note on the cap on the share of 优秀)."""
        if self.excellent_share is None:
            return ""
        text = format(self.excellent_share * 100, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text


class Component(models.Model):
    """A component of a scheme (组成项) with its points and scoring method."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(_("组成项编码"), max_length=64)
    name = models.CharField(_("组成项"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=ComponentKind.choices)
    points = models.DecimalField(_("分值"), **POINTS)
    method = models.CharField(
        _("计分方法"), max_length=16, choices=Method.choices, default=Method.RATIO
    )
    floor = models.DecimalField(_("保底完成率"), max_digits=6, decimal_places=4, default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="component_scheme_code_unique")
        ]
        ordering = ["scheme", "position", "id"]
        verbose_name = _("考核组成项")

    def __str__(self) -> str:
        return f"{self.name}（{self.points}分）"


class ScoreItem(TimeStamped):
    """A bonus (加分), deduction (扣分) or veto (一票否决) item of a unit for one period; only
    approved items count. Items belong to the scheme code, whatever its version."""

    scheme_code = models.CharField(_("方案编码"), max_length=64)
    period = models.CharField(_("考核期间"), max_length=8)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="score_items")
    kind = models.CharField(_("类型"), max_length=16, choices=ItemKind.choices)
    points = models.DecimalField(_("分值"), default=0, **POINTS)
    reason = models.CharField(_("事由"), max_length=300)
    approved = models.BooleanField(_("已审定"), default=False)

    class Meta:
        indexes = [models.Index(fields=["scheme_code", "period"], name="score_item_period_idx")]
        verbose_name = _("加减分及否决事项")

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.reason}"


class ManualScore(TimeStamped):
    """A score entered or imported for a manual component (leaders' evaluation, survey)."""

    scheme_code = models.CharField(_("方案编码"), max_length=64)
    component_code = models.CharField(_("组成项编码"), max_length=64)
    period = models.CharField(_("考核期间"), max_length=8)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="manual_scores")
    score = models.DecimalField(_("得分"), **POINTS)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_code", "component_code", "period", "unit"],
                name="manual_score_unique",
            )
        ]
        verbose_name = _("评议得分")

    def __str__(self) -> str:
        return f"{self.unit} {self.component_code} {self.score}"


class Result(models.Model):
    """A published, frozen result of a scheme for one period; never edited after creation.

    `snapshot` holds every unit's breakdown (unit names as they were); `differences` lists what
    changed against the previous revision."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="results")
    scheme_code = models.CharField(_("方案编码"), max_length=64)
    scheme_version = models.PositiveIntegerField(_("方案版本"))
    period = models.CharField(_("考核期间"), max_length=8)
    result_revision = models.PositiveIntegerField(_("结果版本"))
    cutoff = models.DateField(_("截止日期"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("结果快照"))
    # Each unit's code, rank and total, copied from the snapshot: the rank trend of later
    # periods reads these few bytes instead of every breakdown of the snapshot.
    standings = models.JSONField(_("名次"), default=list, blank=True)
    # Units with nothing to assess (本期无考核内容): not ranked, listed under the table. Rows
    # like the snapshot's without rank, total, grade or gap.
    unassessed = models.JSONField(_("本期无考核内容的单位"), default=list, blank=True)
    differences = models.JSONField(_("与上一版本的差异"), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_code", "period", "result_revision"],
                name="result_revision_unique",
            )
        ]
        ordering = ["scheme_code", "period", "-result_revision"]
        verbose_name = _("考核结果")

    def __str__(self) -> str:
        """乡镇季度考核 2026年第二季度 第2版: the scheme by name, the period in words (the name
        an audit event and a page show), not TOWN-Q 2026-Q2."""
        name = self.scheme.name if self.scheme_id else self.scheme_code
        return f"{name} {period_label(self.period)} 第{self.result_revision}版"


class Benchmark(TimeStamped):
    """对标一流: a first-class value of an indicator — a benchmark city or region, its value,
    the year it was reached, where it comes from and how it is defined. Kept per indicator;
    several benchmarks of one indicator (a province's best, a national leader) are allowed."""

    item = models.ForeignKey(
        "goals.Item",
        verbose_name=_("指标"),
        on_delete=models.PROTECT,
        related_name="benchmarks",
    )
    region = models.CharField(_("标杆地区"), max_length=100)
    value = models.DecimalField(_("标杆值"), max_digits=20, decimal_places=4)
    year = models.PositiveIntegerField(_("年份"))
    source = models.CharField(_("数据来源"), max_length=200)
    definition = models.CharField(_("口径说明"), max_length=500, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["item", "-year", "region"]
        verbose_name = _("对标值")

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.value}"


class Appeal(TimeStamped):
    """申诉: a unit contests one component of a published result within the window; the
    office accepts it with an adjusted score (the original stays on record and on the page) or
    rejects it with a reason. An accepted appeal makes the next result revision."""

    scheme_code = models.CharField(_("方案编码"), max_length=64)
    period = models.CharField(_("考核期间"), max_length=8)
    result = models.ForeignKey(
        Result, verbose_name=_("申诉针对的结果"), on_delete=models.PROTECT, related_name="appeals"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="appeals")
    component_code = models.CharField(_("组成项编码"), max_length=64)
    component_name = models.CharField(_("组成项"), max_length=100)
    original_score = models.DecimalField(_("原得分"), **POINTS)
    requested_score = models.DecimalField(_("申请调整为"), null=True, blank=True, **POINTS)
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(
        _("状态"), max_length=16, choices=AppealState.choices, default=AppealState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出时间"))
    adjusted_score = models.DecimalField(_("调整后得分"), null=True, blank=True, **POINTS)
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    revision_made = models.PositiveIntegerField(_("形成结果版本"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["scheme_code", "period"], name="appeal_period_idx")]
        verbose_name = _("考核申诉")

    def __str__(self) -> str:
        return f"{self.unit} {self.component_name} 申诉"


class AppealEvidence(models.Model):
    """A supporting file of an appeal: type checked by content, hashed on upload."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申诉材料")

    def __str__(self) -> str:
        return self.original_name


class PublicRelease(models.Model):
    """The office's choice to show a scheme's results of a period on the public ranking page
    (the latest published revision is shown); withdrawing deletes nothing but sets
    `withdrawn_at`."""

    scheme_code = models.CharField(_("方案编码"), max_length=64)
    period = models.CharField(_("考核期间"), max_length=8)
    released_at = models.DateTimeField(_("公开时间"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme_code", "period"], name="public_release_unique")
        ]
        verbose_name = _("公开发布")

    def __str__(self) -> str:
        return f"{self.scheme_code} {self.period}"


class BulletinIssue(models.Model):
    """A bulletin (通报) of a scheme's period: its 文号 is taken once from the gap-free counter
    when first issued; generating the document again reuses it. A later result revision gets
    its own issue (and number) only when the office issues it again."""

    scheme_code = models.CharField(_("方案编码"), max_length=64)
    period = models.CharField(_("考核期间"), max_length=8)
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="bulletins")
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=40)
    issued_on = models.DateField(_("成文日期"))
    issued_at = models.DateTimeField(_("生成时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The document as issued: later downloads serve these bytes, not a fresh rendering with
    # today's lagging items or another template.
    document = models.FileField(upload_to="bulletins/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result"], name="bulletin_issue_result_unique"),
            models.UniqueConstraint(fields=["year", "sequence"], name="bulletin_issue_seq_unique"),
        ]
        ordering = ["-issued_at"]
        verbose_name = _("考核通报")

    def __str__(self) -> str:
        return self.number


class BulletinTemplate(models.Model):
    """The office's own .docx template of the bulletin (replacing the built-in one); the
    latest active row is used."""

    file = models.FileField(upload_to="templates/")
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("通报模板")

    def __str__(self) -> str:
        return self.original_name
