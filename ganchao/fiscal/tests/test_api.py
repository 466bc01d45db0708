"""The 量力而行 API: one test per endpoint, the refusals with their statuses, and the lists and
the overview at a bounded number of queries."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ganchao.accounts.services import token_create
from ganchao.fiscal.models import Commitment
from ganchao.fiscal.services import capacity_set, commitment_create
from ganchao.goals.tests.factories import make_plan

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def send(self, method, path, body=None):
        return self.client.generic(
            method,
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path, body=None):
        return self.send("POST", path, body)


def pledge_body(city, amount, **extra):
    body = {"unit_id": city.town_a.pk, "year": 2026, "amount": amount, "title": "污水管网改造"}
    return body | extra


def fund(city, amount="1000", unit=None):
    return capacity_set(actor=city.office, unit=unit or city.town_a, year=2026, amount=amount)


def test_put_capacity_creates_then_needs_the_version_to_change(city):
    office = Api(city.office)
    made = office.send(
        "PUT", "/fiscal/capacities", {"unit_id": city.town_a.pk, "year": 2026, "amount": "800.5"}
    )
    assert made.status_code == 200, made.content
    assert made.json()["amount"] == "800.50" and made.json()["version"] == 1
    blind = office.send(
        "PUT", "/fiscal/capacities", {"unit_id": city.town_a.pk, "year": 2026, "amount": "900"}
    )
    assert blind.status_code == 428 and blind.json()["current_version"] == 1
    body = {"unit_id": city.town_a.pk, "year": 2026, "amount": "900", "expected_version": 1}
    changed = office.send("PUT", "/fiscal/capacities", body)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = office.send("PUT", "/fiscal/capacities", body)
    assert stale.status_code == 409
    listed = office.get("/fiscal/capacities", year=2026)
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["amount"] == "900.00"


def test_put_capacity_refusals(city):
    body = {"unit_id": city.town_a.pk, "year": 2026, "amount": "10"}
    assert Api(city.leader_user).send("PUT", "/fiscal/capacities", body).status_code == 403
    outside = Api(city.liaison_b).send("PUT", "/fiscal/capacities", body)
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "unit_id"
    bad = Api(city.office).send("PUT", "/fiscal/capacities", body | {"amount": "1.005"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "amount"


def test_a_commitment_beyond_capacity_without_a_reason_is_a_422_naming_reason(city):
    fund(city, "100")
    liaison = Api(city.liaison_a)
    refused = liaison.post("/fiscal/commitments", pledge_body(city, "150"))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
    made = liaison.post("/fiscal/commitments", pledge_body(city, "150", reason="汛期抢险"))
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "pending_approval" and made.json()["excess"] == "50.00"
    within = liaison.post("/fiscal/commitments", pledge_body(city, "50", year=2027, reason="x"))
    assert within.json()["no_capacity"] is True


def test_a_key_project_links_a_goal_item(city):
    fund(city)
    tree = make_plan(city)
    body = pledge_body(city, "100", kind="key_project", item_id=tree.indicator.pk)
    made = Api(city.office).post("/fiscal/commitments", body)
    assert made.status_code == 201, made.content
    assert made.json()["item_id"] == tree.indicator.pk and made.json()["state"] == "effective"
    missing = Api(city.office).post("/fiscal/commitments", body | {"item_id": 999999})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "item_id"


def test_approve_reject_withdraw_through_the_api(city):
    fund(city, "100")
    liaison, office = Api(city.liaison_a), Api(city.office)
    first = liaison.post("/fiscal/commitments", pledge_body(city, "150", reason="应急")).json()
    second = liaison.post("/fiscal/commitments", pledge_body(city, "10", reason="应急")).json()
    assert liaison.post(f"/fiscal/commitments/{first['id']}/approve").status_code == 403
    approved = office.post(f"/fiscal/commitments/{first['id']}/approve", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert approved.json()["approver"]
    again = office.post(f"/fiscal/commitments/{first['id']}/approve")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    no_note = office.post(f"/fiscal/commitments/{second['id']}/reject", {"note": ""})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    rejected = office.post(f"/fiscal/commitments/{second['id']}/reject", {"note": "不予安排"})
    assert rejected.json()["state"] == "rejected"
    withdrawn = liaison.post(f"/fiscal/commitments/{first['id']}/withdraw", {"note": "项目调整"})
    assert withdrawn.json()["state"] == "withdrawn"
    assert liaison.post(f"/fiscal/commitments/{first['id']}/withdraw").status_code == 409
    assert Api(city.liaison_b).get(f"/fiscal/commitments/{first['id']}").status_code == 404
    assert liaison.get(f"/fiscal/commitments/{first['id']}").json()["state"] == "withdrawn"


def test_overview_per_unit(city):
    fund(city, "100")
    fund(city, "500", unit=city.town_b)
    commitment_create(
        actor=city.office, unit=city.town_a, year=2026, amount="150", title="甲",
        kind="other", reason="应急",
    )  # fmt: skip
    commitment_create(
        actor=city.office, unit=city.town_b, year=2026, amount="200", title="乙", kind="other"
    )
    pending = Commitment.objects.get(title="甲")
    Api(city.office).post(f"/fiscal/commitments/{pending.pk}/approve")
    rows = {
        r["unit_code"]: r
        for r in Api(city.office).get("/fiscal/overview?year=2026").json()["items"]
    }
    assert (rows["C101"]["capacity"], rows["C101"]["committed"]) == ("100.00", "150.00")
    assert (rows["C101"]["excess"], rows["C101"]["approved_excess"]) == ("50.00", "50.00")
    assert (rows["C102"]["committed"], rows["C102"]["excess"]) == ("200.00", "0.00")
    town_b_only = Api(city.liaison_b).get("/fiscal/overview", year=2026).json()
    assert [r["unit_code"] for r in town_b_only["items"]] == ["C102"]


def _seed(city, units: range, per_unit: int):
    from ganchao.conftest import make_unit
    from ganchao.orgs.choices import UnitType

    for n in units:
        unit = make_unit(f"第{n}镇", UnitType.TOWN, city.root, code=f"T{n:03d}")
        fund(city, "1000", unit=unit)
        for m in range(per_unit):
            commitment_create(
                actor=city.office, unit=unit, year=2026, amount="10", title=f"事项{m}",
                kind="other",
            )  # fmt: skip


LISTS = ["/fiscal/overview?year=2026", "/fiscal/commitments?year=2026", "/fiscal/capacities"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_run_the_same_queries_at_two_sizes(city, path, django_assert_max_num_queries):
    office = Api(city.office)
    _seed(city, range(2), 2)
    office.get(path)  # the first request warms per-process caches
    with CaptureQueriesContext(connection) as small:
        assert office.get(path).json()["count"] >= 2
    _seed(city, range(2, 14), 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert office.get(path).json()["count"] >= 14
    assert len(small.captured_queries) <= 8
