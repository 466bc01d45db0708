"""The Art. 29 packet as a pure function over plain inputs (LEGAL_RULES A12)."""

from ganchao.decisions.packet import PacketInputs, Ref, packet_entries, packet_json, packet_missing

DRAFT = Ref("draft", 1, "2026-03-01", "第2稿")
REVIEW = Ref("legality_review", 5, "2026-03-20", "合法")
ADVISER = Ref("adviser_consultation", 7, "2026-03-18", "陈律师：合法合规")


def _keys(entries):
    return [e.key for e in entries]


def test_minimal_packet_with_the_exemption():
    """Given a draft, the 依法不予公开 basis, a passed review and an adviser opinion. When the
    packet is computed, Then it has those items, nothing is missing."""
    entries = packet_entries(
        PacketInputs(draft=DRAFT, exempt_basis="《保守国家秘密法》", review=REVIEW, adviser=ADVISER)
    )
    assert _keys(entries) == ["draft", "participation", "legality", "adviser", "other"]
    assert entries[1].label == "依法不予公开的依据" and entries[1].note == "《保守国家秘密法》"
    assert packet_missing(entries) == []


def test_a12_market_activity_requires_the_fair_competition_review():
    """A12: Given market_activity and no fair-competition review. When computed, Then the
    missing list names A12 "缺少公平竞争审查情况"."""
    entries = packet_entries(
        PacketInputs(
            market_activity=True,
            draft=DRAFT,
            exempt_basis="依据",
            review=REVIEW,
            adviser=ADVISER,
        )
    )
    assert ("A12", "缺少公平竞争审查情况") in packet_missing(entries)


def test_every_flag_adds_its_item_in_article_29_order():
    """Given every flag and every record. When computed, Then the order follows Art. 29 and each
    item points at its record."""
    entries = packet_entries(
        PacketInputs(
            market_activity=True,
            technical=True,
            stability_risk=True,
            draft=DRAFT,
            fair_review=Ref("fair_review", 2, "2026-03-05"),
            participation_held=True,
            opinion_count=12,
            adoption_report=Ref("adoption_report", 3, "2026-03-10", "12条意见"),
            expert_opinions=3,
            expert_latest=Ref("expert_opinion", 4, "2026-03-08"),
            risk_report=Ref("risk_assessment", 6, "2026-03-09"),
            review=REVIEW,
            adviser=ADVISER,
            others=[Ref("file", 9, "2026-03-11", "附件.pdf")],
        )
    )
    assert _keys(entries) == [
        "draft",
        "fair_competition",
        "participation",
        "experts",
        "risk",
        "legality",
        "adviser",
        "other",
    ]
    assert packet_missing(entries) == []
    rows = packet_json(entries)
    assert rows[2]["label"] == "公众意见采纳情况说明"
    assert rows[2]["refs"] == [
        {"kind": "adoption_report", "id": 3, "date": "2026-03-10", "note": "12条意见"}
    ]
    assert rows[-1]["present"] and not rows[-1]["required"]


def test_missing_items_name_their_rules():
    """Given nothing but the draft. When computed, Then participation (A3), legality (A9) and
    adviser (A16) are missing; unhandled expert opinions and no risk report are missing too."""
    entries = packet_entries(
        PacketInputs(
            technical=True,
            stability_risk=True,
            draft=DRAFT,
            expert_opinions=2,
            expert_opinions_unhandled=1,
        )
    )
    rules = [rule for rule, _message in packet_missing(entries)]
    assert rules == ["A3", "A12", "A8", "A9", "A16"]


def test_exploratory_review_needs_and_carries_the_legal_risk_statement():
    """Given a review concluded 探索性改革. When computed without a risk statement, Then legality
    is missing; with one, the entry carries the statement."""
    base = {
        "exploratory": True,
        "draft": DRAFT,
        "exempt_basis": "依据",
        "review": REVIEW,
        "review_conclusion": "exploratory",
        "adviser": ADVISER,
    }
    assert ("A9", "未经合法性审查") in packet_missing(packet_entries(PacketInputs(**base)))
    entries = packet_entries(PacketInputs(**base, legal_risk_statement="存在被撤销的风险"))
    legality = next(e for e in entries if e.key == "legality")
    assert legality.present and legality.note == "存在被撤销的风险"


def test_non_compliant_adviser_opinion_is_missing_with_its_own_message():
    """A16: Given an adviser opinion concluding 不合规. When computed, Then the adviser item is
    missing with the non-compliance message."""
    entries = packet_entries(
        PacketInputs(
            draft=DRAFT,
            exempt_basis="依据",
            review=REVIEW,
            adviser=ADVISER,
            adviser_non_compliant=True,
        )
    )
    assert packet_missing(entries) == [("A16", "法律顾问意见为不合法或不合规，不得提交讨论")]


def test_consultation_without_opinions_needs_no_adoption_report():
    """Given a closed consultation that received no opinion. When computed, Then the
    participation item is present with a note."""
    entries = packet_entries(
        PacketInputs(draft=DRAFT, participation_held=True, review=REVIEW, adviser=ADVISER)
    )
    participation = next(e for e in entries if e.key == "participation")
    assert participation.present and participation.note == "征求意见期间未收到意见"
