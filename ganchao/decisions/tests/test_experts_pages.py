"""Pages of expert pools, expert argumentation, risk assessment and fair-competition review, and
the experts panel on the decision page."""

import datetime as dt

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.decisions.models import (
    ExpertAssignment,
    ExpertOpinion,
    ExpertPool,
    FairCompetitionReview,
    RiskAssessment,
)
from ganchao.decisions.services import experts as svc
from ganchao.decisions.tests.conftest import pdf


@pytest.fixture
def pool(dcity):
    return svc.expert_pool_create(actor=dcity.office, name="赶超市重大行政决策专家库")


@pytest.fixture
def expert(dcity, pool):
    return svc.expert_add(
        actor=dcity.office, pool=pool, name="李教授", organisation="赶超大学", specialty="交通"
    )


def test_pools_page_lists_and_office_adds(dcity, login, pool, expert):
    """Given a pool with an expert, When the office opens the pools page and adds an expert,
    Then the expert is listed and the new one saved; a liaison sees the pool but no forms."""
    client = login(dcity.office)
    page = client.get("/decisions/expert-pools/")
    assert page.status_code == 200
    assert "李教授" in page.content.decode() and "专家入库" in page.content.decode()
    done = client.post(
        f"/decisions/expert-pools/{pool.pk}/experts/new/",
        {"name": "王工", "organisation": "设计院", "specialty": "道路"},
    )
    assert done.status_code == 302
    assert pool.experts.filter(name="王工").exists()
    liaison = login(dcity.drc_liaison).get("/decisions/expert-pools/").content.decode()
    assert "李教授" in liaison and "专家入库" not in liaison


def test_pools_page_query_count(dcity, login, django_assert_max_num_queries):
    """Given several pools of many experts, When the pools page is opened, Then a bounded
    number of queries is used."""
    for n in range(4):
        p = ExpertPool.objects.create(owner=dcity.root, name=f"专家库{n}")
        for m in range(5):
            p.experts.create(name=f"专家{n}-{m}", organisation="单位", specialty="领域")
    client = login(dcity.office)
    client.get("/decisions/expert-pools/")
    with django_assert_max_num_queries(14):
        assert client.get("/decisions/expert-pools/").status_code == 200


def test_pool_create_and_expert_edit_pages(dcity, login, expert):
    """Given the office, When it creates a pool with a blank name, Then 422 with the error;
    When it deactivates an expert on the edit page, Then the expert is out of the pool."""
    client = login(dcity.office)
    bad = client.post("/decisions/expert-pools/new/", {"name": ""})
    assert bad.status_code == 422 and "error-summary" in bad.content.decode()
    assert client.post("/decisions/expert-pools/new/", {"name": "新库"}).status_code == 302
    url = f"/decisions/experts/{expert.pk}/edit/"
    assert client.get(url).status_code == 200
    done = client.post(
        url, {"name": "李教授", "organisation": "赶超大学", "specialty": "交通", "title": ""}
    )
    assert done.status_code == 302
    expert.refresh_from_db()
    assert expert.active is False
    assert login(dcity.drc_liaison).post(url, {"name": "x"}).status_code in (403, 422)


def test_a7_page_refusal_names_the_rule_and_saves_nothing(dcity, login, expert):
    """A7 on the page — Given the checkbox "与决策事项有直接利害关系" ticked, When the form is
    posted, Then the page shows "【A7】该专家与决策事项有直接利害关系，不得参加论证", nothing is
    assigned and the refusal is audited; a clean declaration assigns and returns to the
    decision page, whose panel shows the expert and the declaration."""
    decision = dcity.launched(technical=True)
    client = login(dcity.drc_liaison)
    url = f"/decisions/{decision.pk}/experts/assign/"
    assert "与决策事项有直接利害关系" in client.get(url).content.decode()
    refused = client.post(
        url, {"expert": expert.pk, "declaration": "本人已知悉。", "direct_interest": "on"}
    )
    assert refused.status_code == 409
    assert "【A7】该专家与决策事项有直接利害关系，不得参加论证" in refused.content.decode()
    assert not ExpertAssignment.objects.exists()
    assert AuditEvent.objects.filter(action="decision.expert_assign", success=False).exists()
    done = client.post(url, {"expert": expert.pk, "declaration": "本人与该事项无直接利害关系。"})
    assert done.status_code == 302 and done.url.startswith(f"/decisions/{decision.pk}/")
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "本人与该事项无直接利害关系。" in detail and "登记论证意见" in detail


