"""The decision pages: list (filters, bounded queries), propose (A1, A2 refusals shown on the
page naming the rule), the decision page (header, timeline, blockers, panels, history link)
and its actions."""

import pytest

from ganchao.decisions import gates, selectors, selectors_core
from ganchao.decisions.choices import Category, State
from ganchao.decisions.models import Decision

pytestmark = pytest.mark.django_db


def _form(dcity, **extra):
    data = {
        "catalogue_item": dcity.item.pk,
        "title": "",
        "category": "",
        "owner": dcity.root.pk,
        "year": 2026,
        "units": [dcity.drc.pk, dcity.market.pk],
        "lead": dcity.drc.pk,
        "summary": "调整城区路内停车收费标准",
        "market_activity": "on",
        "wide_concern": "on",
    }
    data.update(extra)
    return data


def test_propose_page_creates_a_decision_from_a_catalogue_item(dcity, login):
    """Given the published catalogue. When the office proposes against item 1 with a lead,
    Then the decision exists with the item's title and the page redirects to it."""
    client = login(dcity.office)
    page = client.get("/decisions/new/")
    assert page.status_code == 200
    assert "城区停车收费标准调整" in page.content.decode()  # the picker offers the item
    assert "须进行公平竞争审查" in page.content.decode()  # flag help says the procedure
    response = client.post("/decisions/new/", _form(dcity))
    decision = Decision.objects.get()
    assert response.status_code == 302 and response.url == f"/decisions/{decision.pk}/"
    assert decision.title == "城区停车收费标准调整" and decision.market_activity
    assert decision.undertakers.get(is_lead=True).unit == dcity.drc


def test_two_units_without_a_lead_are_refused_on_the_page(dcity, login):
    """A2. Given two undertaking units. When the form is sent without a lead, Then the page
    shows "【A2】须明确牵头承办单位" and nothing is saved."""
    response = login(dcity.office).post("/decisions/new/", _form(dcity, lead=""))
    assert response.status_code == 409
    assert "【A2】须明确牵头承办单位" in response.content.decode()
    assert not Decision.objects.exists()


