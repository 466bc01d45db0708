"""The statutory gates of a case as pure functions (LEGAL_RULES.md section B).

`CaseFacts` is a plain snapshot of a case's records (built by selectors.case_facts);
`blockers_for(step, facts)` lists what stops that step now — the same list the case page, the
API's `blockers` and every refusal use. No role overrides a gate. `major_reasons` is the B8
rules engine; `action_blockers` checks a field action (B2) and its recording (B7).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.enforcement.choices import (
    AV_GAP_TOLERANCE_SECONDS,
    FIELD_ACTIONS,
    ActionKind,
    AVPolicy,
    DecisionKind,
    MajorReason,
    MatterCategory,
    PartyKind,
    PenaltyKind,
    ReviewState,
    Stage,
    StatementKind,
    Step,
)


@dataclass(frozen=True)
class Blocker:
    rule: str
    message: str


@dataclass(frozen=True)
class Thresholds:
    """The B8 catalogue of major decisions (EnforcementSettings)."""

    fine_person: Decimal = Decimal(10000)
    fine_organisation: Decimal = Decimal(100000)
    revoke_licence: bool = True
    stop_production: bool = True


@dataclass(frozen=True)
class OfficerFacts:
    name: str
    certificate_no: str
    expires: dt.date | None
    covers_matter: bool
    active: bool = True


@dataclass
class ActionFacts:
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    officers: list[OfficerFacts] = field(default_factory=list)
    certificate_shown: bool = False
    informed: bool = False
    policy: str = AVPolicy.NOT_REQUIRED
    # (from, to) of each audio-video recording of the action, and the explained gaps.
    recordings: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    explained: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    completed: bool = False
    label: str = ""


@dataclass
class CaseFacts:
    stage: str
    category: str = MatterCategory.PENALTY
    party_kind: str = PartyKind.PERSON
    visited: list[str] = field(default_factory=list)
    today: dt.date | None = None
    records_by_stage: dict[str, int] = field(default_factory=dict)
    actions: list[ActionFacts] = field(default_factory=list)
    # the proposed decision, read by B8
    proposed_penalties: list[str] = field(default_factory=list)
    proposed_fine: Decimal | None = None
    proposed_summary: str = ""
    manual_major: bool = False
    major_public_interest: bool = False
    multiple_legal_relations: bool = False
    complex: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    # notice, statement, hearing
    notice_served_on: dt.date | None = None
    hearing_right: bool = False
    hearing_request_due: dt.date | None = None
    statement_kinds: list[str] = field(default_factory=list)
    hearing_requested: bool = False
    hearing_held: bool = False
    # legal review: the latest round's state ("" when never submitted) and whether a round
    # is pending; collective discussion after the latest pass
    review_state: str = ""
    review_pending: bool = False
    review_passed_at: dt.datetime | None = None
    collective_after_review: bool = False
    collective_held: bool = False
    # decision and what follows
    decision_kind: str = ""
    decision_missing: list[str] = field(default_factory=list)  # labels of empty B12 fields
    social_impact_set: bool = False
    issued: bool = False
    delivered: bool = False
    electronic_without_consent: bool = False
    executed: bool = False

    @property
    def major_reasons(self) -> list[str]:
        return major_reasons(self)

    @property
    def major(self) -> bool:
        return bool(self.major_reasons)


ADVERSE = {DecisionKind.PENALTY, DecisionKind.PERMIT_DENIED, DecisionKind.COMPULSION}


def major_reasons(facts: CaseFacts) -> list[str]:
    """B8: why the proposed decision is major (MajorReason values); empty when it is not. A
    hearing held always makes it major; a manual flag adds a reason and nothing removes the
    engine's."""
    reasons = []
    t = facts.thresholds
    fine = facts.proposed_fine
    if fine is not None and (PenaltyKind.FINE in facts.proposed_penalties or fine > 0):
        if facts.party_kind == PartyKind.PERSON and fine >= t.fine_person:
            reasons.append(MajorReason.FINE_PERSON)
        if facts.party_kind == PartyKind.ORGANISATION and fine >= t.fine_organisation:
            reasons.append(MajorReason.FINE_ORGANISATION)
    if t.revoke_licence and PenaltyKind.REVOKE_LICENCE in facts.proposed_penalties:
        reasons.append(MajorReason.REVOKE_LICENCE)
    if t.stop_production and PenaltyKind.STOP_PRODUCTION in facts.proposed_penalties:
        reasons.append(MajorReason.STOP_PRODUCTION)
    if facts.hearing_held:
        reasons.append(MajorReason.HEARING_HELD)
    if facts.major_public_interest or facts.multiple_legal_relations or facts.manual_major:
        reasons.append(MajorReason.MANUAL)
    return reasons


