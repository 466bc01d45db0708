"""Enforcement (行政执法三项制度, DESIGN.md 3.13, LEGAL_RULES.md section B): the stages of a case
and the transitions between them as data, the kinds of record, action and decision, and the
defaults of the B7 audio-video policy."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    FILED = "filed", _("立案")
    INVESTIGATING = "investigating", _("调查取证")
    REVIEWED = "reviewed", _("审核")
    NOTIFIED = "notified", _("告知")
    STATEMENT = "statement", _("陈述申辩/听证")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    COLLECTIVE = "collective", _("集体讨论")
    DECIDED = "decided", _("决定")
    SERVED = "served", _("送达")
    EXECUTING = "executing", _("执行")
    CLOSED = "closed", _("结案")
    WITHDRAWN = "withdrawn", _("撤销立案")


# The fixed stage order of a case (withdrawn is off the line).
STAGE_ORDER = [
    Stage.FILED,
    Stage.INVESTIGATING,
    Stage.REVIEWED,
    Stage.NOTIFIED,
    Stage.STATEMENT,
    Stage.LEGAL_REVIEW,
    Stage.COLLECTIVE,
    Stage.DECIDED,
    Stage.SERVED,
    Stage.EXECUTING,
    Stage.CLOSED,
]
OPEN_STAGES = set(STAGE_ORDER) - {Stage.CLOSED}
# Stages whose records B6 lists (启动、调查取证、审核、决定、送达、执行) plus the party's rights.
RECORDED_STAGES = [
    Stage.FILED,
    Stage.INVESTIGATING,
    Stage.REVIEWED,
    Stage.NOTIFIED,
    Stage.STATEMENT,
    Stage.LEGAL_REVIEW,
    Stage.COLLECTIVE,
    Stage.DECIDED,
    Stage.SERVED,
    Stage.EXECUTING,
]
# A case may move forward to the next stage, skip legal review / collective discussion when
# not required (the gates decide), or be withdrawn (撤销立案) before a decision.
TRANSITIONS: dict[str, set[str]] = {
    Stage.FILED: {Stage.INVESTIGATING, Stage.WITHDRAWN},
    Stage.INVESTIGATING: {Stage.REVIEWED, Stage.WITHDRAWN},
    Stage.REVIEWED: {
        Stage.NOTIFIED,
        Stage.LEGAL_REVIEW,
        Stage.COLLECTIVE,
        Stage.DECIDED,
        Stage.INVESTIGATING,
        Stage.WITHDRAWN,
    },
    Stage.NOTIFIED: {Stage.STATEMENT, Stage.LEGAL_REVIEW, Stage.COLLECTIVE, Stage.DECIDED},
    Stage.STATEMENT: {Stage.LEGAL_REVIEW, Stage.COLLECTIVE, Stage.DECIDED},
    Stage.LEGAL_REVIEW: {Stage.COLLECTIVE, Stage.DECIDED, Stage.INVESTIGATING},
    Stage.COLLECTIVE: {Stage.DECIDED, Stage.LEGAL_REVIEW},
    Stage.DECIDED: {Stage.SERVED},
    Stage.SERVED: {Stage.EXECUTING, Stage.CLOSED},
    Stage.EXECUTING: {Stage.CLOSED},
    Stage.CLOSED: set(),
    Stage.WITHDRAWN: set(),
}


class Step(models.TextChoices):
    """What the gates are asked about: each a user's action on a case."""

    OPEN = "open", _("立案")
    INVESTIGATE = "investigate", _("开始调查取证")
    REVIEW = "review", _("提交审核")
    NOTIFY = "notify", _("告知拟处罚决定")
    SUBMIT_LEGAL_REVIEW = "submit_legal_review", _("提交法制审核")
    COLLECTIVE = "collective", _("提交集体讨论")
    DECIDE = "decide", _("作出决定")
    ISSUE = "issue", _("签发决定书")
    SERVE = "serve", _("送达")
    EXECUTE = "execute", _("执行")
    CLOSE = "close", _("结案")
    COMPLETE_ACTION = "complete_action", _("完成执法活动")


