"""Reads after the decision (A14, A15): the inputs of the archive checklist, the panel's
records, and the exceptions report for the level above. Every query is bounded (no per-row
queries)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Forbidden
from ganchao.decisions import gates
from ganchao.decisions.choices import AdviserAdoption, HearingState
from ganchao.decisions.models import (
    AdoptionReport,
    AdviserConsultation,
    AgendaItem,
    Archive,
    Consultation,
    ExecutionReport,
    ExpertAssignment,
    ExpertOpinion,
    FairCompetitionReview,
    HearingParticipant,
    LegalityReview,
    Opinion,
    PartyReport,
    PostEvaluation,
    Publication,
    RiskAssessment,
    Suspension,
)
from ganchao.decisions.selectors import decision_facts, decisions_visible
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


@dataclass
class ChecklistInputs:
    """Plain facts about the records of every procedure, for services.after.archive_checklist.
    Lists hold (reference, …) tuples so the checklist can name each record."""

    exempt_basis: str = ""
    consultations: list[tuple[str, bool]] = field(default_factory=list)  # (title, closed)
    opinion_count: int = 0
    unhandled_opinions: list[int] = field(default_factory=list)
    adoption_report: str = ""  # reference of the latest report covering every opinion
    # (hearing title, closed, [participant names without a signed record or refusal note])
    hearings: list[tuple[str, bool, list[str]]] = field(default_factory=list)
    technical: bool = False
    # (expert name, signed, sealed) per written opinion; experts assigned without an opinion
    expert_opinions: list[tuple[str, bool, bool]] = field(default_factory=list)
    experts_without_opinion: list[str] = field(default_factory=list)
    stability_risk: bool = False
    risk_facts: gates.Facts | None = None
    risk_reference: str = ""
    market_activity: bool = False
    fair_reviews: list[tuple[str, str]] = field(default_factory=list)  # (reference, conclusion)
    review: tuple[str, str, str] | None = None  # (reference, state, conclusion)
    adviser_opinions: list[str] = field(default_factory=list)
    # (meeting title, meeting state) of agenda items with the head's decision
    meetings: list[tuple[str, str]] = field(default_factory=list)
    party_report: str = ""
    publication: str = ""


def _since(qs, decision, name: str):
    if decision.procedures_since:
        return qs.filter(**{f"{name}__gte": decision.procedures_since})
    return qs


def _date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def checklist_inputs(decision) -> ChecklistInputs:
    """The records made since the procedures were (re)opened, as plain values."""
    d = decision
    facts = decision_facts(d)
    consultations = [
        (c.title, c.state == "closed")
        for c in _since(Consultation.objects.filter(decision=d), d, "created_at")
    ]
    opinions = list(
        _since(Opinion.objects.filter(decision=d), d, "created_at").values_list("seq", "adoption")
    )
    report = (
        _since(AdoptionReport.objects.filter(decision=d), d, "generated_at")
        .order_by("-generated_at", "-pk")
        .first()
    )
    report_ref = ""
    if report and report.opinion_count == len(opinions):
        report_ref = f"采纳情况说明（{_date(report.generated_at)}）"
    hearings: dict[int, list] = {}
    participants = HearingParticipant.objects.filter(hearing__decision=d).select_related("hearing")
    for p in _since(participants, d, "hearing__created_at").order_by("hearing_id", "pk"):
        row = hearings.setdefault(
            p.hearing_id, [p.hearing.title, p.hearing.state == HearingState.CLOSED, []]
        )
        if not p.signed_record_id and not p.refusal_note.strip():
            row[2].append(p.name)
    assigned = _since(ExpertAssignment.objects.filter(decision=d), d, "assigned_at")
    assigned = list(assigned.select_related("expert"))
    expert_opinions = list(
        _since(ExpertOpinion.objects.filter(assignment__decision=d), d, "created_at")
        .select_related("assignment__expert")
        .order_by("created_at", "pk")
    )
    with_opinion = {o.assignment_id for o in expert_opinions}
    risk = (
        _since(RiskAssessment.objects.filter(decision=d), d, "created_at")
        .order_by("-created_at", "-pk")
        .first()
    )
    fair = [
        (f"{r.reviewer_unit.name} {r.reviewed_on.isoformat()}", r.conclusion)
        for r in _since(FairCompetitionReview.objects.filter(decision=d), d, "created_at")
        .select_related("reviewer_unit")
        .order_by("created_at", "pk")
    ]
    review = (
        _since(LegalityReview.objects.filter(decision=d), d, "requested_at")
        .select_related("reviewing_unit")
        .order_by("-requested_at", "-pk")
        .first()
    )
    advisers = [
        f"{a.adviser.name} {a.consulted_on.isoformat()}"
        for a in _since(
            AdviserConsultation.objects.filter(Q(decision=d) | Q(legality_review__decision=d)),
            d,
            "recorded_at",
        )
        .select_related("adviser")
        .order_by("consulted_on", "pk")
    ]
    meetings = [
        (a.meeting.title, a.meeting.state)
        for a in _since(AgendaItem.objects.filter(decision=d), d, "added_at")
        .exclude(head_decision="")
        .select_related("meeting")
    ]
    party = _since(PartyReport.objects.filter(decision=d), d, "recorded_at").last()
    publication = _since(Publication.objects.filter(decision=d), d, "recorded_at").last()
    return ChecklistInputs(
        exempt_basis=d.participation_exempt_basis,
        consultations=consultations,
        opinion_count=len(opinions),
        unhandled_opinions=sorted(seq for seq, adoption in opinions if not adoption),
        adoption_report=report_ref,
        hearings=[tuple(row) for row in hearings.values()],
        technical=d.technical,
        expert_opinions=[
            (o.assignment.expert.name, bool(o.signed_by.strip()), bool(o.seal.strip()))
            for o in expert_opinions
        ],
        experts_without_opinion=[a.expert.name for a in assigned if a.pk not in with_opinion],
        stability_risk=d.stability_risk,
        risk_facts=facts,
        risk_reference=f"{risk.assessor} {_date(risk.created_at)}" if risk else "",
        market_activity=d.market_activity,
        fair_reviews=fair,
        review=(
            (
                f"{review.reviewing_unit.name} {_date(review.concluded_at)}",
                review.state,
                review.conclusion,
            )
            if review
            else None
        ),
        adviser_opinions=advisers,
        meetings=meetings,
        party_report=party.doc_number if party else "",
        publication=publication.reference if publication else "",
    )


def party_reports(decision):
    return PartyReport.objects.filter(decision=decision).select_related("file").order_by("pk")


def publications(decision):
    return Publication.objects.filter(decision=decision).order_by("pk")


def archives(decision):
    return Archive.objects.filter(decision=decision).select_related("archived_by").order_by("pk")


def execution_reports(decision):
    return (
        ExecutionReport.objects.filter(decision=decision)
        .select_related("unit", "reported_by")
        .order_by("-reported_at", "-pk")
    )


def suspensions(decision):
    return Suspension.objects.filter(decision=decision).select_related("by").order_by("at", "pk")


def evaluations(decision):
    return (
        PostEvaluation.objects.filter(decision=decision)
        .select_related("evaluator_unit", "report", "created_by")
        .order_by("-created_at", "-pk")
    )


def evaluation_conflicts(decision) -> tuple[set[int], set[str]]:
    """(unit ids, names) that did the main pre-decision argumentation or risk assessment: the
    risk assessors (unit and name) and the organisations of the assigned experts (A14f)."""
    risks = RiskAssessment.objects.filter(decision=decision).values_list(
        "assessor_unit_id", "assessor"
    )
    units = {unit for unit, _name in risks if unit}
    names = {name.strip() for _unit, name in risks if name.strip()}
    names |= {
        org.strip()
        for org in ExpertAssignment.objects.filter(decision=decision).values_list(
            "expert__organisation", flat=True
        )
        if org.strip()
    }
    return units, names


# ---- the exceptions report (A15) ------------------------------------------------------------


@dataclass
class ExceptionRow:
    rule: str
    kind: str
    decision_id: int
    decision_code: str
    decision_title: str
    at: dt.date | None
    who: str
    reason: str


def _year_range(year: int | None):
    if not year:
        return None
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _in_year(qs, name: str, year, *, is_date=False):
    if not year:
        return qs
    if is_date:
        return qs.filter(**{f"{name}__year": year})
    start, end = _year_range(year)
    return qs.filter(**{f"{name}__gte": start, f"{name}__lt": end})


def _who(user) -> str:
    return getattr(user, "display_name", "") or getattr(user, "username", "") if user else ""


def _local_date(value):
    return timezone.localtime(value).date() if value else None


def exceptions_report(actor, *, year: int | None = None) -> list[ExceptionRow]:
    """Every override or exception on the decisions the actor can see, newest first: 依法不予
    公开 (A3), shortened consultations (A4), review urgency (A10), the head against the
    majority (A13), adviser opinions not adopted (A16), suspensions, adjustments and
    terminations (A14). Six queries whatever the number of rows."""
    visible = decisions_visible(actor).values("pk")
    rows: list[ExceptionRow] = []

    def add(rule, kind, decision, at, who, reason):
        rows.append(
            ExceptionRow(rule, kind, decision.pk, decision.code, decision.title, at, who, reason)
        )

    exempt = _in_year(
        decisions_visible(actor).exclude(participation_exempt_basis=""),
        "participation_exempted_at",
        year,
    ).select_related("participation_exempted_by")
    for d in exempt:
        add(
            "A3",
            _("依法不予公开"),
            d,
            _local_date(d.participation_exempted_at),
            _who(d.participation_exempted_by),
            d.participation_exempt_basis,
        )
    for c in _in_year(
        Consultation.objects.filter(decision__in=visible).exclude(shortening_reason=""),
        "start_date",
        year,
        is_date=True,
    ).select_related("decision", "created_by"):
        add(
            "A4",
            _("缩短征求意见期限"),
            c.decision,
            c.start_date,
            _who(c.created_by),
            c.shortening_reason,
        )
    for r in _in_year(
        LegalityReview.objects.filter(decision__in=visible).exclude(urgency_reason=""),
        "requested_at",
        year,
    ).select_related("decision", "requested_by"):
        add(
            "A10",
            _("审查时间不足7个工作日"),
            r.decision,
            _local_date(r.requested_at),
            _who(r.requested_by),
            r.urgency_reason,
        )
    for a in _in_year(
        AgendaItem.objects.filter(decision__in=visible).exclude(head_reason=""),
        "head_decided_at",
        year,
    ).select_related("decision"):
        add(
            "A13",
            _("行政首长决定与多数意见不一致"),
            a.decision,
            _local_date(a.head_decided_at),
            a.head_name,
            a.head_reason,
        )
    for o in _in_year(
        AdviserConsultation.objects.filter(
            Q(decision__in=visible) | Q(legality_review__decision__in=visible),
            adoption=AdviserAdoption.NOT_ADOPTED,
        ),
        "consulted_on",
        year,
        is_date=True,
    ).select_related("decision", "legality_review__decision", "recorded_by", "adviser"):
        decision = o.decision or o.legality_review.decision
        add(
            "A16",
            _("法律顾问意见未采纳"),
            decision,
            o.consulted_on,
            _("%(who)s（%(adviser)s的意见）")
            % {"who": _who(o.recorded_by), "adviser": o.adviser.name},
            o.adoption_reason,
        )
    for s in _in_year(Suspension.objects.filter(decision__in=visible), "at", year).select_related(
        "decision", "by"
    ):
        reason = s.reason
        if s.reason_code:
            reason = _("%(code)s：%(reason)s") % {
                "code": s.get_reason_code_display(),
                "reason": reason,
            }
        add("A14", str(s.get_action_display()), s.decision, _local_date(s.at), _who(s.by), reason)
    rows.sort(key=lambda r: (r.at or dt.date.min, r.decision_code), reverse=True)
    return rows


def may_read_exceptions(actor) -> bool:
    """The office, leaders and legality reviewers read the report for the level above."""
    return scope_of(actor).has(Role.OFFICE, Role.LEADER, Role.LEGALITY_REVIEWER)


def require_exceptions_reader(actor) -> None:
    if not may_read_exceptions(actor):
        raise Forbidden(_("只有政府办公室、领导和合法性审查人员可以查看例外情况报告"))
