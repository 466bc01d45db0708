"""Which model an id in an address names, and which of its rows belong to another unit: the data
behind the generated cross-unit isolation suite (test_isolation_generated.py, issue 12).

Every page pattern (django.urls) and every API path (the OpenAPI document) with an id parameter
must be covered by a rule here, or the suite fails naming it: a new page or endpoint forces
whoever adds it to say what its id names.

A rule is (regex searched in the route, id parameter name, target). The route is the page
pattern as Django prints it ("supervision/matters/<int:pk>/respond/") or the API path
("/api/v1/matters/{matter_id}/respond"); the first rule that matches wins.

A target is a model label. For a model in UNIT_SCOPED the rows "of unit B" for an actor of unit
A are those whose owner unit (the first path) lies outside A's subtree and above none of A's
own units, and that no other path links to A's subtree (a matter B leads but forwarded to A is
A's too). A model in CITY_LEVEL has no owning unit below the city (the city's plan, its
decisions and catalogues, the public records): a unit's staff may read its rows, but the
administrators may not (they read no business data, LEGAL_RULES C5). NOT_AN_OBJECT names
parameters that are no business object at all, with the reason.
"""

import re

# model label → unit paths (the owner first, then every other path that makes a row a unit's)
UNIT_SCOPED = {
    "orgs.User": ("unit",),
    "orgs.Post": ("unit", "user__unit"),
    "accounts.ApiToken": ("user__unit",),
    "accounts.PasswordResetRequest": ("user__unit",),
    "goals.Assignment": ("unit",),
    "goals.ProgressReport": ("assignment__unit",),
    "goals.Evidence": ("report__assignment__unit",),
    "goals.TargetAdjustment": ("assignment__unit",),
    "supervision.Alert": ("unit",),
    "supervision.Matter": ("lead_unit", "hops__to_unit", "hops__from_unit", "feedbacks__unit"),
    "supervision.MatterFeedback": (
        "unit",
        "matter__lead_unit",
        "matter__hops__to_unit",
        "matter__hops__from_unit",
    ),
    "supervision.MatterExtension": ("unit", "matter__lead_unit"),
    "notifications.Notification": ("user__unit",),
    "visits.FieldVisit": ("unit", "findings__unit"),
    "visits.Finding": ("unit", "visit__unit"),
    "visits.BurdenRequest": ("from_unit",),
    "ladder.SupervisionNotice": ("unit",),
    "ladder.TalkProposal": ("unit",),
    "assessment.ScoreItem": ("unit",),
    "assessment.Appeal": ("unit",),
    "assessment.AppealEvidence": ("appeal__unit",),
    "decisions.AdviserConsultation": ("unit",),
    "enforcement.Officer": ("agency__unit", "user__unit"),
    "enforcement.Case": ("agency__unit",),
    "enforcement.Action": ("case__agency__unit",),
    "enforcement.CaseFile": ("case__agency__unit",),
    "enforcement.LegalReview": ("case__agency__unit",),
    "enforcement.Hearing": ("case__agency__unit",),
    "enforcement.PublicationTask": ("case__agency__unit",),
    "enforcement.Complaint": ("agency__unit",),
    "problems.Problem": ("owner_unit", "found_by_unit"),
    "problems.ProblemPhoto": ("problem__owner_unit", "problem__found_by_unit"),
    "projects.KeyProject": ("lead_unit",),
    "enterprises.Enterprise": ("town",),
    "enterprises.Commissioner": ("enterprise__town",),
    "enterprises.Appeal": ("owner_unit", "enterprise__town"),
    "fiscal.Commitment": ("unit",),
}

# City-level rows: no unit below the city owns them. Checked for the administrators only.
CITY_LEVEL = {
    "orgs.Unit",
    "orgs.Leader",
    "goals.Plan",
    "goals.Item",
    "assessment.Benchmark",
    "assessment.BulletinIssue",
    "decisions.Decision",
    "decisions.Catalogue",
    "decisions.CatalogueItem",
    "decisions.Consultation",
    "decisions.PublicComment",
    "decisions.Opinion",
    "decisions.Hearing",
    "decisions.HearingParticipant",
    "decisions.ExpertPool",
    "decisions.Expert",
    "decisions.ExpertAssignment",
    "decisions.ExpertOpinion",
    "decisions.LegalityReview",
    "decisions.DecisionFile",
    "decisions.LegalAdviser",
    "decisions.Meeting",
    "decisions.AgendaItem",
    "enforcement.Agency",  # the register of enforcement organs (执法主体), published
    "enforcement.EnforcementMatter",
    "enforcement.PublicRecord",
}

