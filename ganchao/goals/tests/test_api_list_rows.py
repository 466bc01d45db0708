"""The lists answered as they are built (common.api.serialised_page, issue 13): each row is
written exactly as its declared schema would write it, so a client sees the same report in the
list as on its own page, and the OpenAPI shape stays the truth."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ganchao.common.api import RENDERER
from ganchao.goals.api_schemas import StatusRowOut
from ganchao.goals.choices import ReportState, Status
from ganchao.goals.models import Assignment, Evidence
from ganchao.goals.tests.factories import make_plan, make_report
from ganchao.goals.tests.test_api import Api

pytestmark = pytest.mark.django_db


def text(data) -> str:
    return RENDERER.render(None, data, response_status=200)


def test_each_report_of_the_list_reads_as_its_own_page(city):
    tree = make_plan(city)
    assignment = tree.ind_lead
    make_report(assignment, "2026-01", value="1000.5")
    make_report(assignment, "2026-01", value=1001, revision=2, state=ReportState.ACCEPTED)
    december = make_report(assignment, "2026-12", value="-0.00004", narrative='说明 "引号" \\')
    make_report(assignment, "2026-Q2", state=ReportState.DRAFT)
    for name, moment in (
        ("进展 & <说明>.pdf", dt.datetime(2026, 12, 31, 16, 30, 0, 123456, tzinfo=dt.UTC)),
        ("photo.png", dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)),
    ):
        evidence = Evidence.objects.create(
            report=december,
            file="evidence/2026/12/x.pdf",
            original_name=name,
            content_type="application/pdf",
            size=3_000_000_000,
            sha256="a" * 64,
            uploaded_by=city.liaison_a,
        )
        Evidence.objects.filter(pk=evidence.pk).update(uploaded_at=moment)
    type(december).objects.filter(pk=december.pk).update(
        reviewed_at=timezone.now(), return_reason="请补充材料"
    )
    api = Api(city.liaison_a)

    response = api.get(f"/assignments/{assignment.pk}/reports", limit=3)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["count"] == 4 and [r["period"] for r in body["items"]] == [
        "2026-12",
        "2026-Q2",
        "2026-01",
    ]
    assert [e["name"] for e in body["items"][0]["evidence"]] == ["进展 & <说明>.pdf", "photo.png"]
    for row in body["items"]:
        detail = api.get(f"/reports/{row['id']}")
        assert text(row) == detail.content.decode(), row["period"]
    rest = api.get(f"/assignments/{assignment.pk}/reports", limit=3, offset=3).json()
    assert rest["count"] == 4 and [r["revision"] for r in rest["items"]] == [1]


def test_each_status_row_is_what_its_schema_writes(city):
    tree = make_plan(city)
    Assignment.objects.filter(pk=tree.ind_lead.pk).update(
        status=Status.RED,
        red_since=dt.date(2026, 4, 8),
        expected=Decimal("4153.84620"),
        actual=Decimal("-0.00004"),
    )
    body = Api(city.office).get("/statuses", limit=3).json()

    assert body["count"] == 5 and len(body["items"]) == 3
    assert body["items"][0]["red_since"] == "2026-04-08"
    assert body["items"][0]["expected"] == "4153.8462" and body["items"][0]["actual"] == "0"
    for row in body["items"]:
        assert text(row) == text(StatusRowOut.model_validate(row).model_dump())


def test_the_lists_errors_are_unchanged(city):
    tree = make_plan(city)
    api = Api(city.liaison_a)
    missing = api.get("/statuses", unit="NOPE")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get("/statuses", status="purple").json()["code"] == "invalid"
    assert api.get("/statuses", limit=0).status_code == 422
    other_town = api.get(f"/assignments/{tree.level_lead.pk}/reports")
    assert other_town.status_code == 404 and other_town.json()["code"] == "not_found"