def needs_collective(facts: CaseFacts) -> bool:
    """Art. 57: 情节复杂或者重大违法 → the responsible persons decide collectively."""
    return facts.complex or facts.major


# ---- field actions (B2, B7) -----------------------------------------------------------------


def officer_blockers(action: ActionFacts, on: dt.date) -> list[Blocker]:
    """B2: a field action needs two officers, each with a valid certificate covering the
    matter, the certificates shown and the party told."""
    if action.kind not in FIELD_ACTIONS:
        return []
    found = []
    if len(action.officers) < 2:
        found.append(Blocker("B2", _("现场执法须有两名以上执法人员")))
    for officer in action.officers:
        if not officer.certificate_no:
            found.append(Blocker("B2", _("%(name)s未取得行政执法证件") % {"name": officer.name}))
        elif officer.expires is None or officer.expires < on:
            found.append(Blocker("B2", _("%(name)s的执法证件已过有效期") % {"name": officer.name}))
        elif not officer.covers_matter:
            found.append(
                Blocker("B2", _("%(name)s的执法证件不包含本执法事项") % {"name": officer.name})
            )
        if not officer.active:
            found.append(Blocker("B2", _("%(name)s已不在执法岗位") % {"name": officer.name}))
    if not action.certificate_shown:
        found.append(Blocker("B2", _("未记录出示执法证件")))
    if not action.informed:
        found.append(Blocker("B2", _("未记录告知事由、依据和权利义务")))
    return found


def _minutes(delta: dt.timedelta) -> int:
    return max(1, round(delta.total_seconds() / 60))


