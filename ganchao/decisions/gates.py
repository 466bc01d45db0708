"""The statutory gates of a decision as pure functions (LEGAL_RULES.md section A).

`Facts` is a plain snapshot of a decision's records (built by selectors.decision_facts);
`blockers(facts)` lists what stops the next step now — the same list the page, the API's
`blockers` and every refusal use. Hard gates (A3, A9, A12, A13, A16) have no override for
any role: services call `require(facts, step)` and nothing else decides.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ganchao.decisions.choices import (
    EXCLUDED_CATEGORIES,
    NEXT_STEP,
    ProcedureKind,
    ProcedureState,
    ReviewConclusion,
    ReviewState,
    RiskConclusion,
    State,
    Step,
)


@dataclass(frozen=True)
class Blocker:
    rule: str
    message: str


@dataclass
class Facts:
    """Everything the gates look at, as plain values. Only records made since the procedures
    were (re)opened count."""

    state: str
    category: str
    technical: bool = False
    stability_risk: bool = False
    market_activity: bool = False
    exploratory: bool = False
    wide_concern: bool = True
    catalogue_mode: bool = False
    catalogue_item_published: bool = False
    lead_count: int = 0
    undertaker_count: int = 0
    latest_draft: int = 0
    exempt: bool = False
    consultations_open: int = 0
    consultations_closed: int = 0
    hearings_open: int = 0
    hearings_closed: int = 0
    opinion_count: int = 0
    unhandled_opinions: list[int] = field(default_factory=list)  # their 序号
    adoption_report_opinions: int | None = None  # opinion count of the latest report
    expert_count: int = 0
    expert_opinions: int = 0
    expert_opinions_unhandled: int = 0
    # (draft number, conclusion, complete) of each risk assessment, oldest first
    risk_assessments: list[tuple[int, str, bool]] = field(default_factory=list)
    fair_reviews: list[str] = field(default_factory=list)  # conclusions, oldest first
    review_state: str = ""  # latest legality review
    review_conclusion: str = ""
    review_draft: int = 0
    review_changes_confirmed: bool = False
    review_risk_statement: bool = False
    review_earliest_meeting: date | None = None
    review_urgency_reason: bool = False
    adviser_opinions: int = 0
    adviser_latest_non_compliant: bool = False
    agenda_items: int = 0
    head_decided: bool = False
    party_reported: bool = False
    published: bool = False
    archived: bool = False
    execution_unit: bool = False


def participation_done(f: Facts) -> bool:
    return f.exempt or f.consultations_closed > 0


def risk_ok(f: Facts) -> tuple[bool, str]:
    """(ok, reason): A8 — an uncontrollable conclusion needs a newer draft assessed controllable."""
    if not f.risk_assessments:
        return False, _("未开展社会稳定风险评估")
    worst_uncontrollable = max(
        (d for d, c, _x in f.risk_assessments if c == RiskConclusion.UNCONTROLLABLE), default=0
    )
    controllable = [
        d for d, c, complete in f.risk_assessments if c == RiskConclusion.CONTROLLABLE and complete
    ]
    if worst_uncontrollable:
        if not any(d > worst_uncontrollable for d in controllable):
            return False, _("风险评估结论为不可控，须调整草案并重新评估为可控")
        return True, ""
    if not controllable:
        return False, _("风险评估报告不完整（须有风险点、防范措施和处置预案）")
    return True, ""


def review_passed(f: Facts) -> tuple[bool, str]:
    """(ok, reason): A9 — a concluded review of the current draft whose conclusion allows the
    meeting."""
    if f.review_state != ReviewState.CONCLUDED or not f.review_conclusion:
        return False, _("未经合法性审查")
    if f.review_conclusion == ReviewConclusion.UNLAWFUL:
        return False, _("合法性审查结论为不合法，不得提交讨论")
    after_changes = f.review_conclusion == ReviewConclusion.LAWFUL_AFTER_CHANGES
    if after_changes and not f.review_changes_confirmed:
        return False, _("合法性审查意见要求修改的内容尚未落实")
    # the confirmed changes are the newer draft, so it needs no second review
    if f.review_draft < f.latest_draft and not after_changes:
        return False, _("草案修改后未重新进行合法性审查")
    if f.review_conclusion == ReviewConclusion.EXPLORATORY and not f.review_risk_statement:
        return False, _("探索性改革事项未明示法律风险")
    return True, ""


def _launch(f: Facts) -> list[Blocker]:
    out = []
    if f.category in EXCLUDED_CATEGORIES:
        out.append(Blocker("A1", _("宏观调控、政府立法和突发事件应急处置决策不适用本程序")))
    if f.catalogue_mode and not f.catalogue_item_published:
        out.append(Blocker("A1", _("未列入已公布目录")))
    if f.lead_count != 1:
        out.append(Blocker("A2", _("须明确牵头承办单位")))
    if f.latest_draft == 0:
        out.append(Blocker("A2", _("尚未形成决策草案")))
    return out


def _request_review(f: Facts) -> list[Blocker]:
    out = []
    if f.consultations_open:
        out.append(Blocker("A4", _("公开征求意见期限尚未届满")))
    elif not participation_done(f):
        out.append(Blocker("A3", _("未开展公众参与，也未依法说明不予公开")))
    if f.hearings_open:
        out.append(Blocker("A5", _("听证会尚未结束")))
    if f.technical and f.expert_opinions == 0:
        out.append(Blocker("A7", _("专业性、技术性较强的事项未组织专家论证")))
    if f.stability_risk:
        ok, reason = risk_ok(f)
        if not ok and not f.risk_assessments:
            out.append(Blocker("A8", reason))
    return out


def _meeting(f: Facts) -> list[Blocker]:
    out = []
    ok, reason = review_passed(f)
    if not ok:
        out.append(Blocker("A9", reason))
    if f.unhandled_opinions:
        seqs = "、".join(str(n) for n in f.unhandled_opinions[:5])
        out.append(Blocker("A6", _("第%(seqs)s条意见尚未处理") % {"seqs": seqs}))
    elif f.opinion_count and f.adoption_report_opinions != f.opinion_count:
        out.append(Blocker("A12", _("缺少公众意见采纳情况说明")))
    if f.technical and f.expert_opinions_unhandled:
        out.append(Blocker("A12", _("缺少专家论证意见采纳情况")))
    if f.stability_risk:
        ok, reason = risk_ok(f)
        if not ok:
            out.append(Blocker("A8", reason))
    if f.market_activity and not any(c in ("passes", "after_changes") for c in f.fair_reviews):
        out.append(Blocker("A12", _("缺少公平竞争审查情况")))
    if f.adviser_opinions == 0:
        out.append(Blocker("A16", _("未听取法律顾问或公职律师意见")))
    elif f.adviser_latest_non_compliant:
        out.append(Blocker("A16", _("法律顾问意见为不合法或不合规，不得提交讨论")))
    return out


def _decide(f: Facts) -> list[Blocker]:
    if not f.agenda_items:
        return [Blocker("A13", _("尚未列入常务会议或全体会议议题"))]
    if not f.head_decided:
        return [Blocker("A13", _("尚未经集体讨论由行政首长作出决定"))]
    return []


def _after(step: str, f: Facts) -> list[Blocker]:
    if step == Step.PARTY_REPORT and not f.party_reported:
        return [Blocker("A14", _("尚未向同级党委请示报告"))]
    if step == Step.PUBLISH and not f.published:
        return [Blocker("A14", _("尚未公布（须有政府公报期号或网址）"))]
    if step == Step.ARCHIVE and not f.archived:
        return [Blocker("A14", _("尚未归档"))]
    if step == Step.EXECUTE and not f.execution_unit:
        return [Blocker("A14", _("尚未明确决策执行单位"))]
    return []


def blockers_for(step: str, f: Facts) -> list[Blocker]:
    if step == Step.LAUNCH:
        return _launch(f)
    if step == Step.REQUEST_REVIEW:
        return _request_review(f)
    if step == Step.MEETING:
        return _meeting(f)
    if step == Step.DECIDE:
        return _decide(f)
    return _after(step, f)


def blockers(f: Facts) -> list[Blocker]:
    """What stops the decision's next step now ([] when nothing does or no step is next)."""
    step = NEXT_STEP.get(f.state)
    return blockers_for(step, f) if step else []


