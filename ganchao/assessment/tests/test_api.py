"""API of 比着干: schemes, results (published and draft), revisions and one unit's breakdown."""

from django.db import transaction

from ganchao.assessment import services
from ganchao.conftest import make_user
from ganchao.orgs.choices import Role


def publish(scenario):
    with transaction.atomic():
        return services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")[0]


def users(scenario):
    root = scenario.a.parent
    return (
        make_user("office_api", scenario.office_unit, Role.OFFICE),
        make_user("liaison_a_api", scenario.a, Role.LIAISON),
        make_user("auditor_api", root, Role.AUDITOR),
    )


def test_schemes_list_the_components(scenario, login):
    office, _liaison, _auditor = users(scenario)
    body = login(office).get("/api/v1/assessment/schemes").json()
    assert body["count"] == 1
    scheme = body["items"][0]
    assert (scheme["code"], scheme["scheme_version"], scheme["period_type"]) == (
        "TOWNS",
        1,
        "quarter",
    )
    assert [(c["code"], c["points"]) for c in scheme["components"]] == [
        ("IND", "50.00"),
        ("MS", "30.00"),
        ("SUP", "20.00"),
    ]


def test_published_result_in_the_ranking_layout(scenario, login):
    office, liaison, auditor = users(scenario)
    url = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2"
    assert login(liaison).get(url).status_code == 404  # nothing published yet
    publish(scenario)
    body = login(liaison).get(url).json()
    assert (body["draft"], body["result_revision"], body["cutoff"]) == (False, 1, "2026-07-07")
    assert body["published_at"].endswith("+08:00")
    assert [(r["unit_code"], r["rank"], r["total"], r["grade"]) for r in body["items"]] == [
        ("T02", 1, "98.00", "优秀"),
        ("T01", 2, "90.92", "优秀"),
        ("T03", 3, "57.00", "不合格"),
    ]
    assert body["items"][1]["gap"] == "7.08"
    assert login(auditor).get(url).status_code == 404


def test_draft_only_for_the_office(scenario, login):
    office, liaison, _auditor = users(scenario)
    url = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2?draft=true"
    body = login(office).get(url).json()
    assert body["draft"] is True and body["result_revision"] is None
    assert login(liaison).get(url).status_code == 404


def test_bad_period_is_a_clear_error(scenario, login):
    office, _liaison, _auditor = users(scenario)
    response = login(office).get("/api/v1/assessment/schemes/TOWNS/results/2026-05")
    assert response.status_code == 422
    assert "应形如 2026-Q2" in response.json()["message"]
    missing = login(office).get("/api/v1/assessment/schemes/NOPE/results/2026-Q2")
    assert missing.status_code == 404


def test_breakdown_is_scoped_and_revisions_list_differences(scenario, login):
    office, liaison, _auditor = users(scenario)
    publish(scenario)
    base = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2"
    own = login(liaison).get(f"{base}/units/T01").json()
    assert [c["score"] for c in own["components"]] == ["46.67", "26.25", "17.00"]
    assert own["components"][0]["details"][0]["key"].startswith("assignment:")
    assert login(liaison).get(f"{base}/units/T02").status_code == 404
    with transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.b,
            kind="bonus", points=1, reason="表彰", approved=True,
        )  # fmt: skip
    publish(scenario)
    revisions = login(office).get(f"{base}/revisions").json()
    assert [r["result_revision"] for r in revisions] == [1, 2]
    fields = {(d["unit_code"], d["field"]) for d in revisions[1]["differences"]}
    assert ("T02", "total") in fields and ("T02", "bonus") in fields


def test_result_pages_with_limit_and_offset(scenario, login):
    office, _liaison, _auditor = users(scenario)
    publish(scenario)
    url = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2"
    body = login(office).get(url, {"limit": 1, "offset": 1}).json()
    assert body["count"] == 3 and [r["unit_code"] for r in body["items"]] == ["T01"]
    assert login(office).get(url, {"limit": 0}).status_code == 422
