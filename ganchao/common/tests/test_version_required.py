"""No lost update through the API (issue 12 item 9). The probe saw two writes without
`expected_version` overwrite each other: every write that changes an existing versioned object
now needs the version it was based on, in the body or as an If-Match header, and answers 428
with the current version without one."""

import datetime as dt
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from config.api import api
from ganchao.accounts.models import SecurityPolicy
from ganchao.accounts.services import token_create
from ganchao.assessment import services_benchmarks
from ganchao.common.api import version_operations
from ganchao.conftest import City
from ganchao.decisions.models import LegalAdviser
from ganchao.decisions.tests.conftest import DecisionCity
from ganchao.enforcement.tests.conftest import EnforcementCity
from ganchao.goals.choices import AdjustmentState, ReportState
from ganchao.goals.models import TargetAdjustment
from ganchao.goals.tests.factories import make_plan, make_report
from ganchao.orgs.models import Unit

pytestmark = pytest.mark.django_db

PRECONDITION_MESSAGE = "请提供 expected_version（或 If-Match 请求头）以免覆盖他人的修改"


class Api:
    """A script holding one user's token, able to send an If-Match header."""

    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.auth = {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, body=None, *, if_match=None, multipart=False):
        headers = dict(self.auth, **({"If-Match": if_match} if if_match is not None else {}))
        if multipart:
            return self.client.post(path, body or {}, headers=headers)
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method, path, data, content_type="application/json", headers=headers
        )

    def get(self, path: str):
        return self.client.get(path, headers=self.auth)


def _unit_path(unit) -> str:
    return f"/api/v1/units/{unit.pk}"


# ---- the probe: two writes without a version -------------------------------------------------


def test_two_writes_without_a_version_are_refused_and_change_nothing(city):
    """Given two scripts renaming the same unit without saying which version they read, When
    both write, Then the first already answers 428 naming the current version and nothing is
    overwritten."""
    admin = Api(city.admin)
    first = admin.call("PATCH", _unit_path(city.stats), {"name": "市统计局（普查中心）"})
    assert first.status_code == 428, first.content
    body = first.json()
    assert body["code"] == "precondition_required"
    assert body["message"] == PRECONDITION_MESSAGE
    assert body["errors"] == [{"field": "expected_version", "message": PRECONDITION_MESSAGE}]
    assert body["current_version"] == 1 and first["ETag"] == '"1"'
    second = admin.call("PATCH", _unit_path(city.stats), {"name": "市统计局（数据中心）"})
    assert second.status_code == 428
    unit = Unit.objects.get(pk=city.stats.pk)
    assert (unit.name, unit.version) == ("市统计局", 1)


def test_if_match_carries_the_version_and_the_answer_names_the_next(city):
    admin = Api(city.admin)
    renamed = admin.call("PATCH", _unit_path(city.stats), {"name": "市统计局一"}, if_match='"1"')
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["version"] == 2 and renamed["ETag"] == '"2"'
    weak = admin.call("PATCH", _unit_path(city.stats), {"name": "市统计局二"}, if_match='W/"2"')
    assert weak.status_code == 200, weak.content
    bare = admin.call("PATCH", _unit_path(city.stats), {"name": "市统计局三"}, if_match="3")
    assert bare.status_code == 200, bare.content
    assert Unit.objects.get(pk=city.stats.pk).name == "市统计局三"


def test_a_stale_if_match_is_a_409_and_changes_nothing(city):
    admin = Api(city.admin)
    first = admin.call("PATCH", _unit_path(city.stats), {"name": "甲"}, if_match='"1"')
    assert first.status_code == 200
    stale = admin.call("PATCH", _unit_path(city.stats), {"name": "乙"}, if_match='"1"')
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Unit.objects.get(pk=city.stats.pk).name == "甲"


def test_a_stale_expected_version_in_the_body_is_still_a_409(city):
    admin = Api(city.admin)
    stale = admin.call("PATCH", _unit_path(city.stats), {"name": "乙", "expected_version": 7})
    assert stale.status_code == 409
    assert Unit.objects.get(pk=city.stats.pk).name == "市统计局"


