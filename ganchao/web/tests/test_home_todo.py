"""我的待办 on the home page of a legality reviewer and an enforcement officer (a newcomer found
their homes showing only the unit directory): each entry's count is what its desk lists."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ganchao.decisions import selectors_review as decision_reviews
from ganchao.enforcement import selectors_core
from ganchao.enforcement import selectors_review as case_reviews
from ganchao.enforcement.choices import ReviewState
from ganchao.orgs.models import User

AS_OF = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_snapshots):
    """The demo town on its as-of day (the worker's copy, shared with the enforcement and
    decisions seed tests)."""
    with time_machine.travel(MOMENT, tick=True) as clock:
        yield demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=MOMENT, clock=clock)


def _todo(username) -> tuple[str, int]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get("/")
    with CaptureQueriesContext(connection) as run:
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="my-todo"' in page, username
    return page.split('id="my-todo"')[1].split("</table>")[0], len(run)


def _count(card: str, label: str) -> int:
    found = re.search(re.escape(label) + r".*?<span class=\"h3 mb-0 num\">(\d+)</span>", card, re.S)
    assert found, label
    return int(found.group(1))


def test_a_legality_reviewer_sees_the_reviews_waiting_on_them(seeded):
    reviewer = User.objects.get(username="sfj_review")
    card, queries = _todo("sfj_review")
    assert queries <= 14  # pinned: the page's own, plus three counts
    assigned = case_reviews.reviews_for_desk(reviewer, mine=True).filter(state=ReviewState.ASSIGNED)
    assert _count(card, "分配给我的执法案件法制审核") == assigned.count()
    waiting = decision_reviews.reviews_for_desk(reviewer, state="open")
    assert _count(card, "本单位待审查的重大决策") == waiting.count()
    assert assigned.count() + waiting.count() > 0, "the demo gives the reviewer work"


def test_an_officer_sees_their_open_cases_with_links(seeded):
    officer = User.objects.get(username="cgj_officer")
    card, queries = _todo("cgj_officer")
    assert queries <= 17  # pinned: the page's own, plus three for the cases (count, late, rows)
    mine = selectors_core.case_list(officer).filter(case_officers__officer__user=officer)
    assert mine.exists()
    assert _count(card, "我承办的在办案件") == mine.count()
    for case in mine[:5]:
        assert f'href="/enforcement/cases/{case.pk}/">{case.code}</a>' in card
    liaison = User.objects.filter(role_grants__role="liaison").exclude(
        role_grants__role__in=["enforcement_officer", "legality_reviewer"]
    )[0]
    client = Client()
    client.force_login(liaison)
    assert 'id="my-todo"' not in client.get("/").content.decode()  # nothing to do here
