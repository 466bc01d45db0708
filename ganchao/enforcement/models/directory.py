"""Who enforces what (B1, B2, B10): agencies, their officers with certificates, the enforcement
matters (事项) with what must be public before a case may be opened under them, and the local
parameters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.enforcement.choices import ActionKind, AVPolicy, MatterCategory, MatterState


class EnforcementSettings(models.Model):
    """The local parameters of enforcement (one row, pk=1); national values are the defaults
    and LEGAL_RULES.md section 4 names those that vary by locality."""

    major_fine_person = models.DecimalField(
        _("重大执法决定罚款标准：自然人（元）"), max_digits=14, decimal_places=2, default=10000
    )
    major_fine_organisation = models.DecimalField(
        _("重大执法决定罚款标准：法人或其他组织（元）"),
        max_digits=14,
        decimal_places=2,
        default=100000,
    )
    major_revoke_licence = models.BooleanField(_("吊销许可证件属重大执法决定"), default=True)
    major_stop_production = models.BooleanField(_("责令停产停业属重大执法决定"), default=True)
    review_working_days = models.PositiveSmallIntegerField(_("法制审核时限（工作日）"), default=7)
    review_extension_working_days = models.PositiveSmallIntegerField(
        _("法制审核可延长（工作日）"), default=3
    )
    decide_calendar_days = models.PositiveSmallIntegerField(
        _("作出处罚决定期限（立案之日起，日）"), default=90
    )
    deliver_working_days = models.PositiveSmallIntegerField(
        _("决定书送达期限（工作日）"), default=7
    )
    hearing_request_working_days = models.PositiveSmallIntegerField(
        _("申请听证期限（告知后，工作日）"), default=5
    )
    hearing_notice_working_days = models.PositiveSmallIntegerField(
        _("听证通知提前（工作日）"), default=7
    )
    preservation_working_days = models.PositiveSmallIntegerField(
        _("先行登记保存证据处理期限（工作日）"), default=7
    )
    publish_all_penalties = models.BooleanField(
        _("所有行政处罚决定均予公开（不限于具有社会影响的）"), default=True
    )
    publication_years = models.PositiveSmallIntegerField(_("公示期限（年）"), default=5)
    publication_years_person = models.PositiveSmallIntegerField(
        _("自然人案件公示期限（年）"), default=2
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("屡禁不止判定期间（日）"), default=365)
    complaint_threshold = models.PositiveSmallIntegerField(_("监管缺位：投诉次数达到"), default=3)
    complaint_window_days = models.PositiveSmallIntegerField(
        _("监管缺位：统计期间（日）"), default=90
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("时限超期后报分管领导（工作日）"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("行政执法设置")

    def __str__(self) -> str:
        return str(_("行政执法设置"))


class AVRecordingPolicy(models.Model):
    """B7: an administrator's override of the default audio-video policy of an action kind."""

    action_kind = models.CharField(
        _("执法活动"), max_length=32, choices=ActionKind.choices, unique=True
    )
    policy = models.CharField(_("音像记录要求"), max_length=32, choices=AVPolicy.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action_kind"]
        verbose_name = _("音像记录要求")

    def __str__(self) -> str:
        return f"{self.get_action_kind_display()}：{self.get_policy_display()}"


class Agency(TimeStamped):
    """An enforcement organ (执法主体): a unit of the org tree with its public particulars. Its
    leader in charge is the unit's 分管 leader (orgs.LeaderArea)."""

    unit = models.OneToOneField(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="agency"
    )
    name = models.CharField(_("执法主体名称"), max_length=200)
    basis = models.TextField(_("执法依据和职责"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    review_organ = models.CharField(_("行政复议机关"), max_length=200, blank=True)
    court = models.CharField(_("管辖人民法院"), max_length=200, blank=True)
    seal_name = models.CharField(_("印章名称"), max_length=200, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("执法主体")

    def __str__(self) -> str:
        return self.name


class EnforcementMatter(TimeStamped):
    """An enforcement matter (执法事项) in one version. B1: it opens cases only once published,
    which needs every public field; a change of legal basis publishes a new version and the old
    one is superseded (cases keep the version they were opened under)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="matters"
    )
    code = models.CharField(_("事项编码"), max_length=40)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("执法类别"), max_length=16, choices=MatterCategory.choices)
    number = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=MatterState.choices, default=MatterState.DRAFT
    )
    legal_basis = models.TextField(_("法律依据"), blank=True)
    procedure = models.TextField(_("办理程序"), blank=True)
    flowchart = models.TextField(_("执法流程图（步骤）"), blank=True)
    accepting_body = models.CharField(_("受理机构"), max_length=200, blank=True)
    approving_body = models.CharField(_("决定机构"), max_length=200, blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    time_limit = models.CharField(_("办理时限"), max_length=200, blank=True)
    remedy = models.TextField(_("救济途径"), blank=True)
    discretion_standard = models.TextField(_("裁量基准"), blank=True)
    discretion_link = models.CharField(_("裁量基准公开链接"), max_length=300, blank=True)
    random_inspection = models.BooleanField(_("列入双随机抽查事项清单"), default=False)
    change_note = models.TextField(_("修订说明"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency", "code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code", "number"], name="enf_matter_version_unique"
            )
        ]
        verbose_name = _("执法事项")

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"


class Officer(TimeStamped):
    """An enforcement officer (or a legal reviewer) of an agency. B2: the certificate, its expiry
    and the matters it covers; B10: the 法律职业资格 or the grandfather flag."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="officers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officer",
    )
    name = models.CharField(_("姓名"), max_length=50)
    certificate_no = models.CharField(_("执法证号"), max_length=40, blank=True)
    certificate_expires = models.DateField(_("执法证有效期至"), null=True, blank=True)
    matters = models.ManyToManyField(
        EnforcementMatter, verbose_name=_("执法证覆盖事项"), blank=True, related_name="officers"
    )
    covers_all_matters = models.BooleanField(_("覆盖本主体全部事项"), default=False)
    is_reviewer = models.BooleanField(_("法制审核人员"), default=False)
    legal_qualification = models.BooleanField(_("具有法律职业资格"), default=False)
    grandfathered = models.BooleanField(_("2021年7月15日前已从事法制审核工作"), default=False)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~models.Q(certificate_no=""),
                name="enf_officer_certificate_unique",
            )
        ]
        verbose_name = _("执法人员")

    def __str__(self) -> str:
        return self.name