def procedures(f: Facts) -> list[dict]:
    """[{"kind", "state", "required"}] in procedure order (the API's `procedures`)."""
    rows = [
        (ProcedureKind.PARTICIPATION, _participation_state(f), True),
        (ProcedureKind.HEARING, _count_state(f.hearings_closed, f.hearings_open), False),
        (ProcedureKind.EXPERTS, _experts_state(f), f.technical),
        (ProcedureKind.RISK, _risk_state(f), f.stability_risk),
        (ProcedureKind.FAIR_COMPETITION, _fair_state(f), f.market_activity),
        (ProcedureKind.LEGALITY, _review_state(f), True),
        (ProcedureKind.ADVISER, _adviser_state(f), True),
        (ProcedureKind.MEETING, _flag_state(f.head_decided, f.agenda_items), True),
        (ProcedureKind.PARTY_REPORT, _flag_state(f.party_reported), True),
        (ProcedureKind.PUBLICATION, _flag_state(f.published), True),
        (ProcedureKind.ARCHIVE, _flag_state(f.archived), True),
    ]
    out = []
    for kind, state, required in rows:
        if not required and state == ProcedureState.NOT_STARTED:
            state = ProcedureState.NOT_REQUIRED
        out.append({"kind": str(kind), "state": str(state), "required": bool(required)})
    return out