def test_catalogue_mode_requires_an_item_and_excluded_categories_are_refused(dcity, login):
    """A1. Given catalogue mode. When no item is chosen, Then the item field is required; with
    catalogue mode off, an excluded category is refused naming A1."""
    client = login(dcity.office)
    response = client.post("/decisions/new/", _form(dcity, catalogue_item="", title="某事项"))
    assert response.status_code == 422 and not Decision.objects.exists()
    assert 'id="error-summary"' in response.content.decode()
    dcity_settings = selectors.settings_get()
    dcity_settings.catalogue_mode = False
    dcity_settings.save()
    response = client.post(
        "/decisions/new/",
        _form(dcity, catalogue_item="", title="财政贴息", category=Category.MACRO_CONTROL),
    )
    assert response.status_code == 409
    assert "【A1】" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_decision_page_shows_timeline_blockers_panels_and_history(dcity, login):
    """Given a proposed decision without a draft. When its page is read, Then it shows the
    code, state, the procedure timeline, the blockers box naming A2 (no draft) — the same
    list as the gates — and the link to its history."""
    decision = dcity.propose()
    response = login(dcity.office).get(f"/decisions/{decision.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert decision.code in html and "已提出" in html
    assert "下一步（启动）受阻：" in html and "【A2】尚未形成决策草案" in html
    for label in ("公众参与", "合法性审查", "法律顾问意见", "公平竞争审查"):
        assert label in html
    assert f"/audit/history/decision/{decision.pk}/" in html
    facts = selectors.decision_facts(decision)
    assert html.count('class="blocker"') == len(gates.blockers(facts))


def test_launch_from_the_page_refused_then_done(dcity, login):
    """Given a proposed decision without a draft. When the office launches it, Then the page
    shows the refusal naming A2; after a draft is added, launching succeeds."""
    decision = dcity.propose()
    client = login(dcity.office)
    refused = client.post(f"/decisions/{decision.pk}/launch/")
    assert refused.status_code == 409 and "【A2】尚未形成决策草案" in refused.content.decode()
    added = login(dcity.drc_liaison).post(
        f"/decisions/{decision.pk}/drafts/", {"text": "一、……", "explanation": ""}
    )
    assert added.status_code == 302
    client = login(dcity.office)
    assert client.post(f"/decisions/{decision.pk}/launch/").status_code == 302
    decision.refresh_from_db()
    assert decision.state == State.LAUNCHED


def test_exemption_needs_a_legal_basis(dcity, login):
    """A3 on the page: the exemption without a legal basis shows an error and saves nothing."""
    decision = dcity.launched()
    client = login(dcity.drc_liaison)
    response = client.post(
        f"/decisions/{decision.pk}/participation-exemption/", {"legal_basis": ""}
    )
    assert response.status_code == 422
    decision.refresh_from_db()
    assert not decision.participation_exempt_basis
    ok = client.post(
        f"/decisions/{decision.pk}/participation-exemption/",
        {"legal_basis": "《保守国家秘密法》第九条"},
    )
    assert ok.status_code == 302


def test_undertakers_page_requires_a_lead_for_two_units(dcity, login):
    """A2 on the undertakers page: two units and no lead → the error naming A2."""
    decision = dcity.propose()
    client = login(dcity.office)
    assert client.get(f"/decisions/{decision.pk}/undertakers/").status_code == 200
    response = client.post(
        f"/decisions/{decision.pk}/undertakers/",
        {"units": [dcity.drc.pk, dcity.market.pk], "lead": ""},
    )
    assert response.status_code == 409
    assert "【A2】须明确牵头承办单位" in response.content.decode()


def test_edit_page_saves_flags(dcity, login):
    decision = dcity.propose()
    client = login(dcity.drc_liaison)
    assert client.get(f"/decisions/{decision.pk}/edit/").status_code == 200
    response = client.post(
        f"/decisions/{decision.pk}/edit/",
        {"title": "城区停车收费标准调整（修订）", "technical": "on", "wide_concern": "on"},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.technical and decision.title.endswith("（修订）")


def test_list_filters_and_shows_next_step(dcity, login):
    """Given two decisions. When the list is filtered by state and text, Then only the matching
    one shows, with its lead unit and what blocks its next step."""
    first = dcity.propose()
    second = dcity.launched(title="老旧小区改造三年规划", catalogue_item=dcity.item2)
    client = login(dcity.office)
    html = client.get("/decisions/").content.decode()
    assert first.code in html and second.code in html
    assert "市发展和改革委员会" in html and "下一步：启动" in html
    assert "【A2】尚未形成决策草案" in html
    html = client.get("/decisions/", {"state": "launched"}).content.decode()
    assert second.code in html and first.code not in html
    html = client.get("/decisions/", {"q": "老旧"}).content.decode()
    assert second.code in html and first.code not in html
    html = client.get("/decisions/", {"unit": "C005", "year": "2026"}).content.decode()
    assert second.code in html


def test_list_runs_a_bounded_number_of_queries(dcity, login, django_assert_max_num_queries):
    """Given 12 decisions. When the list is read, Then the number of queries does not grow with
    the rows."""
    for n in range(12):
        dcity.propose(title=f"事项{n}")
    client = login(dcity.office)
    client.get("/decisions/")  # warm the session and scope caches
    with django_assert_max_num_queries(32):
        response = client.get("/decisions/")
    assert response.status_code == 200
    assert response.content.decode().count("/decisions/") > 12


def test_bulk_facts_equal_single_facts(dcity):
    """The list's facts for a page equal decision_facts of each decision (one list, one page)."""
    a = dcity.propose()
    b = dcity.launched(title="老旧小区改造三年规划", catalogue_item=dcity.item2)
    rows = list(selectors.decisions_visible(dcity.office).filter(pk__in=[a.pk, b.pk]))
    bulk = selectors_core.facts_many(rows)
    for d in rows:
        assert bulk[d.pk] == selectors.decision_facts(d)


def test_hidden_decisions_are_404(dcity, login):
    decision = dcity.propose()
    assert login(dcity.liaison_b).get(f"/decisions/{decision.pk}/").status_code == 404


def test_history_of_a_decision_follows_its_scope(dcity, login):
    """The decision's audit history opens for those who read the decision, 404 for others."""
    decision = dcity.propose()
    assert login(dcity.office).get(f"/audit/history/decision/{decision.pk}/").status_code == 200
    assert login(dcity.liaison_b).get(f"/audit/history/decision/{decision.pk}/").status_code == 404
    path = f"/audit/history/decisioncatalogue/{dcity.catalogue.pk}/"
    assert login(dcity.drc_liaison).get(path).status_code == 200
