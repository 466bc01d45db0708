"""The records of administrative enforcement (DESIGN.md 3.13)."""

from ganchao.enforcement.models.case import (
    Action,
    Case,
    CaseFile,
    CaseOfficer,
    CaseRecord,
    RecordingGap,
)
from ganchao.enforcement.models.directory import (
    Agency,
    AVRecordingPolicy,
    EnforcementMatter,
    EnforcementSettings,
    Officer,
)
from ganchao.enforcement.models.disclosure import (
    DecisionOutcome,
    PublicationTask,
    PublicListVersion,
    PublicRecord,
)
from ganchao.enforcement.models.oversight import AnnualReport, ClockAlert, Complaint, Inspection
from ganchao.enforcement.models.procedure import (
    CaseDecision,
    CollectiveDiscussion,
    Delivery,
    Execution,
    Hearing,
    LegalReview,
    PartyStatement,
    PenaltyNotice,
    ReviewVerdict,
    SealRecord,
)

__all__ = [
    "AVRecordingPolicy",
    "Action",
    "Agency",
    "AnnualReport",
    "Case",
    "CaseDecision",
    "CaseFile",
    "CaseOfficer",
    "CaseRecord",
    "ClockAlert",
    "CollectiveDiscussion",
    "Complaint",
    "DecisionOutcome",
    "Delivery",
    "EnforcementMatter",
    "EnforcementSettings",
    "Execution",
    "Hearing",
    "Inspection",
    "LegalReview",
    "Officer",
    "PartyStatement",
    "PenaltyNotice",
    "PublicListVersion",
    "PublicRecord",
    "PublicationTask",
    "RecordingGap",
    "ReviewVerdict",
    "SealRecord",
]


def settings_get() -> EnforcementSettings:
    row, _created = EnforcementSettings.objects.get_or_create(pk=1)
    return row


# The decision-document slice's replaceable template.
from ganchao.enforcement.models.document import DocumentTemplate  # noqa: E402

__all__ += ["DocumentTemplate"]