def test_opinion_and_adoption_pages(dcity, login, expert):
    """Given an assigned expert, When the opinion is posted without a seal, Then 422 with the
    error next to the field; with it and a file, saved; then the adoption form records
    partly with its reason."""
    decision = dcity.launched(technical=True)
    assignment = svc.expert_assign(
        actor=dcity.drc_liaison, decision=decision, expert=expert, declaration="无直接利害关系"
    )
    client = login(dcity.drc_liaison)
    url = f"/decisions/expert-assignments/{assignment.pk}/opinions/new/"
    data = {"text": "可行", "signed_by": "李教授", "signed_on": "2026-03-02", "seal": ""}
    bad = client.post(url, data)
    assert bad.status_code == 422 and "id_seal-error" in bad.content.decode()
    done = client.post(url, {**data, "seal": "赶超大学", "file": pdf("意见.pdf")})
    assert done.status_code == 302
    opinion = ExpertOpinion.objects.get()
    assert opinion.file is not None
    adopt = f"/decisions/expert-opinions/{opinion.pk}/adoption/"
    assert client.post(adopt, {"adoption": "partly"}).status_code == 422
    assert client.post(adopt, {"adoption": "partly", "reason": "已部分吸收"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.adoption == "partly"


def test_risk_page_names_missing_parts_and_panel_badges(dcity, login):
    """Given a stability-risk decision, When the risk form lacks the plan, Then 422 naming
    处置预案; an uncontrollable assessment shows a red 不可控 badge on the decision page."""
    decision = dcity.launched(stability_risk=True)
    client = login(dcity.drc_liaison)
    url = f"/decisions/{decision.pk}/risk-assessments/new/"
    assert client.get(url).status_code == 200
    data = {
        "assessor": "市发改委",
        "risk_points": "群众不满",
        "measures": "分步实施",
        "contingency_plan": "",
        "conclusion": "uncontrollable",
    }
    bad = client.post(url, data)
    assert bad.status_code == 422 and "风险评估报告须写明处置预案" in bad.content.decode()
    assert client.post(url, {**data, "contingency_plan": "预案"}).status_code == 302
    assert RiskAssessment.objects.get().draft.number == 1
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert 'bg-red text-white">不可控' in detail


def test_fair_review_page(dcity, login):
    """Given a market-activity decision, When the fair-competition form is posted, Then it is
    saved; a stranger to the decision gets 404."""
    decision = dcity.launched(market_activity=True)
    client = login(dcity.market_liaison)
    url = f"/decisions/{decision.pk}/fair-reviews/new/"
    assert client.get(url).status_code == 200
    done = client.post(
        url,
        {
            "reviewer_unit": dcity.market.pk,
            "reviewed_on": dt.date(2026, 3, 5).isoformat(),
            "opinion": "未发现排除、限制竞争的内容",
            "conclusion": "passes",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert FairCompetitionReview.objects.get().conclusion == "passes"
    assert login(dcity.liaison_a).get(url).status_code == 404


def test_form_pages_refuse_outsiders_and_wrong_state(dcity, login, expert):
    """Given a proposed (not launched) decision, When the undertaker assigns an expert, Then
    409 with the state message; a reader who does not run procedures gets 403."""
    decision = dcity.propose()
    client = login(dcity.drc_liaison)
    refused = client.post(
        f"/decisions/{decision.pk}/experts/assign/",
        {"expert": expert.pk, "declaration": "无直接利害关系"},
    )
    assert refused.status_code == 409 and "不能再登记程序材料" in refused.content.decode()
    launched = dcity.launched(title="另一事项")
    assert login(dcity.mayor).get(f"/decisions/{launched.pk}/experts/assign/").status_code == 403
