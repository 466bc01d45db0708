"""Problem ledger (问题台账, DESIGN.md 3.14): problems found in villages, project sites and
enterprise workshops, their rectification, verification and 销号, their photos and timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.problems.choices import (
    Category,
    EventKind,
    PhotoStage,
    PlaceType,
    Severity,
    Source,
    State,
)
from ganchao.supervision.choices import Level


class ProblemSettings(models.Model):
    """The office's settings of the ledger (one row): the recurrence window and the default
    rectification deadlines per severity, in working days."""

    recurrence_window_days = models.PositiveIntegerField(_("复发认定期（天）"), default=180)
    deadline_general_days = models.PositiveIntegerField(_("一般问题整改时限（工作日）"), default=20)
    deadline_serious_days = models.PositiveIntegerField(_("较重问题整改时限（工作日）"), default=10)
    deadline_severe_days = models.PositiveIntegerField(_("严重问题整改时限（工作日）"), default=5)
    # an overdue problem is urged (催办) the day after its deadline and supervised (督办) by the
    # leader in charge once it has been overdue this many working days
    escalate_after_working_days = models.PositiveIntegerField(
        _("逾期后报分管领导督办（工作日）"), default=5
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("问题台账设置")

    def __str__(self) -> str:
        return str(_("问题台账设置"))

    def deadline_days(self, severity: str) -> int:
        return {
            Severity.GENERAL: self.deadline_general_days,
            Severity.SERIOUS: self.deadline_serious_days,
            Severity.SEVERE: self.deadline_severe_days,
        }[severity]


class Problem(TimeStamped):
    """One problem of the ledger, from whatever source, owned by a unit until it is 销号."""

    number = models.CharField(_("编号"), max_length=32, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    place_type = models.CharField(_("地点类型"), max_length=16, choices=PlaceType.choices)
    place = models.CharField(_("地点"), max_length=200)
    # the place without whitespace: the key recurrence compares
    place_key = models.CharField(max_length=200, db_index=True, editable=False)
    place_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("所在村（社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_located",
    )
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("问题描述"))
    legacy = models.BooleanField(_("历史遗留"), default=False)
    blocks_project = models.BooleanField(_("阻碍项目推进"), default=False)
    owner_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="problems_owned",
    )
    found_on = models.DateField(_("发现日期"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发现人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_found",
    )
    found_by_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("发现单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_found",
    )
    deadline = models.DateField(_("整改时限"))
    measures = models.TextField(_("整改措施"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True
    )
    item = models.ForeignKey(
        "goals.Item",
        verbose_name=_("关联目标任务或重点项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    matter = models.ForeignKey(
        "supervision.Matter",
        verbose_name=_("关联督办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    case = models.ForeignKey(
        "enforcement.Case",
        verbose_name=_("关联执法案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    finding = models.ForeignKey(
        "visits.Finding",
        verbose_name=_("调研发现问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    recurrence_count = models.PositiveIntegerField(_("复发次数"), default=0)
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("复发自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recurrences",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_closed",
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(
                fields=["place_type", "place_key", "category"], name="problem_recurrence_idx"
            ),
            models.Index(fields=["owner_unit", "state"], name="problem_owner_state_idx"),
            models.Index(fields=["state", "deadline"], name="problem_state_deadline_idx"),
        ]
        verbose_name = _("问题")

    def __str__(self) -> str:
        return f"{self.number} {self.description[:40]}"


class ProblemEvent(models.Model):
    """One step of a problem's timeline: who did what, when, and the state it moved between."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("问题处理记录")

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ProblemPhoto(models.Model):
    """A photo of a problem, as found or after rectification: type read from its bytes
    (JPEG, PNG, WebP), SHA-256 taken on upload and re-verified by `ganchao files verify`,
    with a thumbnail of at most 320 px."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=16, choices=PhotoStage.choices)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(upload_to="problems/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    thumbnail = models.FileField(upload_to="problems/thumbs/%Y/%m/", max_length=200, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    event = models.ForeignKey(
        ProblemEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("问题照片")

    def __str__(self) -> str:
        return self.original_name


class ProblemAlert(models.Model):
    """An overdue problem on the escalation ladder (DESIGN.md 3.9 levels, as enforcement's clock
    alerts): 催办 to the owner unit the day after the deadline, 督办 to the owner unit's leader in
    charge after the configured working days. One row per cause (problem, deadline, level), so a
    second tick adds nothing and a new deadline is a new cause."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="alerts")
    due = models.DateField(_("整改时限"))
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        "orgs.Leader", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "due", "level"], name="problem_alert_cause_unique"
            )
        ]
        verbose_name = _("问题逾期催督办")

    def __str__(self) -> str:
        return f"{self.problem_id} {self.due} {self.level}"