@pytest.mark.parametrize("header", ["*", "abc", '"-1"', '"1.5"', "99999999999999999999"])
def test_an_if_match_that_is_not_a_version_is_a_422_naming_the_header(city, header):
    response = Api(city.admin).call(
        "PATCH", _unit_path(city.stats), {"name": "乙"}, if_match=header
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["If-Match"]
    assert Unit.objects.get(pk=city.stats.pk).name == "市统计局"


def test_a_header_and_a_body_that_disagree_are_a_422(city):
    body = {"name": "乙", "expected_version": 1}
    response = Api(city.admin).call("PATCH", _unit_path(city.stats), body, if_match='"2"')
    assert response.status_code == 422
    assert Unit.objects.get(pk=city.stats.pk).name == "市统计局"


def test_reading_a_versioned_object_gives_its_version_and_etag(city):
    shown = Api(city.admin).get(_unit_path(city.stats))
    assert shown.status_code == 200
    assert shown.json()["version"] == 1 and shown["ETag"] == '"1"'
    tree = make_plan(city)
    report = make_report(tree.ind_lead, "2026-04", value=4200)
    detail = Api(city.office).get(f"/api/v1/reports/{report.pk}")
    assert detail["ETag"] == f'"{report.version}"'


def test_a_first_report_of_a_period_needs_no_version_but_changing_it_does(city):
    tree = make_plan(city)
    liaison = Api(city.liaison_a)
    path = f"/api/v1/assignments/{tree.ind_lead.pk}/reports"
    created = liaison.call("POST", path, {"period": "2026-04", "value": "4200"}, multipart=True)
    assert created.status_code == 201, created.content
    blind = liaison.call("POST", path, {"period": "2026-04", "value": "9999"}, multipart=True)
    assert blind.status_code == 428 and blind.json()["current_version"] == 1
    version = {"period": "2026-04", "value": "4300", "expected_version": "1"}
    changed = liaison.call("POST", path, version, multipart=True)
    assert changed.status_code == 201, changed.content
    assert changed.json()["value"] in ("4300", "4300.00", "4300.0000")


# ---- every write in the OpenAPI document that takes expected_version ------------------------


@dataclass
class Case:
    user: str  # an attribute of the city fixture
    obj: str  # an attribute of the Objects below
    path: dict  # path parameter → attribute of the Objects
    body: Any = None
    multipart: bool = False
    world: str = "city"  # or "decisions", "enforcement": their apps' own test cities


class Objects:
    """One of each versioned object a guarded write changes."""

    def __init__(self, city):
        self.city = city
        tree = make_plan(city)
        draft_plan = make_plan(city, year=2027, issued=False)
        self.unit, self.user, self.leader = city.stats, city.liaison_a, city.leader
        self.policy = SecurityPolicy.objects.get_or_create(pk=1)[0]
        self.plan, self.draft_plan, self.draft_task = tree.plan, draft_plan.plan, draft_plan.task
        self.item, self.assignment = tree.indicator, tree.ind_lead
        self.draft = make_report(tree.ind_lead, "2026-04", value=4200, state=ReportState.DRAFT)
        self.submitted = make_report(tree.ind_lead, "2026-03", value=3100)
        self.accepted = make_report(
            tree.ind_lead, "2026-02", value=2000, state=ReportState.ACCEPTED
        )
        self.adjustment = TargetAdjustment.objects.create(
            item=tree.indicator,
            assignment=tree.ind_lead,
            field="target",
            old_value="12000",
            new_value="11000",
            reason="受疫情影响",
            requested_by=city.liaison_a,
            state=AdjustmentState.REQUESTED,
        )
        self.benchmark = services_benchmarks.benchmark_create(
            actor=city.office, item=tree.indicator, region="苏州市", value="120.5",
            year=2025, source="统计公报",
        )  # fmt: skip
        self.adviser = LegalAdviser.objects.create(
            name="李律师", kind="public_lawyer", appointing_unit=city.root,
            organisation="赶超市司法局", qualification="11101202010000001",
            term_start=dt.date(2026, 1, 1), term_end=dt.date(2026, 12, 31),
        )  # fmt: skip


def _world(name: str):
    if name == "decisions":
        city = DecisionCity()
        return SimpleNamespace(city=city, decision=city.propose())
    if name == "enforcement":
        city = EnforcementCity()
        return SimpleNamespace(city=city, case=city.open_case(filed_on=timezone.localdate()))
    if name == "fiscal":
        from ganchao.fiscal.services import capacity_set

        city = City()
        capacity = capacity_set(actor=city.office, unit=city.town_a, year=2026, amount="100")
        return SimpleNamespace(city=city, capacity=capacity, unit=city.town_a)
    if name == "projects":
        from ganchao.projects.services import investment_record
        from ganchao.projects.tests.factories import make_project

        city = City()
        project = make_project(city, make_plan(city).plan)
        month = investment_record(actor=city.office, project=project, month="2026-03", planned="1")
        return SimpleNamespace(
            city=city,
            project=project,
            step=project.steps.get(kind="approval"),
            kind=SimpleNamespace(pk="approval"),
            month=month,
        )
    if name == "problems":
        from ganchao.problems.tests.factories import ProblemFactory

        city = City()
        problem = ProblemFactory(owner_unit=city.town_a, found_by=city.office)
        return SimpleNamespace(city=city, problem=problem)
    if name == "enterprises":
        from ganchao.enterprises.models import EnterpriseSettings
        from ganchao.enterprises.tests.conftest import EnterpriseCity

        city = EnterpriseCity()
        return SimpleNamespace(
            city=city, enterprise=city.enterprise, settings=EnterpriseSettings.load()
        )
    return Objects(City())


POLICY = {
    "stale_account_days": 90,
    "token_days": 30,
    "mfa_roles": [],
    "address_failure_limit": 20,
    "address_window_minutes": 15,
    "log_retention_days": 183,
}
BENCHMARK = {"region": "杭州市", "value": "121", "year": 2025, "source": "统计公报"}
MILESTONES = {"milestones": [{"due_date": "2027-04-30", "description": "完成立项"}]}

CASES = {
    ("patch", "/api/v1/units/{unit_id}"): Case("admin", "unit", {"unit_id": "unit"}, {"name": "甲"}),
    ("patch", "/api/v1/users/{user_id}"): Case("admin", "user", {"user_id": "user"}, {"phone": "1"}),
    ("patch", "/api/v1/leaders/{leader_id}"): Case("admin", "leader", {"leader_id": "leader"}, {"title": "常务副市长"}),
    ("put", "/api/v1/auth/policy"): Case("security", "policy", {}, POLICY),
    ("patch", "/api/v1/items/{item_id}"): Case("office", "item", {"item_id": "item"}, {"name": "甲"}),
    ("put", "/api/v1/items/{item_id}/milestones"): Case("office", "draft_task", {"item_id": "draft_task"}, MILESTONES),
    ("patch", "/api/v1/assignments/{assignment_id}"): Case("office", "assignment", {"assignment_id": "assignment"}, {"contact": "张三"}),
    ("post", "/api/v1/assignments/{assignment_id}/reports"): Case("liaison_a", "draft", {"assignment_id": "assignment"}, {"period": "2026-04", "value": "4300"}, multipart=True),
    ("post", "/api/v1/reports/{report_id}/submit"): Case("liaison_a", "draft", {"report_id": "draft"}),
    ("post", "/api/v1/reports/{report_id}/accept"): Case("office", "submitted", {"report_id": "submitted"}),
    ("post", "/api/v1/reports/{report_id}/return"): Case("office", "submitted", {"report_id": "submitted"}, {"reason": "佐证材料不全"}),
    ("post", "/api/v1/reports/{report_id}/correct"): Case("liaison_a", "accepted", {"report_id": "accepted"}, {"value": "2100", "reason": "统计口径更正"}),
    ("post", "/api/v1/adjustments/{adjustment_id}/approve"): Case("office", "adjustment", {"adjustment_id": "adjustment"}, {"reason": "同意"}),
    ("post", "/api/v1/adjustments/{adjustment_id}/reject"): Case("office", "adjustment", {"adjustment_id": "adjustment"}, {"reason": "理由不充分"}),
    ("post", "/api/v1/plans/{plan_id}/issue"): Case("office", "draft_plan", {"plan_id": "draft_plan"}),
    ("post", "/api/v1/plans/{plan_id}/close"): Case("office", "plan", {"plan_id": "plan"}, {"reason": "年度结束"}),
    ("put", "/api/v1/assessment/benchmarks/{benchmark_id}"): Case("office", "benchmark", {"benchmark_id": "benchmark"}, BENCHMARK),
    ("post", "/api/v1/assessment/benchmarks/{benchmark_id}/deactivate"): Case("office", "benchmark", {"benchmark_id": "benchmark"}),
    ("patch", "/api/v1/decisions/{decision_id}"): Case("drc_liaison", "decision", {"decision_id": "decision"}, {"technical": True}, world="decisions"),
    ("patch", "/api/v1/enforcement/cases/{case_id}"): Case("officer_user_a", "case", {"case_id": "case"}, {"proposed_summary": "拟罚款"}, world="enforcement"),
    ("patch", "/api/v1/legal-advisers/{adviser_id}"): Case("office", "adviser", {"adviser_id": "adviser"}, {"phone": "0571-88888888"}),
    ("patch", "/api/v1/projects/{project_id}"): Case("office", "project", {"project_id": "project"}, {"location": "东区"}, world="projects"),
    ("post", "/api/v1/projects/{project_id}/steps/{kind}"): Case("liaison_a", "step", {"project_id": "project", "kind": "kind"}, {"state": "in_progress"}, world="projects"),
    ("post", "/api/v1/projects/{project_id}/investment"): Case("liaison_a", "month", {"project_id": "project"}, {"month": "2026-03", "actual": "1"}, world="projects"),
    ("patch", "/api/v1/problems/{problem_id}"): Case("office", "problem", {"problem_id": "problem"}, {"legacy": True}, world="problems"),
    ("patch", "/api/v1/enterprises/{enterprise_id}"): Case("office", "enterprise", {"enterprise_id": "enterprise"}, {"phone": "1"}, world="enterprises"),
    ("patch", "/api/v1/enterprise-settings"): Case("office", "settings", {}, {"resolve_days": 10}, world="enterprises"),
    ("put", "/api/v1/fiscal/capacities"): Case("office", "capacity", {}, {"unit_code": "C101", "year": 2026, "amount": "200"}, world="fiscal"),
}  # fmt: skip

SCHEMA = api.get_openapi_schema()
OPERATIONS = sorted((method, path) for method, path, _op in version_operations(SCHEMA))


def test_the_document_lists_the_guarded_writes_this_test_knows():
    """A new write taking expected_version needs its case below (and require_version)."""
    assert set(OPERATIONS) == set(CASES)


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_guarded_write_answers_428_without_its_version(db, method, path):
    case = CASES.get((method, path))
    assert case is not None, f"no case for {method.upper()} {path}: add one to CASES"
    objects = _world(case.world)
    city = objects.city
    target = getattr(objects, case.obj)
    before = target.version
    url = path.format(**{name: getattr(objects, attr).pk for name, attr in case.path.items()})
    response = Api(getattr(city, case.user)).call(
        method.upper(), url, case.body, multipart=case.multipart
    )
    assert response.status_code == 428, response.content.decode()
    assert response.json()["code"] == "precondition_required"
    assert response.json()["current_version"] == before
    assert response["ETag"] == f'"{before}"'
    target.refresh_from_db()
    assert target.version == before


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_document_declares_the_428_and_if_match(method, path):
    operation = SCHEMA["paths"][path][method]
    assert "428" in operation["responses"] or 428 in operation["responses"]
    assert any(
        p["name"] == "If-Match" and p["in"] == "header" for p in operation.get("parameters", [])
    )
