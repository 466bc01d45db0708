"""The assessment pages' actions through the API (DESIGN.md 3.1 and 3.7), each by the service
its page calls: one test per operation with its happy path and a refusal, through the test
client with a bearer token."""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from ganchao.accounts.services import token_create
from ganchao.assessment import bulletin, services
from ganchao.assessment.models import Appeal, Benchmark, ManualScore, PublicRelease, ScoreItem
from ganchao.assessment.tests.test_inputs import manual_scheme
from ganchao.conftest import make_user
from ganchao.orgs.choices import Role

PERIOD = "/api/v1/assessment/schemes/TOWNS/results/2026-Q2"
INPUTS = "/api/v1/assessment/schemes/TOWNS/periods/2026-Q2"
COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": "60"},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": "40"},
]


class Api:
    """A client speaking for one user through a bearer token."""

    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def json(self, method, path, data=None):
        call = getattr(self.client, method)
        return call(path, data or {}, content_type="application/json", headers=self.headers)

    def post(self, path, data=None):
        return self.json("post", path, data)

    def multipart(self, path, data):
        return self.client.post(path, data, headers=self.headers)


@pytest.fixture
def office(scenario):
    return Api(make_user("office_w", scenario.office_unit, Role.OFFICE))


@pytest.fixture
def liaison(scenario):
    return Api(make_user("liaison_w", scenario.a, Role.LIAISON))


def publish(scenario):
    with transaction.atomic():
        return services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")[0]


def field_errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# ---- schemes -------------------------------------------------------------------------------


def test_create_a_scheme_and_refuse_a_used_code(scenario, office, liaison):
    body = {"code": "DEPTS", "name": "部门年度考核", "category": "TOWN", "period_type": "year",
            "excellent_share": "0.3", "components": COMPONENTS}  # fmt: skip
    response = office.post("/api/v1/assessment/schemes", body)
    assert response.status_code == 201, response.content
    scheme = response.json()
    assert (scheme["code"], scheme["scheme_version"], scheme["excellent_share"]) == (
        "DEPTS", 1, "0.3000",
    )  # fmt: skip
    assert [(c["code"], c["points"]) for c in scheme["components"]] == [
        ("IND", "60.00"), ("MS", "40.00"),
    ]  # fmt: skip
    again = office.post("/api/v1/assessment/schemes", {**body, "name": "重复"})
    assert again.status_code == 422 and "方案编码已存在" in field_errors(again)["code"]
    assert liaison.post("/api/v1/assessment/schemes", {**body, "code": "X"}).status_code == 403


def test_a_scheme_refuses_bad_settings_and_points_not_adding_up(scenario, office):
    body = {"code": "BAD", "name": "方案", "category": "TOWN", "period_type": "year",
            "good_threshold": "95", "components": COMPONENTS}  # fmt: skip
    response = office.post("/api/v1/assessment/schemes", body)
    assert response.status_code == 422
    assert field_errors(response) == {"good_threshold": "分数线应为 优秀 ≥ 良好 ≥ 合格"}
    short = [{**COMPONENTS[0], "points": "50"}, COMPONENTS[1]]
    response = office.post("/api/v1/assessment/schemes", {**body, "good_threshold": "80",
                                                         "components": short})  # fmt: skip
    assert response.status_code == 422 and "应为 100" in response.json()["message"]
    assert not services.Scheme.objects.filter(code="BAD").exists()


def test_new_version_keeps_the_code_and_refuses_a_stale_base(scenario, office):
    url = "/api/v1/assessment/schemes/TOWNS/versions"
    body = {"name": "乡镇季度考核（修订）", "components": COMPONENTS, "based_on_version": 1}
    response = office.post(url, body)
    assert response.status_code == 201, response.content
    assert (response.json()["scheme_version"], response.json()["period_type"]) == (2, "quarter")
    stale = office.post(url, body)
    assert stale.status_code == 409 and "已有更新的版本" in stale.json()["message"]
    participants = {**body, "based_on_version": 2, "excluded_units": ["T03"],
                    "empty_component": "average"}  # fmt: skip
    third = office.post(url, participants).json()
    assert (third["excluded_units"], third["empty_component"]) == (["T03"], "average")
    wrong = office.post(url, {**participants, "based_on_version": 3, "excluded_units": ["D90"]})
    assert wrong.status_code == 422 and "excluded_units" in field_errors(wrong)
    assert office.post("/api/v1/assessment/schemes/NOPE/versions", body).status_code == 404