class MatterCategory(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")
    PERMIT = "permit", _("行政许可")
    COMPULSION = "compulsion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    OTHER = "other", _("其他行政执法")


# B3: licences and penalties are published within 7 working days, everything else 20.
PUBLISH_WORKING_DAYS = {MatterCategory.PENALTY: 7, MatterCategory.PERMIT: 7}
PUBLISH_WORKING_DAYS_OTHER = 20


class MatterState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公示")
    SUPERSEDED = "superseded", _("已被新版本取代")
    REPEALED = "repealed", _("已停用")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", _("检查发现")
    COMPLAINT = "complaint", _("投诉举报")
    TRANSFER = "transfer", _("移送交办")
    RANDOM = "random", _("双随机抽查")
    OTHER = "other", _("其他")


class ViolationKind(models.TextChoices):
    """The kinds the work mechanism names, for the oversight statistics."""

    ILLEGAL_LAND = "illegal_land", _("违法占地")
    ILLEGAL_BUILDING = "illegal_building", _("私搭乱建")
    ILLEGAL_MINING = "illegal_mining", _("私挖滥采")
    PRIVATE_WELL = "private_well", _("私打水井")
    PROPERTY_SERVICE = "property_service", _("物业服务不规范")
    STREET_VENDING = "street_vending", _("占道经营")
    ENVIRONMENT = "environment", _("环境污染")
    MARKET = "market", _("市场经营违法")
    SAFETY = "safety", _("安全生产违法")
    OTHER = "other", _("其他")


class ActionKind(models.TextChoices):
    """An enforcement activity in the field or the case room (B2, B7)."""

    SITE_INSPECTION = "site_inspection", _("现场检查")
    RANDOM_INSPECTION = "random_inspection", _("随机抽查")
    EVIDENCE = "evidence", _("调查取证")
    PRESERVATION = "preservation", _("证据先行登记保存")
    HEARING = "hearing", _("听证")
    SEAL_UP = "seal_up", _("查封")
    SEIZE = "seize", _("扣押")
    DEMOLITION = "demolition", _("强制拆除")
    COMPULSORY_EXECUTION = "compulsory_execution", _("强制执行")
    PREMISES = "premises", _("执法办案场所询问")
    SERVICE = "service", _("送达")
    OTHER = "other", _("其他执法活动")


# B2: field actions need two qualified officers, the certificate shown and the party told.
FIELD_ACTIONS = {
    ActionKind.SITE_INSPECTION,
    ActionKind.RANDOM_INSPECTION,
    ActionKind.EVIDENCE,
    ActionKind.PRESERVATION,
    ActionKind.SEAL_UP,
    ActionKind.SEIZE,
    ActionKind.DEMOLITION,
    ActionKind.COMPULSORY_EXECUTION,
    ActionKind.SERVICE,
}
# The stage an action belongs to by default.
ACTION_STAGE = {
    ActionKind.SITE_INSPECTION: Stage.INVESTIGATING,
    ActionKind.RANDOM_INSPECTION: Stage.INVESTIGATING,
    ActionKind.EVIDENCE: Stage.INVESTIGATING,
    ActionKind.PRESERVATION: Stage.INVESTIGATING,
    ActionKind.HEARING: Stage.STATEMENT,
    ActionKind.SEAL_UP: Stage.INVESTIGATING,
    ActionKind.SEIZE: Stage.INVESTIGATING,
    ActionKind.DEMOLITION: Stage.EXECUTING,
    ActionKind.COMPULSORY_EXECUTION: Stage.EXECUTING,
    ActionKind.PREMISES: Stage.INVESTIGATING,
    ActionKind.SERVICE: Stage.SERVED,
    ActionKind.OTHER: Stage.INVESTIGATING,
}


class AVPolicy(models.TextChoices):
    MANDATORY_CONTINUOUS = "mandatory_continuous", _("全过程不间断音像记录")
    AS_NEEDED = "as_needed", _("根据实际情况音像记录")
    NOT_REQUIRED = "not_required", _("无需音像记录")


# B7 defaults; an administrator overrides them per action kind (AVRecordingPolicy rows).
DEFAULT_AV_POLICY = {
    ActionKind.SEAL_UP: AVPolicy.MANDATORY_CONTINUOUS,
    ActionKind.SEIZE: AVPolicy.MANDATORY_CONTINUOUS,
    ActionKind.DEMOLITION: AVPolicy.MANDATORY_CONTINUOUS,
    ActionKind.COMPULSORY_EXECUTION: AVPolicy.MANDATORY_CONTINUOUS,
    ActionKind.PREMISES: AVPolicy.MANDATORY_CONTINUOUS,
    ActionKind.SITE_INSPECTION: AVPolicy.AS_NEEDED,
    ActionKind.RANDOM_INSPECTION: AVPolicy.AS_NEEDED,
    ActionKind.EVIDENCE: AVPolicy.AS_NEEDED,
    ActionKind.PRESERVATION: AVPolicy.AS_NEEDED,
    ActionKind.HEARING: AVPolicy.AS_NEEDED,
    ActionKind.SERVICE: AVPolicy.AS_NEEDED,
    ActionKind.OTHER: AVPolicy.NOT_REQUIRED,
}
# A gap between two recordings of a continuous action longer than this needs a reason (s).
AV_GAP_TOLERANCE_SECONDS = 60


class RecordKind(models.TextChoices):
    TEXT = "text", _("文字记录")
    DOCUMENT = "document", _("执法文书")
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")


MEDIA_KINDS = {RecordKind.AUDIO, RecordKind.VIDEO}


class PenaltyKind(models.TextChoices):
    """《行政处罚法》 Art. 9."""

    WARNING = "warning", _("警告、通报批评")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件、降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT = "restrict", _("限制开展生产经营活动")
    STOP_PRODUCTION = "stop_production", _("责令停产停业、责令关闭")
    RESTRICT_EMPLOYMENT = "restrict_employment", _("限制从业")
    DETENTION = "detention", _("行政拘留")
    OTHER = "other", _("其他行政处罚")


class DecisionKind(models.TextChoices):
    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY = "no_penalty", _("不予行政处罚")
    PERMIT = "permit", _("准予行政许可")
    PERMIT_DENIED = "permit_denied", _("不予行政许可")
    COMPULSION = "compulsion", _("行政强制决定")
    TRANSFER = "transfer", _("移送司法机关")
    OTHER = "other", _("其他处理决定")


class StatementKind(models.TextChoices):
    STATEMENT = "statement", _("陈述申辩")
    HEARING_REQUEST = "hearing_request", _("申请听证")
    WAIVED = "waived", _("明确放弃陈述申辩和听证")
    NONE = "none", _("期限内未陈述申辩")


class ReviewItem(models.TextChoices):
    """B10: what the legal review checks, one verdict each."""

    BODY = "body", _("执法主体是否合法，执法人员是否具备执法资格")
    PROCEDURE = "procedure", _("执法程序是否合法")
    FACTS = "facts", _("案件事实是否清楚，证据是否确凿充分")
    LAW = "law", _("适用法律是否准确，裁量基准运用是否适当")
    AUTHORITY = "authority", _("是否超越执法机关法定权限")
    DOCUMENTS = "documents", _("执法文书是否完备、规范")
    CRIME = "crime", _("违法行为是否涉嫌犯罪、需要移送司法机关")


class Verdict(models.TextChoices):
    PASS = "pass", _("通过")
    PROBLEM = "problem", _("存在问题")


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交待分配")
    ASSIGNED = "assigned", _("审核中")
    PASSED = "passed", _("审核通过")
    RETURNED = "returned", _("存在问题，已退回")


class MajorReason(models.TextChoices):
    """B8: why a decision counts as major."""

    FINE_PERSON = "fine_person", _("对自然人罚款达到重大标准")
    FINE_ORGANISATION = "fine_organisation", _("对法人或其他组织罚款达到重大标准")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    STOP_PRODUCTION = "stop_production", _("责令停产停业、责令关闭")
    HEARING_HELD = "hearing_held", _("经过听证程序")
    MANUAL = "manual", _("承办人员认定为重大执法决定")


class DeliveryMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    ENTRUSTED = "entrusted", _("委托送达")
    NOTICE = "notice", _("公告送达")


class OutcomeKind(models.TextChoices):
    """B5: the outcome of a review, litigation or self-correction of a decision."""

    MAINTAINED = "maintained", _("维持")
    MODIFIED = "modified", _("变更")
    REVOKED = "revoked", _("撤销")
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", _("确认违法")
    CONFIRMED_VOID = "confirmed_void", _("确认无效")


WITHDRAWING_OUTCOMES = {
    OutcomeKind.MODIFIED,
    OutcomeKind.REVOKED,
    OutcomeKind.CONFIRMED_UNLAWFUL,
    OutcomeKind.CONFIRMED_VOID,
}
WITHDRAWAL_WORKING_DAYS = 3


class OutcomeSource(models.TextChoices):
    REVIEW = "review", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")
    SELF_CORRECTION = "self_correction", _("自行纠错")


class TaskKind(models.TextChoices):
    PUBLISH = "publish", _("公示")
    WITHDRAW = "withdraw", _("撤回")


class TaskState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    EXEMPTION_REQUESTED = "exemption_requested", _("申请不予公开待审")
    EXEMPT = "exempt", _("经审核不予公开")


class ExemptionGround(models.TextChoices):
    """《政府信息公开条例》 Arts 14–16."""

    STATE_SECRET = "state_secret", _("涉及国家秘密")
    LAW_FORBIDS = "law_forbids", _("法律、行政法规禁止公开")
    SECURITY = "security", _("危及国家安全、公共安全、经济安全、社会稳定")
    TRADE_SECRET = "trade_secret", _("涉及商业秘密")
    PRIVACY = "privacy", _("涉及个人隐私")
    INTERNAL = "internal", _("内部事务信息或过程性信息")


class ClockName(models.TextChoices):
    """B11 and the other clocks a case runs on."""

    DECIDE = "decide", _("作出决定（立案之日起90日）")
    DELIVER = "deliver", _("送达决定书（7个工作日）")
    HEARING_REQUEST = "hearing_request", _("申请听证（告知后5个工作日）")
    HEARING_NOTICE = "hearing_notice", _("听证通知（听证7个工作日前）")
    PRESERVATION = "preservation", _("先行登记保存证据处理（7个工作日）")
    LEGAL_REVIEW = "legal_review", _("法制审核时限")
    PUBLISH = "publish", _("决定公示")
    WITHDRAW = "withdraw", _("撤回公示")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    MET = "met", _("按期完成")
    LATE = "late", _("超期完成")
    ELAPSED = "elapsed", _("期限已届满")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("待处理")
    INSPECTED = "inspected", _("已核查")
    CASE_OPENED = "case_opened", _("已立案")
    CLOSED = "closed", _("已办结")