def _participation_state(f: Facts) -> str:
    if f.exempt:
        return ProcedureState.EXEMPT
    return _count_state(f.consultations_closed, f.consultations_open)


def _count_state(done: int, open_: int) -> str:
    if open_:
        return ProcedureState.IN_PROGRESS
    return ProcedureState.DONE if done else ProcedureState.NOT_STARTED


def _flag_state(done: bool, started: int = 0) -> str:
    if done:
        return ProcedureState.DONE
    return ProcedureState.IN_PROGRESS if started else ProcedureState.NOT_STARTED


def _experts_state(f: Facts) -> str:
    if f.expert_opinions:
        return ProcedureState.DONE
    return ProcedureState.IN_PROGRESS if f.expert_count else ProcedureState.NOT_STARTED


def _risk_state(f: Facts) -> str:
    if not f.risk_assessments:
        return ProcedureState.NOT_STARTED
    ok, _reason = risk_ok(f)
    return ProcedureState.DONE if ok else ProcedureState.FAILED


def _fair_state(f: Facts) -> str:
    if not f.fair_reviews:
        return ProcedureState.NOT_STARTED
    return ProcedureState.FAILED if f.fair_reviews[-1] == "fails" else ProcedureState.DONE


def _review_state(f: Facts) -> str:
    if not f.review_state:
        return ProcedureState.NOT_STARTED
    if f.review_state != ReviewState.CONCLUDED:
        return ProcedureState.IN_PROGRESS
    ok, _reason = review_passed(f)
    if f.review_conclusion == ReviewConclusion.UNLAWFUL:
        return ProcedureState.FAILED
    return ProcedureState.DONE if ok else ProcedureState.IN_PROGRESS


def _adviser_state(f: Facts) -> str:
    if not f.adviser_opinions:
        return ProcedureState.NOT_STARTED
    return ProcedureState.FAILED if f.adviser_latest_non_compliant else ProcedureState.DONE


def is_terminal(state: str) -> bool:
    return state in (State.TERMINATED,)
