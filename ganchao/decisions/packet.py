"""The meeting packet (会议材料, Decree 713 Art. 29, LEGAL_RULES A12) as a pure function.

`packet_entries(inputs)` turns a plain snapshot of a decision's records (`PacketInputs`, built
by selectors_meeting.packet_inputs) into the list of Art. 29 items, each with whether it is
required, whether it is present, and a reference to the record (id, date). `packet_missing`
lists the required items that are absent as (rule, message) pairs. No database access here.
"""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Ref:
    """A record the packet points to: its kind (the model), id, date (ISO) and a short note."""

    kind: str
    id: int
    date: str = ""
    note: str = ""


@dataclass
class PacketInputs:
    """Plain values: the decision's flags and the records each packet item points to."""

    market_activity: bool = False
    technical: bool = False
    stability_risk: bool = False
    exploratory: bool = False
    draft: Ref | None = None  # the latest draft version (note: 第N稿)
    fair_review: Ref | None = None  # latest passing fair-competition review
    participation_held: bool = False  # at least one consultation closed
    opinion_count: int = 0
    adoption_report: Ref | None = None  # latest 采纳情况说明 covering every opinion
    exempt_basis: str = ""  # 依法不予公开 basis
    exempt_on: str = ""
    expert_opinions: int = 0
    expert_opinions_unhandled: int = 0
    expert_latest: Ref | None = None
    risk_report: Ref | None = None  # latest complete controllable assessment
    review: Ref | None = None  # concluded legality review that passes A9
    review_conclusion: str = ""
    legal_risk_statement: str = ""
    adviser: Ref | None = None  # latest adviser opinion, compliant
    adviser_non_compliant: bool = False
    others: list[Ref] = field(default_factory=list)


@dataclass
class PacketEntry:
    key: str
    label: str
    required: bool
    present: bool
    refs: list[Ref] = field(default_factory=list)
    note: str = ""
    rule: str = ""  # the rule that makes a missing required entry a refusal
    missing: str = ""  # the refusal's message


def _refs(*refs) -> list[Ref]:
    return [r for r in refs if r is not None]


def packet_entries(p: PacketInputs) -> list[PacketEntry]:
    """The Art. 29 items in order; items that do not apply are left out."""
    out = [
        PacketEntry(
            "draft",
            _("决策草案及说明"),
            True,
            p.draft is not None,
            _refs(p.draft),
            rule="A2",
            missing=_("尚未形成决策草案"),
        )
    ]
    if p.market_activity:
        out.append(
            PacketEntry(
                "fair_competition",
                _("公平竞争审查情况"),
                True,
                p.fair_review is not None,
                _refs(p.fair_review),
                rule="A12",
                missing=_("缺少公平竞争审查情况"),
            )
        )
    if p.exempt_basis:
        out.append(
            PacketEntry(
                "participation",
                _("依法不予公开的依据"),
                True,
                True,
                note=p.exempt_basis,
            )
        )
    elif p.participation_held:
        complete = p.opinion_count == 0 or p.adoption_report is not None
        out.append(
            PacketEntry(
                "participation",
                _("公众意见采纳情况说明"),
                True,
                complete,
                _refs(p.adoption_report),
                note=_("征求意见期间未收到意见") if p.opinion_count == 0 else "",
                rule="A12",
                missing=_("缺少公众意见采纳情况说明"),
            )
        )
    else:
        out.append(
            PacketEntry(
                "participation",
                _("公众意见采纳情况说明"),
                True,
                False,
                rule="A3",
                missing=_("未开展公众参与，也未依法说明不予公开"),
            )
        )
    if p.technical:
        out.append(
            PacketEntry(
                "experts",
                _("专家论证意见采纳情况"),
                True,
                p.expert_opinions > 0 and p.expert_opinions_unhandled == 0,
                _refs(p.expert_latest),
                rule="A12",
                missing=_("缺少专家论证意见采纳情况"),
            )
        )
    if p.stability_risk:
        out.append(
            PacketEntry(
                "risk",
                _("风险评估报告"),
                True,
                p.risk_report is not None,
                _refs(p.risk_report),
                rule="A8",
                missing=_("未开展社会稳定风险评估"),
            )
        )
    exploratory = p.exploratory or p.review_conclusion == "exploratory"
    out.append(
        PacketEntry(
            "legality",
            _("合法性审查意见"),
            True,
            p.review is not None
            and (p.review_conclusion != "exploratory" or bool(p.legal_risk_statement.strip())),
            _refs(p.review),
            note=p.legal_risk_statement if exploratory else "",
            rule="A9",
            missing=_("未经合法性审查"),
        )
    )
    out.append(
        PacketEntry(
            "adviser",
            _("法律顾问意见"),
            True,
            p.adviser is not None and not p.adviser_non_compliant,
            _refs(p.adviser),
            rule="A16",
            missing=(
                _("法律顾问意见为不合法或不合规，不得提交讨论")
                if p.adviser_non_compliant
                else _("未听取法律顾问或公职律师意见")
            ),
        )
    )
    out.append(PacketEntry("other", _("其他材料"), False, bool(p.others), list(p.others)))
    return out


def packet_missing(entries: list[PacketEntry]) -> list[tuple[str, str]]:
    """(rule, message) of each required entry that is absent."""
    return [(e.rule, e.missing) for e in entries if e.required and not e.present]


def packet_json(entries: list[PacketEntry]) -> list[dict]:
    """The entries as JSON-ready dicts (frozen into AgendaItem.packet, answered by the API)."""
    return [
        {
            "key": e.key,
            "label": str(e.label),
            "required": e.required,
            "present": e.present,
            "note": e.note,
            "refs": [asdict(r) for r in e.refs],
        }
        for e in entries
    ]