# The public pages (no sign-in) show published rows to anyone: not swept.
PUBLIC_ROUTE = re.compile(r"^/?(api/v1/)?public/")

# Rows the administrators may read: the organisation they manage, and the public pages.
ADMIN_READABLE = {"orgs.Unit", "orgs.Leader", "orgs.User", "orgs.Post", "accounts.ApiToken"}
ADMIN_READABLE |= {"accounts.PasswordResetRequest"}


class NotAnObject(str):
    """A parameter that names no business object (the reason is the string)."""


AUDITED_OBJECT = NotAnObject("审计历史按对象类型和编号查询，仅审计管理员可读，由 audit 的测试覆盖")
IMPORT_JOB = NotAnObject("导入任务编号是随机令牌，只属于发起人，由 import_jobs 的测试覆盖")
UPLOAD_SESSION = NotAnObject("分段上传会话是随机令牌，只属于发起人，由 enforcement 的上传测试覆盖")
REVISION_NUMBER = NotAnObject("考核结果的修订序号（第几次修订），不是对象编号")
YEAR = NotAnObject("年度（如 2026），不是对象编号")

# (regex searched in the route, parameter, target); the first match wins.
RULES = [
    # administration
    (r"^/?(api/v1/)?accounts/users/|/api/v1/users/", "user_id", "orgs.User"),
    (r"/api/v1/users/", "post_id", "orgs.Post"),
    (r"tokens/", "token_id", "accounts.ApiToken"),
    (r"orgs/units/|/api/v1/units/", "pk|unit_id", "orgs.Unit"),
    (r"orgs/leaders/|/api/v1/leaders/|visits/leaders/", "pk|leader_id", "orgs.Leader"),
    (r"orgs/users/", "pk", "orgs.User"),
    (r"password-resets/", "pk|request_id", "accounts.PasswordResetRequest"),
    (r"audit/history/", "object_id", AUDITED_OBJECT),
    (r"imports/jobs/", "job_id", IMPORT_JOB),
    # supervision, ladder, notifications, visits
    (r"supervision/alerts/|/api/v1/alerts/", "pk|alert_id", "supervision.Alert"),
    (r"feedbacks/", "feedback_pk|feedback_id", "supervision.MatterFeedback"),
    (r"extensions/", "extension_pk|extension_id", "supervision.MatterExtension"),
    (r"supervision/matters/|^/api/v1/matters/", "pk|matter_id", "supervision.Matter"),
    (
        r"ladder/notices/|/api/v1/notices/|ladder/proposals/",
        "pk|notice_id",
        "ladder.SupervisionNotice",
    ),
    (r"ladder/talks/|/api/v1/talks/", "pk|talk_id", "ladder.TalkProposal"),
    (r"notifications/", "pk|notification_id", "notifications.Notification"),
    (r"findings/", "finding_id", "visits.Finding"),
    (r"^/?(api/v1/)?visits/", "pk|visit_id", "visits.FieldVisit"),
    (r"burden", "pk|request_id|burden_id", "visits.BurdenRequest"),
    # goals
    (r"goals/plans/|/api/v1/plans/", "pk|plan_id", "goals.Plan"),
    (r"benchmarks/indicators/", "item_pk", "goals.Item"),
    (r"goals/items/|^/api/v1/items/", "pk|item_id", "goals.Item"),
    (r"goals/assignments/|/api/v1/assignments/", "pk|assignment_id", "goals.Assignment"),
    (r"goals/reports/|/api/v1/reports/", "pk|report_id", "goals.ProgressReport"),
    (r"goals/evidence/|/api/v1/evidence/", "pk|evidence_id", "goals.Evidence"),
    (r"adjustments/", "pk|adjustment_id", "goals.TargetAdjustment"),
    # enterprises (服务企业): before assessment, whose "appeals/" rule would match them
    (r"^/?enterprises/appeals/|^/api/v1/appeals/", "pk|appeal_id", "enterprises.Appeal"),
    (r"enterprises/.*commissioners/", "assignment|assignment_id", "enterprises.Commissioner"),
    (r"^/?(api/v1/)?enterprises/", "pk|enterprise_id", "enterprises.Enterprise"),
    # assessment
    (r"revisions/", "revision", REVISION_NUMBER),
    (r"inputs/items/|/periods/\{period\}/items/", "item_id", "assessment.ScoreItem"),
    (r"appeals/.*evidence/", "evidence_pk|evidence_id", "assessment.AppealEvidence"),
    (r"appeals/", "pk|appeal_id", "assessment.Appeal"),
    (r"benchmarks/", "pk|benchmark_id", "assessment.Benchmark"),
    (r"bulletins/", "pk|bulletin_id", "assessment.BulletinIssue"),
    # decisions
    (r"catalogues/.*items/", "item_id", "decisions.CatalogueItem"),
    (r"catalogues/", "pk|catalogue_id", "decisions.Catalogue"),
    (
        r"public/consultations/|decision-consultations/",
        "pk|consultation_id",
        "decisions.Consultation",
    ),
    (r"decisions/consultations/", "consultation_id", "decisions.Consultation"),
    (r"comments/", "comment_id", "decisions.PublicComment"),
    (r"expert-opinions/", "opinion_id", "decisions.ExpertOpinion"),
    (r"decisions/opinions/|decision-opinions/", "opinion_id", "decisions.Opinion"),
    (r"hearing-participants/", "participant_id", "decisions.HearingParticipant"),
    (r"decisions/hearings/|decision-hearings/", "hearing_id", "decisions.Hearing"),
    (r"expert-pools/", "pool_id", "decisions.ExpertPool"),
    (r"experts/", "expert_id", "decisions.Expert"),
    (r"expert-assignments/|decision-experts/", "assignment_id", "decisions.ExpertAssignment"),
    (r"decisions/reviews/.*files/", "file_id", "decisions.DecisionFile"),
    (r"decisions/reviews/|/api/v1/legality-reviews/", "pk|review_id", "decisions.LegalityReview"),
    (r"advisers/|legal-advisers/", "pk|adviser_id", "decisions.LegalAdviser"),
    (r"adviser-consultations/", "pk|consultation_id", "decisions.AdviserConsultation"),
    (r"decisions/meetings/|decision-meetings/", "pk|meeting_id", "decisions.Meeting"),
    (r"agenda-items/", "pk|item_id", "decisions.AgendaItem"),
    (r"public/enforcement/decisions/", "pk|record_id", "enforcement.PublicRecord"),
    (r"^/?(api/v1/)?decisions/", "pk|decision_id", "decisions.Decision"),
    # enforcement
    (r"enforcement/uploads/", "upload_id", UPLOAD_SESSION),
    (r"enforcement/cases/.*files/", "file_id", "enforcement.CaseFile"),
    (r"enforcement/(cases/.*)?actions/", "action_id|aid", "enforcement.Action"),
    (r"enforcement/cases/", "pk|case_id", "enforcement.Case"),
    (r"enforcement/agencies/", "pk|agency_id", "enforcement.Agency"),
    (r"enforcement/officers/", "pk|officer_id", "enforcement.Officer"),
    (r"enforcement/matters/", "pk|matter_id", "enforcement.EnforcementMatter"),
    (r"enforcement/(legal-)?reviews/", "pk|review_id", "enforcement.LegalReview"),
    (r"enforcement/hearings/", "hid|hearing_id", "enforcement.Hearing"),
    (r"publication-tasks/", "pk|task_id", "enforcement.PublicationTask"),
    (r"complaints/", "pk|complaint_id", "enforcement.Complaint"),
    # problems (问题台账)
    (r"^/?(api/v1/)?problems/.*photos/", "photo_id", "problems.ProblemPhoto"),
    (r"^/?(api/v1/)?problems/from-visit/", "visit_pk", "visits.FieldVisit"),
    (r"^/?(api/v1/)?problems/", "pk|problem_id", "problems.Problem"),
    # projects (重点项目)
    (r"^/?(api/v1/)?projects/", "pk|project_id", "projects.KeyProject"),
    # fiscal (量力而行): a unit's year of capacity and commitments
    (r"^/?fiscal/units/", "unit_id", "orgs.Unit"),
    (r"^/?fiscal/units/", "year", YEAR),
    (r"^/?(api/v1/)?fiscal/commitments/", "commitment_id", "fiscal.Commitment"),
]

# Parameters that are ids: Django's <int:…> and any name ending in id or pk (or the short
# hid/aid of the enforcement pages). Codes, periods, days, roles and verbs are not.
ID_NAME = re.compile(r"(^|_)(id|pk)$|^(hid|aid|revision)$")


def is_id(name: str, converter: str = "") -> bool:
    return converter == "int" or bool(ID_NAME.search(name))


def target_for(route: str, param: str):
    """The target of `param` in `route`, or None when no rule covers it."""
    for pattern, params, target in RULES:
        if param in params.split("|") and re.search(pattern, route):
            return target
    return None
