"""`ganchao seed` writes the 依法干 demo data (issue 10 item 9): a year's catalogue and major
administrative decisions in every state, one stopped at each gate, made through the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from ganchao.audit.models import AuditEvent
from ganchao.audit.verify import audit_verify
from ganchao.decisions.choices import (
    AdviserKind,
    CatalogueState,
    CommentState,
    ConsultationState,
    Position,
    ReviewConclusion,
    ReviewState,
    State,
)
from ganchao.decisions.models import (
    AdviserConsultation,
    Catalogue,
    Decision,
    ExecutionReport,
    Expert,
    LegalAdviser,
    MemberPosition,
    PublicComment,
    Suspension,
)
from ganchao.decisions.selectors import decision_blockers
from ganchao.demodata.decisions_writer import summary_lines

AS_OF = dt.date(2026, 11, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_snapshots):
    """The town scale (its city is the decision organ), seeded and read on the as-of day."""
    moment = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True) as clock:
        yield demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=moment, clock=clock)


def rules(title_part: str) -> set[str]:
    decision = Decision.objects.get(title__contains=title_part)
    return {b.rule for b in decision_blockers(decision)}


def test_every_state_and_a_decision_stopped_at_each_gate(seeded):
    """Given the town seed, when the decisions are read, then every state of the lifecycle is
    there and the stopped ones name A3, A9, A12, A16 and A8 as their blockers."""
    states = set(Decision.objects.values_list("state", flat=True))
    assert states == {
        State.PROPOSED, State.LAUNCHED, State.IN_REVIEW, State.READY, State.DECIDED,
        State.PUBLISHED, State.EXECUTING, State.SUSPENDED, State.REJECTED,
    }  # fmt: skip
    assert "A3" in rules("防洪排涝")
    assert "A9" in rules("集中供热")
    assert "A12" in rules("产业园区")
    assert "A16" in rules("农贸市场")
    assert "A8" in rules("化工企业")
    assert rules("历史文化街区") == {"A13"}  # ready, on the agenda of the coming 常务会议
    reviews = {
        d.title: d.legality_reviews.get()
        for d in Decision.objects.filter(title__in=["水资源费征收标准调整", "城市总体规划修编"])
    }
    assert reviews["水资源费征收标准调整"].state == ReviewState.REQUESTED
    assert reviews["城市总体规划修编"].state == ReviewState.SUPPLEMENTING
    assert reviews["城市总体规划修编"].pauses.filter(ended_at__isnull=True).exists()
    exploratory = Decision.objects.get(exploratory=True)
    review = exploratory.legality_reviews.get()
    assert exploratory.state == State.DECIDED
    assert review.conclusion == ReviewConclusion.EXPLORATORY and review.legal_risk_statement
    assert MemberPosition.objects.filter(position=Position.DISAGREE).exists()
    executing = Decision.objects.get(state=State.EXECUTING)
    assert ExecutionReport.objects.filter(decision=executing).count() == 2
    assert Suspension.objects.filter(decision__state=State.SUSPENDED).exists()
    assert summary_lines(seeded.decisions)[0].startswith("  ")


def test_registers_catalogue_and_consultation(seeded):
    """Given the town seed, then the catalogue v1 is published with the party committee's date
    and 文号 and a v2 draft adds one item; the advisers, experts and the open consultation's
    comments are there; the audit chain of the services verifies."""
    v1, v2 = Catalogue.objects.order_by("number")
    assert v1.state == CatalogueState.PUBLISHED and v1.party_approved_on and v1.party_approval_doc
    assert v2.state == CatalogueState.DRAFT and v2.items.count() == v1.items.count() + 1
    kinds = sorted(LegalAdviser.objects.values_list("kind", flat=True))
    assert kinds.count(AdviserKind.GOVERNMENT_ADVISER) == 2 and len(kinds) == 3
    assert LegalAdviser.objects.filter(user__username="lawyer1").exists()
    assert AdviserConsultation.objects.filter(decision__isnull=True).exists()
    assert Expert.objects.count() == 8
    comments = PublicComment.objects.filter(consultation__state=ConsultationState.OPEN)
    assert set(comments.values_list("state", flat=True)) == {
        CommentState.PENDING, CommentState.PUBLISHED, CommentState.REJECTED,
    }  # fmt: skip
    assert comments.filter(state=CommentState.REJECTED).count() == 1
    assert AuditEvent.objects.filter(action="decision.launch").count() >= 14
    assert audit_verify().ok


def test_public_portal_shows_the_published_decision_and_the_open_consultation(seeded):
    """Given the town seed, when anyone opens /public/decisions/, then the published decision
    and the open consultation are listed, and the proposed decision is not."""
    moment = dt.datetime(2026, 11, 20, 11, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        page = Client().get("/public/decisions/")
    assert page.status_code == 200
    html = page.content.decode()
    published = Decision.objects.get(state=State.PUBLISHED)
    assert published.title in html
    assert "居家和社区养老服务补贴办法" in html  # the open consultation's notice
    proposed = Decision.objects.get(state=State.PROPOSED)
    # its matter is listed in the published catalogue, but the decision itself is not public
    assert f"/public/decisions/{proposed.code}/" not in html
    assert f"/public/decisions/{published.code}/" in html
    assert Client().get(f"/public/decisions/{proposed.code}/").status_code == 404
    detail = Client().get(f"/public/decisions/{published.code}/")
    assert "采纳情况说明" in detail.content.decode()
