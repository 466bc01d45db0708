"""The case (DESIGN.md 3.13): its party, place and officers, the field actions (B2), and the
full-process record (B6, B7): text records per stage and stored files hashed on upload."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.crypto import EncryptedCharField
from ganchao.common.models import TimeStamped
from ganchao.enforcement.choices import (
    ActionKind,
    CaseSource,
    PartyKind,
    RecordKind,
    Stage,
    ViolationKind,
)


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("执法案卷记录不能删除")


class Undeletable(models.Model):
    """B6 / C7: the records of a case are write-once; no code path deletes them."""

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("执法案卷记录不能删除")


class Case(TimeStamped):
    code = models.CharField(_("案件编号"), max_length=20, unique=True)
    year = models.PositiveIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    agency = models.ForeignKey(
        "enforcement.Agency",
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    matter = models.ForeignKey(
        "enforcement.EnforcementMatter",
        verbose_name=_("执法事项"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    stage = models.CharField(
        _("环节"), max_length=16, choices=Stage.choices, default=Stage.FILED, db_index=True
    )
    visited = models.JSONField(_("经过的环节"), default=list, blank=True)
    source = models.CharField(
        _("案件来源"), max_length=16, choices=CaseSource.choices, default=CaseSource.INSPECTION
    )
    violation = models.CharField(
        _("违法类型"), max_length=20, choices=ViolationKind.choices, default=ViolationKind.OTHER
    )
    title = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实"), blank=True)
    party_kind = models.CharField(_("当事人类型"), max_length=16, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人"), max_length=200)
    party_id_no = EncryptedCharField(_("身份证件号码或统一社会信用代码"), max_length=40, blank=True)
    party_phone = EncryptedCharField(_("联系电话"), max_length=40, blank=True)
    party_address = models.CharField(_("住所或地址"), max_length=200, blank=True)
    party_representative = models.CharField(_("法定代表人或负责人"), max_length=50, blank=True)
    place = models.CharField(_("违法地点"), max_length=200)
    place_key = models.CharField(_("地点标识"), max_length=200, db_index=True, blank=True)
    filed_on = models.DateField(_("立案日期"), db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    complex = models.BooleanField(_("情节复杂或重大违法（须集体讨论）"), default=False)
    manual_major = models.BooleanField(_("人工认定为重大执法决定"), default=False)
    manual_major_reason = models.TextField(_("认定重大的理由"), blank=True)
    # The proposed decision (filled at 审核 / 告知), read by the major-decision rules (B8).
    proposed_penalties = models.JSONField(_("拟处罚种类"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("拟罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    proposed_summary = models.TextField(_("拟处理意见"), blank=True)
    major_public_interest = models.BooleanField(_("涉及重大公共利益"), default=False)
    multiple_legal_relations = models.BooleanField(_("疑难复杂，涉及多个法律关系"), default=False)
    rectification_required = models.BooleanField(_("须责令改正"), default=True)
    rectified_on = models.DateField(_("整改核实日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改核实情况"), blank=True)
    withdrawn_reason = models.TextField(_("撤销立案理由"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    complaint = models.ForeignKey(
        "enforcement.Complaint",
        verbose_name=_("来源投诉"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    class Meta:
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="enf_case_year_seq_unique")
        ]
        indexes = [models.Index(fields=["agency", "stage"], name="enf_case_agency_stage_idx")]
        verbose_name = _("执法案件")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def delete(self, *args, **kwargs):
        raise PermissionError("执法案件不能删除，只能撤销立案")


class CaseOfficer(models.Model):
    """An officer handling the case (承办人员); the first is the lead (主办)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_officers")
    officer = models.ForeignKey(
        "enforcement.Officer", on_delete=models.PROTECT, related_name="case_roles"
    )
    lead = models.BooleanField(_("主办"), default=False)

    class Meta:
        ordering = ["-lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="enf_case_officer_unique")
        ]
        verbose_name = _("承办人员")

    def __str__(self) -> str:
        return f"{self.case_id} {self.officer_id}"


class Action(Undeletable):
    """A field or case-room activity (B2): who took part, when it began and ended, whether the
    certificates were shown and the party told. Its audio-video must cover it where the B7
    policy says so; `completed_at` is set when the gates let it complete."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    kind = models.CharField(_("执法活动"), max_length=32, choices=ActionKind.choices)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    officers = models.ManyToManyField(
        "enforcement.Officer", verbose_name=_("执法人员"), related_name="actions"
    )
    certificate_shown_at = models.DateTimeField(_("出示执法证件时间"), null=True, blank=True)
    informed_at = models.DateTimeField(_("告知事由、依据和权利义务时间"), null=True, blank=True)
    note = models.TextField(_("活动记录"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    resolved_on = models.DateField(_("先行登记保存证据处理日期"), null=True, blank=True)
    resolution = models.TextField(_("处理决定"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("执法活动")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"


class CaseRecord(Undeletable):
    """A text record of a stage (B6). Files hang on records."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    text = models.TextField(_("文字记录"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "stage"], name="enf_record_case_stage_idx")]
        verbose_name = _("文字记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_stage_display()}"


class CaseFile(Undeletable):
    """A document, photo or audio-video recording of a case: streamed to storage in chunks,
    SHA-256 taken on the way, re-verified on every access and by `ganchao files verify`.
    `recorded_from`/`recorded_to` are a recording's own timestamps (B7 coverage)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="files")
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    record = models.ForeignKey(
        CaseRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=RecordKind.choices)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    file = models.FileField(upload_to="enforcement/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    recorded_from = models.DateTimeField(_("录制开始"), null=True, blank=True)
    recorded_to = models.DateTimeField(_("录制结束"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("案卷材料")

    def __str__(self) -> str:
        return self.original_name


class RecordingGap(Undeletable):
    """B7: the technical reason an officer stated for an interruption of a continuous
    recording, covering the gap between two recordings of an action."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="gaps")
    gap_from = models.DateTimeField(_("中断开始"))
    gap_to = models.DateTimeField(_("恢复录制"))
    reason = models.TextField(_("中断的技术原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["gap_from", "id"]
        verbose_name = _("音像记录中断说明")

    def __str__(self) -> str:
        return f"{self.action_id} {self.gap_from:%H:%M}–{self.gap_to:%H:%M}"
