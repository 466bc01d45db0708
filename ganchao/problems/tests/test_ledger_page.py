"""The ledger page reads its chart from selectors.open_by_age (the API's), looks the unit filter
up once, and offers the unit picker of the other pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganchao.common.tests.api_client import TokenApi
from ganchao.problems import selectors
from ganchao.problems.tests.factories import ProblemFactory

pytestmark = pytest.mark.django_db


def test_the_chart_shows_what_the_api_counts(login, pcity):
    today = timezone.localdate()
    ProblemFactory(
        owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=3), severity="severe"
    )
    ProblemFactory(owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=30))
    ProblemFactory(owner_unit=pcity.town_b, found_on=today - dt.timedelta(days=30))

    chart = login(pcity.office).get(reverse("problems:ledger"), {"unit": "C101"}).context["chart"]

    by_age = selectors.open_by_age(pcity.office, {"unit": "C101"}, today)
    assert chart["total"] == sum(row["count"] for row in by_age) == 2
    assert [sum(r["counts"]) for r in chart["rows"]] == [row["count"] for row in by_age]
    assert "unit=C101" in chart["urls"][2][0]


def test_the_unit_filter_is_the_unit_picker_and_names_the_unit(login, pcity):
    page = login(pcity.office).get(reverse("problems:ledger"), {"unit": "C101"})
    html = page.content.decode()
    assert 'data-picker="1"' in html and 'data-search-url="/api/v1/units' in html
    assert 'name="unit"' in html and 'value="C101"' in html
    assert pcity.town_a.name in html


def test_an_unknown_unit_code_lists_nothing(login, pcity):
    ProblemFactory(owner_unit=pcity.town_a)
    page = login(pcity.office).get(reverse("problems:ledger"), {"unit": "nonesuch"})
    assert page.status_code == 200
    assert page.context["rows"] == [] and page.context["chart"]["total"] == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_ledger_filtered_by_unit_runs_a_fixed_number_of_queries(
    login, pcity, count, django_assert_num_queries
):
    ProblemFactory.create_batch(count, owner_unit=pcity.town_a)
    client = login(pcity.office)
    client.get(reverse("problems:ledger"))  # warm the session and the scope
    with django_assert_num_queries(8):  # the unfiltered page's 7 and one for the unit
        response = client.get(reverse("problems:ledger"), {"unit": "C101"})
    assert len(response.context["rows"]) == count


def test_the_age_chart_api_runs_the_same_queries_for_3_and_30_rows(pcity):
    api = TokenApi(pcity.office)
    api.get("/problems/by-age")  # warm the token's one-off reads
    counts = []
    for size in (3, 27):
        ProblemFactory.create_batch(size, owner_unit=pcity.town_a)
        with CaptureQueriesContext(connection) as captured:
            rows = api.get("/problems/by-age", unit="C101").json()
        counts.append(len(captured))
    assert sum(row["count"] for row in rows) == 30
    assert counts[0] == counts[1]
