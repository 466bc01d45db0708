"""States, allowed transitions, procedure kinds and the rule ids of LEGAL_RULES.md section A
(DESIGN.md 3.12), declared as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueState(models.TextChoices):
    DRAFT = "draft", _("草案")
    APPROVED = "approved", _("党委已同意")
    PUBLISHED = "published", _("已公布")


class Category(models.TextChoices):
    """Decree 713 Art. 3(1) five categories, and the three it excludes (refused by services)."""

    POLICY = "policy", _("重大公共政策和措施")
    PLANNING = "planning", _("经济社会发展重要规划")
    RESOURCES = "resources", _("自然资源和文化资源开发利用保护")
    PROJECT = "project", _("重大公共建设项目")
    OTHER = "other", _("其他涉及重大公共利益的事项")
    MACRO_CONTROL = "macro_control", _("宏观调控决策（财政、货币）")
    LEGISLATION = "legislation", _("政府立法决策")
    EMERGENCY = "emergency", _("突发事件应急处置决策")


EXCLUDED_CATEGORIES = {Category.MACRO_CONTROL, Category.LEGISLATION, Category.EMERGENCY}


class State(models.TextChoices):
    PROPOSED = "proposed", _("已提出")
    LAUNCHED = "launched", _("已启动")
    IN_REVIEW = "in_review", _("合法性审查中")
    READY = "ready", _("待集体讨论")
    DECIDED = "decided", _("已决定")
    PARTY_REPORTED = "party_reported", _("已报告党委")
    PUBLISHED = "published", _("已公布")
    ARCHIVED = "archived", _("已归档")
    EXECUTING = "executing", _("执行中")
    SUSPENDED = "suspended", _("暂停执行")
    ADJUSTING = "adjusting", _("重大调整中")
    TERMINATED = "terminated", _("已终止")
    REJECTED = "rejected", _("未通过")


# Allowed transitions: state → {next states}. Services check this table before the gates.
TRANSITIONS: dict[str, set[str]] = {
    State.PROPOSED: {State.LAUNCHED, State.TERMINATED},
    State.LAUNCHED: {State.IN_REVIEW, State.TERMINATED},
    State.IN_REVIEW: {State.READY, State.LAUNCHED, State.TERMINATED},
    State.READY: {State.DECIDED, State.REJECTED, State.LAUNCHED, State.TERMINATED},
    State.DECIDED: {State.PARTY_REPORTED},
    State.PARTY_REPORTED: {State.PUBLISHED},
    State.PUBLISHED: {State.ARCHIVED},
    State.ARCHIVED: {State.EXECUTING},
    State.EXECUTING: {State.SUSPENDED, State.ADJUSTING, State.TERMINATED},
    State.SUSPENDED: {State.EXECUTING, State.ADJUSTING, State.TERMINATED},
    State.ADJUSTING: {State.IN_REVIEW, State.TERMINATED},
    State.TERMINATED: set(),
    State.REJECTED: {State.LAUNCHED},
}

# States in which the procedures of the launched phase may be recorded.
PROCEDURE_STATES = {State.LAUNCHED, State.IN_REVIEW, State.ADJUSTING}
# States after the collective discussion: the substantive content is frozen (A14).
FROZEN_STATES = {
    State.DECIDED,
    State.PARTY_REPORTED,
    State.PUBLISHED,
    State.ARCHIVED,
    State.EXECUTING,
    State.SUSPENDED,
    State.TERMINATED,
    State.REJECTED,
}


class Step(models.TextChoices):
    """The next steps that the blockers are computed for."""

    LAUNCH = "launch", _("启动")
    REQUEST_REVIEW = "request_review", _("提请合法性审查")
    MEETING = "meeting", _("提交集体讨论")
    DECIDE = "decide", _("作出决定")
    PARTY_REPORT = "party_report", _("报告党委")
    PUBLISH = "publish", _("公布")
    ARCHIVE = "archive", _("归档")
    EXECUTE = "execute", _("转入执行")


# The step each state leads to next (the one its blockers describe).
NEXT_STEP = {
    State.PROPOSED: Step.LAUNCH,
    State.LAUNCHED: Step.REQUEST_REVIEW,
    State.ADJUSTING: Step.REQUEST_REVIEW,
    State.IN_REVIEW: Step.MEETING,
    State.READY: Step.DECIDE,
    State.DECIDED: Step.PARTY_REPORT,
    State.PARTY_REPORTED: Step.PUBLISH,
    State.PUBLISHED: Step.ARCHIVE,
    State.ARCHIVED: Step.EXECUTE,
}


class ProcedureKind(models.TextChoices):
    PARTICIPATION = "participation", _("公众参与")
    HEARING = "hearing", _("听证")
    EXPERTS = "experts", _("专家论证")
    RISK = "risk", _("风险评估")
    FAIR_COMPETITION = "fair_competition", _("公平竞争审查")
    LEGALITY = "legality", _("合法性审查")
    ADVISER = "adviser", _("法律顾问意见")
    MEETING = "meeting", _("集体讨论")
    PARTY_REPORT = "party_report", _("报告党委")
    PUBLICATION = "publication", _("公布")
    ARCHIVE = "archive", _("归档")
    EXECUTION = "execution", _("执行")
    EVALUATION = "evaluation", _("决策后评估")


class ProcedureState(models.TextChoices):
    NOT_STARTED = "not_started", _("未开展")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    EXEMPT = "exempt", _("依法免予")
    FAILED = "failed", _("未通过")
    NOT_REQUIRED = "not_required", _("无需开展")


# Rule ids (LEGAL_RULES.md section A). Hard gates: no role may pass them.
HARD_GATES = {"A3", "A9", "A12", "A13", "A16"}


class ConsultationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("已截止")


class CommentState(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已公开")
    REJECTED = "rejected", _("不予公开")


class OpinionSource(models.TextChoices):
    PUBLIC = "public", _("社会公众")
    DEPARTMENT = "department", _("有关部门")
    ORGANISATION = "organisation", _("人民团体、社会组织")
    HEARING = "hearing", _("听证会")
    OTHER = "other", _("其他")


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class HearingState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    CONFIRMED = "confirmed", _("已确定")
    CLOSED = "closed", _("已结束")


class RiskConclusion(models.TextChoices):
    CONTROLLABLE = "controllable", _("风险可控")
    UNCONTROLLABLE = "uncontrollable", _("风险不可控")


class FairConclusion(models.TextChoices):
    PASSES = "passes", _("符合公平竞争审查标准")
    AFTER_CHANGES = "after_changes", _("经调整后符合")
    FAILS = "fails", _("不符合，不得出台")


class ReviewState(models.TextChoices):
    REQUESTED = "requested", _("审查中")
    SUPPLEMENTING = "supplementing", _("补充材料中")
    RETURNED = "returned", _("已退回")
    CONCLUDED = "concluded", _("已出具意见")


class ReviewConclusion(models.TextChoices):
    LAWFUL = "lawful", _("合法")
    LAWFUL_AFTER_CHANGES = "lawful_after_changes", _("修改后合法")
    EXPLORATORY = "exploratory", _("探索性改革，明示法律风险")
    UNLAWFUL = "unlawful", _("不合法")


class MaterialKind(models.TextChoices):
    DRAFT = "draft", _("决策草案")
    EXPLANATION = "explanation", _("起草说明")
    LEGAL_BASIS = "legal_basis", _("法律依据")
    PROCEDURE_STATEMENT = "procedure_statement", _("履行法定程序情况说明")
    SUPPLEMENT = "supplement", _("补充材料")
    SIGNED_RECORD = "signed_record", _("听证笔录签字件")
    EXPERT_OPINION = "expert_opinion", _("专家论证意见")
    RISK_REPORT = "risk_report", _("风险评估报告")
    FAIR_REVIEW = "fair_review", _("公平竞争审查材料")
    REVIEW_OPINION = "review_opinion", _("合法性审查意见书")
    ADVISER_OPINION = "adviser_opinion", _("法律顾问意见")
    MINUTES = "minutes", _("会议纪要")
    PARTY_REPORT = "party_report", _("请示报告")
    PUBLICATION = "publication", _("公布文本")
    EXECUTION = "execution", _("执行情况报告")
    EVALUATION = "evaluation", _("评估报告")
    OTHER = "other", _("其他")


class AdviserKind(models.TextChoices):
    GOVERNMENT_ADVISER = "government_legal_adviser", _("政府法律顾问")
    PUBLIC_LAWYER = "public_lawyer", _("公职律师")


class AdviserConclusion(models.TextChoices):
    COMPLIANT = "compliant", _("合法合规")
    COMPLIANT_WITH_ADVICE = "compliant_with_advice", _("基本合规，提出修改建议")
    NON_COMPLIANT = "non_compliant", _("不合法或不合规")


class AdviserAdoption(models.TextChoices):
    ADOPTED = "adopted", _("已采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")
    PENDING = "pending", _("待定")


class MeetingType(models.TextChoices):
    STANDING = "standing", _("常务会议")
    PLENARY = "plenary", _("全体会议")
    CIRCULATION = "circulation", _("传阅会签")  # offered only to be refused (A13)


ACCEPTED_MEETING_TYPES = {MeetingType.STANDING, MeetingType.PLENARY}


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已召开")
    SIGNED_OFF = "signed_off", _("记录已签发")


class Position(models.TextChoices):
    AGREE = "agree", _("同意")
    AGREE_WITH_CHANGES = "agree_with_changes", _("原则同意，提出修改意见")
    DISAGREE = "disagree", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class HeadDecision(models.TextChoices):
    ADOPT = "adopt", _("同意（通过）")
    ADOPT_WITH_CHANGES = "adopt_with_changes", _("修改后通过")
    REJECT = "reject", _("不同意（不予通过）")
    DEFER = "defer", _("暂缓决定，再次审议")


class PublicationChannel(models.TextChoices):
    GAZETTE = "gazette", _("政府公报")
    WEBSITE = "website", _("政府网站")
    NEWSPAPER = "newspaper", _("本地报纸")
    NEW_MEDIA = "new_media", _("政务新媒体")


class SuspensionReason(models.TextChoices):
    """Decree 713 Art. 35: problems found in execution, serious change of circumstances."""

    PROBLEM_FOUND = "problem_found", _("执行中发现重大问题（第三十五条）")
    CIRCUMSTANCES = "circumstances", _("客观情况发生重大变化（第三十五条）")
    PUBLIC_OPINION = "public_opinion", _("社会公众反映强烈（第三十五条）")


class EvaluationTrigger(models.TextChoices):
    BELOW_EXPECTATION = "below_expectation", _("未达预期效果")
    MANY_OPINIONS = "many_opinions", _("公民、法人或者其他组织提出较多意见")
    NECESSARY = "necessary", _("决策机关认为有必要")
