"""The unit directory runs a fixed number of SQL queries whatever the number of units
(DESIGN.md part 4): each page is measured on the town scale (32 units) and on the city
scale (382 units), signed in as a demo liaison, and both counts are pinned."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.orgs.models import Unit, User

# Every request: the session, the user with their unit, their roles and posts (4), and the
# session's activity time saved (savepoint, UPDATE, release: 3). Pages add the shell's root
# name (1; the calendar years only for the system administrator, who is shown the banner).
EXPECTED = {
    "/orgs/units/": 6,  # + the first two tree levels, and their children's counts
    "/orgs/units/?q=村": 6,  # + the matching units, and their ancestors' names
    "/api/v1/units?limit=100": 5,  # + the page, and the count
    "/api/v1/units?limit=100&offset=300": 5,
    "/api/v1/units/tree": 4,  # + every unit, in one query
}
UNIT_COUNTS = {"town": 32, "city": 382}
# One worker runs the module (scripts/test's --dist loadgroup): each scale is seeded once.
pytestmark = pytest.mark.xdist_group("query_counts")


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture(scope="module", params=list(UNIT_COUNTS))
def seeded(request, django_db_setup, django_db_blocker, demo_snapshots, tmp_path_factory):
    """The demo seed of one scale (the worker's one seed of it), restored once for the module in
    a transaction rolled back after it (each test runs in a savepoint inside it): the pages only
    read."""
    with (
        demo_snapshots.private_folders(tmp_path_factory.mktemp("query-counts")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_snapshots.restore(scale=request.param, seed=1, as_of=dt.date(2026, 5, 11))
        yield request.param
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(EXPECTED))
def test_unit_directory_query_count_does_not_grow_with_the_tree(client, seeded, url):
    assert Unit.objects.count() == UNIT_COUNTS[seeded]
    client.force_login(User.objects.get(username="t01_liaison"))
    assert queries_for(client, url) == EXPECTED[url]


@pytest.mark.django_db
@pytest.mark.parametrize("seeded", ["city"], indirect=True)
def test_units_api_pages_the_whole_directory(client, seeded):
    client.force_login(User.objects.get(username="t01_liaison"))
    first = client.get("/api/v1/units?limit=100").json()
    last = client.get("/api/v1/units?limit=100&offset=300").json()
    assert first["count"] == last["count"] == 382
    assert len(first["items"]) == 100 and len(last["items"]) == 82
    assert first["items"][0]["code"] == "C01" and first["items"][0]["type_label"] == "市"
    department = first["items"][1]
    assert department["parent_code"] == "C01" and department["category"] == "市直部门"
