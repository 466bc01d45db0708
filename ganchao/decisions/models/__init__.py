"""The records of a major administrative decision (DESIGN.md 3.12): catalogue, the decision,
the procedures attached to it, the meeting, and what follows the decision."""

from ganchao.decisions.models.advisers import AdviserConsultation, LegalAdviser
from ganchao.decisions.models.after import (
    Archive,
    ExecutionReport,
    PartyReport,
    PostEvaluation,
    Publication,
    Suspension,
)
from ganchao.decisions.models.catalogue import Catalogue, CatalogueItem, DecisionSettings
from ganchao.decisions.models.decision import (
    Decision,
    DecisionFile,
    DraftVersion,
    UndertakingUnit,
)
from ganchao.decisions.models.experts import (
    Expert,
    ExpertAssignment,
    ExpertOpinion,
    ExpertPool,
    FairCompetitionReview,
    RiskAssessment,
)
from ganchao.decisions.models.meeting import AgendaItem, Meeting, MemberPosition
from ganchao.decisions.models.participation import (
    AdoptionReport,
    Consultation,
    Hearing,
    HearingParticipant,
    Opinion,
    PublicComment,
)
from ganchao.decisions.models.review import LegalityReview, ReviewPause

__all__ = [
    "AdoptionReport",
    "AdviserConsultation",
    "AgendaItem",
    "Archive",
    "Catalogue",
    "CatalogueItem",
    "Consultation",
    "Decision",
    "DecisionFile",
    "DecisionSettings",
    "DraftVersion",
    "ExecutionReport",
    "Expert",
    "ExpertAssignment",
    "ExpertOpinion",
    "ExpertPool",
    "FairCompetitionReview",
    "Hearing",
    "HearingParticipant",
    "LegalAdviser",
    "LegalityReview",
    "Meeting",
    "MemberPosition",
    "Opinion",
    "PartyReport",
    "PostEvaluation",
    "Publication",
    "PublicComment",
    "ReviewPause",
    "RiskAssessment",
    "Suspension",
    "UndertakingUnit",
]