def _hm(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return moment.strftime("%H:%M")


def coverage_gaps(action: ActionFacts) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of [start, end] no recording covers, longer than the tolerance and not
    explained by a recorded technical reason."""
    if action.ended_at is None:
        return []
    tolerance = dt.timedelta(seconds=AV_GAP_TOLERANCE_SECONDS)
    gaps = []
    cursor = action.started_at
    for start, end in sorted(action.recordings):
        if start - cursor > tolerance:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if action.ended_at - cursor > tolerance:
        gaps.append((cursor, action.ended_at))
    unexplained = []
    for start, end in gaps:
        covered = any(
            g_from - tolerance <= start and g_to + tolerance >= end
            for g_from, g_to in action.explained
        )
        if not covered:
            unexplained.append((start, end))
    return unexplained


def recording_blockers(action: ActionFacts) -> list[Blocker]:
    """B7: a mandatory-continuous action needs recordings covering it from start to end; each
    gap needs its technical reason."""
    if action.policy != AVPolicy.MANDATORY_CONTINUOUS:
        return []
    label = action.label or str(ActionKind(action.kind).label)
    if action.ended_at is None:
        return [Blocker("B7", _("%(what)s尚未记录结束时间") % {"what": label})]
    if not action.recordings:
        return [Blocker("B7", _("%(what)s须全过程音像记录，尚无录音录像") % {"what": label})]
    return [
        Blocker(
            "B7",
            _("%(what)s的音像记录在%(a)s至%(b)s中断%(m)d分钟，未说明技术原因")
            % {"what": label, "a": _hm(start), "b": _hm(end), "m": _minutes(end - start)},
        )
        for start, end in coverage_gaps(action)
    ]


# ---- steps ----------------------------------------------------------------------------------


def _statement_done(facts: CaseFacts) -> bool:
    """The party was heard: a statement, a waiver, a hearing held, or the time to ask for a
    hearing passed without a word."""
    if facts.hearing_requested and not facts.hearing_held:
        return False
    if facts.hearing_held:
        return True
    if {StatementKind.STATEMENT, StatementKind.WAIVED, StatementKind.NONE} & set(
        facts.statement_kinds
    ):
        return True
    return bool(
        facts.hearing_request_due and facts.today and facts.today > facts.hearing_request_due
    )


def _hearing_blockers(facts: CaseFacts) -> list[Blocker]:
    found = []
    if facts.notice_served_on is None:
        found.append(
            Blocker("B9", _("未告知当事人拟作出的处罚及事实、理由、依据和陈述申辩、听证权利"))
        )
    elif facts.hearing_requested and not facts.hearing_held:
        found.append(Blocker("B9", _("当事人已申请听证，听证尚未举行")))
    elif not _statement_done(facts):
        found.append(Blocker("B9", _("尚未听取当事人的陈述申辩（或陈述申辩、听证期限未届满）")))
    return found


def _review_blockers(facts: CaseFacts) -> list[Blocker]:
    if not facts.major:
        return []
    if facts.review_state == ReviewState.PASSED:
        return []
    if facts.review_state == ReviewState.RETURNED:
        return [Blocker("B9", _("法制审核认为存在问题，须整改后重新提交审核"))]
    if facts.review_state in (ReviewState.SUBMITTED, ReviewState.ASSIGNED):
        return [Blocker("B9", _("法制审核尚未完成，未经法制审核不得作出决定"))]
    return [Blocker("B9", _("重大执法决定未经法制审核，不得作出决定"))]


def blockers_for(step: str, facts: CaseFacts) -> list[Blocker]:
    found: list[Blocker] = []
    penalty = facts.category == MatterCategory.PENALTY
    if step == Step.REVIEW:
        if not facts.records_by_stage.get(Stage.INVESTIGATING):
            found.append(Blocker("B6", _("调查取证环节无记录")))
    elif step == Step.NOTIFY:
        if not facts.proposed_summary:
            found.append(Blocker("B9", _("尚未填写拟作出的处罚及其事实、理由和依据")))
    elif step == Step.SUBMIT_LEGAL_REVIEW:
        if facts.review_pending:
            found.append(Blocker("B9", _("已提交法制审核，尚未审结")))
        if penalty:
            found += _hearing_blockers(facts)
    elif step == Step.COLLECTIVE:
        if penalty:
            found += _hearing_blockers(facts)
        found += _review_blockers(facts)
    elif step == Step.DECIDE:
        if penalty:
            found += _hearing_blockers(facts)
        found += _review_blockers(facts)
        if needs_collective(facts) and not facts.collective_after_review:
            found.append(Blocker("B9", _("情节复杂或者重大违法的案件，须经负责人集体讨论决定")))
    elif step == Step.ISSUE:
        if not facts.decision_kind:
            found.append(Blocker("B12", _("尚未作出决定")))
        for label in facts.decision_missing:
            found.append(Blocker("B12", _("决定书缺少“%(field)s”") % {"field": label}))
        if penalty and facts.decision_kind == DecisionKind.PENALTY and not facts.social_impact_set:
            found.append(Blocker("B4", _("处罚决定须填写是否具有社会影响及理由")))
    elif step == Step.SERVE:
        if not facts.issued:
            found.append(Blocker("B12", _("决定书尚未加盖印章签发")))
        if facts.electronic_without_consent:
            found.append(Blocker("B11", _("电子送达须附当事人签署的同意确认书")))
    elif step == Step.EXECUTE:
        if not facts.delivered:
            found.append(Blocker("B6", _("送达环节无记录")))
    elif step == Step.CLOSE:
        found += close_blockers(facts)
    return found


def close_blockers(facts: CaseFacts) -> list[Blocker]:
    """B6: every stage the case passed has a text record, and every action B7 requires
    recorded is covered."""
    found = []
    needed = [s for s in facts.visited if s not in (Stage.CLOSED, Stage.WITHDRAWN)]
    for stage in (Stage.FILED, Stage.INVESTIGATING, Stage.DECIDED, Stage.SERVED):
        if stage not in needed:
            needed.append(stage)
    order = {s: i for i, s in enumerate(Stage.values)}
    for stage in sorted(set(needed), key=order.get):
        if not facts.records_by_stage.get(stage):
            found.append(Blocker("B6", _("%(stage)s环节无记录") % {"stage": Stage(stage).label}))
    if not facts.delivered:
        found.append(Blocker("B6", _("决定书尚未送达")))
    for action in facts.actions:
        found += recording_blockers(action)
    return found


def next_step(stage: str, facts: CaseFacts) -> str:
    """The step a user would take next from this stage."""
    if stage == Stage.FILED:
        return Step.INVESTIGATE
    if stage == Stage.INVESTIGATING:
        return Step.REVIEW
    if stage == Stage.REVIEWED:
        return Step.NOTIFY if facts.category == MatterCategory.PENALTY else Step.DECIDE
    if stage in (Stage.NOTIFIED, Stage.STATEMENT):
        if facts.major and facts.review_state != ReviewState.PASSED:
            return Step.SUBMIT_LEGAL_REVIEW
        if needs_collective(facts) and not facts.collective_after_review:
            return Step.COLLECTIVE
        return Step.DECIDE
    if stage == Stage.LEGAL_REVIEW:
        if needs_collective(facts) and not facts.collective_after_review:
            return Step.COLLECTIVE
        return Step.DECIDE
    if stage == Stage.COLLECTIVE:
        return Step.DECIDE
    if stage == Stage.DECIDED:
        return Step.ISSUE if not facts.issued else Step.SERVE
    if stage == Stage.SERVED:
        executes = facts.decision_kind in (DecisionKind.PENALTY, DecisionKind.COMPULSION)
        return Step.EXECUTE if executes and not facts.executed else Step.CLOSE
    if stage == Stage.EXECUTING:
        return Step.CLOSE
    return ""


def blockers(facts: CaseFacts) -> list[Blocker]:
    """What stops the case's next step now (the page's box and the API's `blockers`)."""
    step = next_step(facts.stage, facts)
    return blockers_for(step, facts) if step else []