# ---- publication and release ---------------------------------------------------------------


def test_publish_makes_revision_one_then_nothing_new(scenario, office, liaison):
    assert liaison.post(f"{PERIOD}/publish").status_code == 403
    first = office.post(f"{PERIOD}/publish")
    assert first.status_code == 201, first.content
    assert (first.json()["result_revision"], first.json()["created"]) == (1, True)
    assert first.json()["published_at"].endswith("+08:00")
    again = office.post(f"{PERIOD}/publish")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["result_revision"] == 1


def test_publishing_a_running_period_needs_early(scenario, office):
    today = timezone.localdate()
    running = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    url = f"/api/v1/assessment/schemes/TOWNS/results/{running}/publish"
    refused = office.post(url)
    assert refused.status_code == 409 and "才结束" in refused.json()["message"]
    assert "early" in field_errors(refused)
    assert office.post(url, {"early": True}).status_code == 201


def test_release_and_withdraw_the_public_ranking(scenario, office, liaison):
    assert office.post(f"{PERIOD}/release").status_code == 409  # nothing published yet
    publish(scenario)
    assert liaison.post(f"{PERIOD}/release").status_code == 403
    released = office.post(f"{PERIOD}/release")
    assert released.status_code == 200 and released.json()["released"] is True
    assert Client().get("/assessment/public/TOWNS/2026-Q2/").status_code == 200
    withdrawn = office.json("delete", f"{PERIOD}/release")
    assert withdrawn.status_code == 200 and withdrawn.json()["released"] is False
    assert PublicRelease.objects.get().withdrawn_at is not None


# ---- inputs --------------------------------------------------------------------------------


def test_register_approve_and_withdraw_items(scenario, office, liaison):
    body = {"unit": "T02", "kind": "bonus", "points": "2", "reason": "市级表彰"}
    assert liaison.post(f"{INPUTS}/items", body).status_code == 403
    bad = office.post(f"{INPUTS}/items", {**body, "unit": "不存在的镇"})
    assert bad.status_code == 422 and "unit" in field_errors(bad)
    created = office.post(f"{INPUTS}/items", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["unit_code"], item["points"], item["approved"]) == ("T02", "2.00", False)
    approved = office.post(f"{INPUTS}/items/{item['id']}/approve")
    assert approved.status_code == 200 and approved.json()["approved"] is True
    assert office.post(f"{INPUTS}/items/{item['id']}/approve").status_code == 409
    other = office.post(f"{INPUTS}/items", {**body, "kind": "veto", "points": None}).json()
    withdrawn = office.post(f"{INPUTS}/items/{other['id']}/withdraw", {"reason": "登记有误"})
    assert withdrawn.status_code == 204
    assert office.post(f"{INPUTS}/items/{item['id']}/withdraw").status_code == 409  # approved
    assert not ScoreItem.objects.filter(pk=other["id"]).exists()
    listed = office.get(f"{INPUTS}/items").json()
    assert item["id"] in [row["id"] for row in listed]
    assert liaison.get(f"{INPUTS}/items").status_code == 404


