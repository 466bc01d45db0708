"""计入财力承诺 from a key project: the page action and its API twin go through the fiscal
service and its rule (within capacity it takes effect; beyond it, without a capacity or
against next year's budget it needs a reason and waits for approval), and the project page
shows its commitments with their approval state."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.fiscal.choices import CommitmentState
from ganchao.fiscal.models import Commitment
from ganchao.fiscal.services import capacity_set
from ganchao.goals.tests.factories import make_plan
from ganchao.projects import services
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(city):
    tree = make_plan(city)
    capacity_set(actor=city.office, unit=city.town_a, year=2026, amount="20000")
    return make_project(city, tree.plan)  # annual plan 12000 万元, lead unit 西湖镇


def test_the_amount_defaults_to_the_years_planned_investment(city, project):
    """Given no monthly plan, the annual plan is committed; once the office spreads the year by
    month, the months' sum is; the commitment is the lead unit's, of the plan year."""
    first = services.project_commit(actor=city.liaison_a, project=project)
    assert (first.amount, first.unit, first.year, first.budget_year) == (
        Decimal("12000.00"),
        city.town_a,
        2026,
        2026,
    )
    assert first.state == CommitmentState.EFFECTIVE and first.item_id == project.item_id
    assert first.kind == "key_project" and first.title.startswith("XM-01")
    month_plan(project, city.office, 2026, ["1000", "2000"])
    assert services.year_plan(project) == Decimal("3000")
    second = services.project_commit(actor=city.liaison_a, project=project)
    assert second.amount == Decimal("3000.00") and second.state == CommitmentState.EFFECTIVE


def test_the_page_commits_and_asks_for_the_reason_beyond_capacity(city, project, login):
    client = login(city.liaison_a)
    url = reverse("projects:detail", args=[project.pk])
    page = client.get(url).content.decode()
    assert 'id="commit-form"' in page and 'value="12000' in page
    assert "该项目还没有计入财力承诺" in page
    done = client.post(reverse("projects:commit", args=[project.pk]), {"amount": "12000"})
    assert done.status_code == 302
    # 12000 more would take 西湖镇 to 24000 against a capacity of 20000
    commit = reverse("projects:commit", args=[project.pk])
    refused = client.post(commit, {"amount": "12000"})
    assert refused.status_code == 422
    assert "承诺后将超出可用财力 4000.00 万元" in refused.content.decode()
    assert Commitment.objects.count() == 1
    bad = client.post(commit, {"amount": "12000.001"})
    assert bad.status_code == 422 and "承诺金额最多保留两位小数" in bad.content.decode()
    pending = client.post(commit, {"amount": "12000", "reason": "园区配套须年内完成"})
    assert pending.status_code == 302
    page = client.get(url).content.decode()
    assert "已生效" in page and "待审批" in page and "超出可用财力 4000.00 万元" in page
    # another town's liaison neither sees the project nor commits for it
    assert login(city.liaison_b).post(commit, {"amount": "1"}).status_code == 404


def test_the_api_twin_goes_through_the_same_rule(city, project):
    api = TokenApi(city.liaison_a)
    path = f"/projects/{project.pk}/commitments"
    made = api.post(path, {})
    assert made.status_code == 201, made.content
    assert made.json()["amount"] == "12000.00" and made.json()["state"] == "effective"
    next_year = api.post(path, {"amount": "100", "budget_year": 2027})
    assert next_year.status_code == 422 and error_fields(next_year) == {"reason"}
    pending = api.post(path, {"amount": "100", "budget_year": 2027, "reason": "跨年度结算"})
    assert pending.status_code == 201
    assert pending.json()["state"] == "pending_approval" and pending.json()["future_budget"]
    listed = api.get(path).json()
    assert [c["state"] for c in listed] == ["pending_approval", "effective"]
    bad = api.post(path, {"amount": "-5"})
    assert bad.status_code == 422 and error_fields(bad) == {"amount"}
    assert TokenApi(city.liaison_b).post(path, {"amount": "1"}).status_code == 404