def test_manual_scores_are_saved_all_or_nothing(scenario, office, liaison):
    manual_scheme(scenario)
    url = f"{INPUTS}/manual-scores"
    body = {"scores": [{"unit": "T01", "component": "EVAL", "score": "8.5"}]}
    assert liaison.post(url, body).status_code == 403
    saved = office.post(url, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["summary"] == "新增 1，更新 0，未变 0"
    too_high = office.post(url, {"scores": [
        {"unit": "T01", "component": "EVAL", "score": "9"},
        {"unit": "T02", "component": "SAT", "score": "12"},
    ]})  # fmt: skip
    assert too_high.status_code == 422
    assert "乙镇 · 群众满意度" in field_errors(too_high)["score-T02-SAT"]
    assert ManualScore.objects.get(unit=scenario.a).score == 8.5  # unchanged
    listed = office.get(url).json()
    assert listed == [{"unit_code": "T01", "unit": "甲镇", "component": "EVAL", "score": "8.50"}]
    assert liaison.get(url).status_code == 404


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(["单位", "组成项", "得分"])
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="打分.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_manual_sheet_dry_run_then_import(scenario, office, liaison):
    manual_scheme(scenario)
    url = f"{INPUTS}/manual-scores/sheet"
    data = sheet(("T01", "领导评议", 8), ("乙镇", "EVAL", 9.5))
    assert liaison.multipart(url, {"file": upload(data)}).status_code == 403
    preview = office.multipart(url, {"file": upload(data), "dry_run": "true"})
    assert preview.status_code == 200, preview.content
    assert (preview.json()["written"], len(preview.json()["created"])) == (False, 2)
    assert not ManualScore.objects.exists()
    done = office.multipart(url, {"file": upload(data)})
    assert done.json()["written"] is True and ManualScore.objects.count() == 2
    bad = office.multipart(url, {"file": upload(sheet(("T01", "领导评议", 99)))})
    assert bad.status_code == 422
    assert any(e["field"].startswith("第2行") for e in bad.json()["errors"])


# ---- appeals -------------------------------------------------------------------------------


def lodge(api, unit="T01", component="IND", **extra):
    data = {"unit": unit, "component": component, "reason": "指标2的报送值未计入", **extra}
    return api.multipart(f"{PERIOD}/appeals", data)


def test_a_unit_lodges_an_appeal_with_evidence(scenario, liaison):
    assert lodge(liaison).status_code == 404  # nothing published yet
    publish(scenario)
    assert lodge(liaison, unit="T02").status_code == 403  # not the liaison's unit
    pdf = upload(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "说明.pdf")
    response = lodge(liaison, requested_score="50", files=[pdf])
    assert response.status_code == 201, response.content
    appeal = response.json()
    assert (appeal["state"], appeal["original_score"], appeal["requested_score"]) == (
        "submitted", "46.67", "50.00",
    )  # fmt: skip
    assert [e["name"] for e in appeal["evidence"]] == ["说明.pdf"]
    download = liaison.get(appeal["evidence"][0]["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other = Api(make_user("liaison_b2", scenario.b, Role.LIAISON))
    assert other.get(appeal["evidence"][0]["download"]).status_code == 404
    assert isinstance(dt.date.fromisoformat(appeal["deadline"]), dt.date)
    twice = lodge(liaison)
    assert twice.status_code == 422  # one open appeal per component


def test_the_office_accepts_and_rejects_appeals(scenario, office, liaison):
    publish(scenario)
    first = lodge(liaison).json()
    second = lodge(liaison, component="MS").json()
    assert liaison.post(f"/api/v1/assessment/appeals/{first['id']}/accept",
                        {"adjusted_score": "50"}).status_code == 403  # fmt: skip
    accepted = office.post(
        f"/api/v1/assessment/appeals/{first['id']}/accept",
        {"adjusted_score": "50", "decision": "核实后采纳"},
    )
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["state"], accepted.json()["revision_made"]) == ("accepted", 2)
    blank = office.post(f"/api/v1/assessment/appeals/{second['id']}/reject", {"decision": " "})
    assert blank.status_code == 422 and "decision" in field_errors(blank)
    rejected = office.post(
        f"/api/v1/assessment/appeals/{second['id']}/reject", {"decision": "节点确未按期完成"}
    )
    assert rejected.json()["state"] == "rejected"
    late = office.post(f"/api/v1/assessment/appeals/{second['id']}/accept", {"adjusted_score": "1"})
    assert late.status_code == 409


def test_appeal_lists_are_scoped_and_run_few_queries(
    scenario, office, liaison, django_assert_max_num_queries
):
    publish(scenario)
    for component in ("IND", "MS", "SUP"):
        lodge(liaison, component=component)
    other = Api(make_user("liaison_b", scenario.b, Role.LIAISON))
    assert other.get("/api/v1/assessment/appeals").json()["count"] == 0
    first = Appeal.objects.order_by("id").first()
    assert other.get(f"/api/v1/assessment/appeals/{first.pk}").status_code == 404
    with django_assert_max_num_queries(10):
        body = office.get("/api/v1/assessment/appeals").json()
    assert body["count"] == 3 and {a["unit_code"] for a in body["items"]} == {"T01"}
    for component in ("IND", "MS", "SUP"):
        lodge(other, unit="T02", component=component)
    with django_assert_max_num_queries(10):  # twice the appeals, the same queries
        assert office.get("/api/v1/assessment/appeals").json()["count"] == 6
    assert liaison.get("/api/v1/assessment/appeals").json()["count"] == 3


# ---- bulletins -----------------------------------------------------------------------------


def test_issue_and_download_a_bulletin(scenario, office, liaison):
    url = "/api/v1/assessment/bulletins"
    body = {"scheme_code": "TOWNS", "period": "2026-Q2"}
    early = office.post(url, body)
    assert early.status_code == 422 and "尚无已发布的考核结果" in early.json()["message"]
    publish(scenario)
    assert liaison.post(url, body).status_code == 404
    issued = office.post(url, body)
    assert issued.status_code == 201, issued.content
    again = office.post(url, body)
    assert again.status_code == 200 and again.json()["number"] == issued.json()["number"]
    document = office.get(issued.json()["download"])
    assert document.status_code == 200 and document["Content-Type"] == bulletin.DOCX_TYPE
    assert document.content.startswith(b"PK")
    assert liaison.get(issued.json()["download"]).status_code == 404
    assert office.get(url).json()["count"] == 1
    assert liaison.get(url).status_code == 404


def test_replace_and_restore_the_bulletin_template(scenario, office, liaison):
    url = "/api/v1/assessment/bulletins/template"
    builtin = bulletin.template_bytes(None)
    assert office.json("delete", url).status_code == 409  # already the built-in one
    not_docx = office.multipart(url, {"file": upload(b"not a document", "模板.docx")})
    assert not_docx.status_code == 422
    assert liaison.multipart(url, {"file": upload(builtin, "模板.docx")}).status_code == 404
    uploaded = office.multipart(url, {"file": upload(builtin, "本市模板.docx")})
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["name"] == "本市模板.docx"
    assert office.json("delete", url).status_code == 204
    assert bulletin.active_template() is None


# ---- benchmarks ----------------------------------------------------------------------------


def test_benchmarks_add_edit_and_deactivate(scenario, office, liaison):
    item = scenario.plan.items.get(code="1")
    body = {"item_id": item.pk, "region": "苏州市", "value": "120.5", "year": 2025,
            "source": "统计公报"}  # fmt: skip
    assert liaison.post("/api/v1/assessment/benchmarks", body).status_code == 403
    missing = office.post("/api/v1/assessment/benchmarks", {**body, "source": ""})
    assert missing.status_code == 422 and "source" in field_errors(missing)
    created = office.post("/api/v1/assessment/benchmarks", body)
    assert created.status_code == 201, created.content
    benchmark = created.json()
    assert (benchmark["value"], benchmark["version"]) == ("120.5", 1)
    url = f"/api/v1/assessment/benchmarks/{benchmark['id']}"
    edited = office.json("put", url, {**body, "value": "121", "expected_version": 1})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = office.json("put", url, {**body, "value": "122", "expected_version": 1})
    assert stale.status_code == 409
    assert liaison.post(f"{url}/deactivate", {"expected_version": 2}).status_code == 403
    outsider = Api(make_user("liaison_c", scenario.c, Role.LIAISON))
    assert outsider.get("/api/v1/assessment/benchmarks", item=item.pk).status_code == 404
    gone = office.post(f"{url}/deactivate", {"expected_version": 2})
    assert gone.status_code == 200 and gone.json()["active"] is False
    listed = liaison.get("/api/v1/assessment/benchmarks", item=item.pk).json()
    assert listed == []  # the inactive one is the office's record only
    assert Benchmark.objects.get().active is False


def test_input_and_bulletin_lists_run_a_fixed_number_of_queries(
    scenario, office, django_assert_max_num_queries
):
    publish(scenario)
    for unit in ("T01", "T02", "T03"):
        body = {"unit": unit, "kind": "bonus", "points": "1", "reason": "表彰"}
        office.post(f"{INPUTS}/items", body)
    office.post("/api/v1/assessment/bulletins", {"scheme_code": "TOWNS", "period": "2026-Q2"})
    with django_assert_max_num_queries(6):
        assert len(office.get(f"{INPUTS}/items").json()) == 7  # 4 of the scenario, 3 new
    with django_assert_max_num_queries(10):
        assert office.get("/api/v1/assessment/bulletins").json()["count"] == 1
