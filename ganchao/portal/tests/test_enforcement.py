"""The public enforcement pages /public/enforcement/ and API /api/v1/public/enforcement/: no
sign-in, the party masked (never a full person name, ID or phone), withdrawal notices instead of
withdrawn decisions, superseded matters not listed, few queries per page, lists cached and the
cache cleared by a publication."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganchao.enforcement.choices import MatterCategory, MatterState, OutcomeKind, OutcomeSource
from ganchao.enforcement.models import AnnualReport, EnforcementMatter
from ganchao.enforcement.services import disclosure as services
from ganchao.enforcement.tests.conftest import EnforcementCity
from ganchao.enforcement.tests.test_disclosure import ID_NO, NAME, PHONE, decided, publish


@pytest.fixture
def ecity(db):
    return EnforcementCity()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def withdraw(ecity, case, reason):
    with transaction.atomic():
        outcome = services.outcome_record(
            actor=ecity.officer_user_a,
            case=case,
            source=OutcomeSource.REVIEW,
            kind=OutcomeKind.REVOKED,
            decided_on=dt.date(2026, 3, 16),
            organ="赶超市人民政府",
            reason=reason,
        )
        services.withdrawal_complete(
            actor=ecity.officer_user_a, task=outcome.tasks.get(), reason=reason
        )


@pytest.fixture
def published(ecity):
    """A published penalty on 张三 (ID and phone in the case and the decision's basis), a
    published one on a company, a withdrawn one, a superseded matter and an annual report."""
    case, _d, task = decided(ecity, title="张三未经许可擅自搭建彩钢房 13800138000")
    person = publish(ecity, task)
    firm_case, _d, firm_task = decided(
        ecity,
        party_kind="organisation",
        party_name="赶超市宏达建筑有限公司",
        party_id_no="91370100MA3C123456",
        title="占用城市道路堆放建筑材料",
        matter=ecity.vending,
        number="赶城管罚决字〔2026〕20号",
        decided_on=dt.date(2025, 11, 3),
    )
    firm = publish(ecity, firm_task)
    gone_case, _d, gone_task = decided(
        ecity, number="赶城管罚决字〔2026〕30号", title="夜间施工噪声"
    )
    gone = publish(ecity, gone_task)
    withdraw(ecity, gone_case, "该决定已被赶超市人民政府行政复议撤销")
    EnforcementMatter.objects.create(
        agency=ecity.agency,
        code="CG-009",
        name="已被替代的旧版事项",
        category=MatterCategory.PENALTY,
        state=MatterState.SUPERSEDED,
    )
    AnnualReport.objects.create(
        agency=ecity.agency,
        year=2025,
        figures={"cases_filed": 12, "by_category": {"penalty": 10, "permit": 2}},
        note="2025年度本局共办理行政执法案件12件。",
        published_at=timezone.now(),
        published_by=ecity.head,
    )
    cache.clear()
    return {"person": person, "firm": firm, "gone": gone}


def test_public_pages_never_show_a_full_name_id_or_phone(ecity, published, client):
    urls = [
        reverse("portal:enforcement_index"),
        reverse("portal:enforcement_agencies"),
        reverse("portal:enforcement_matter", args=[ecity.building.pk]),
        reverse("portal:enforcement_decisions"),
        reverse("portal:enforcement_decisions") + "?q=张某",
        reverse("portal:enforcement_decision", args=[published["person"].pk]),
        reverse("portal:enforcement_decision", args=[published["gone"].pk]),
        reverse("portal:enforcement_withdrawals"),
        reverse("portal:enforcement_statistics"),
        "/api/v1/public/enforcement/decisions",
        f"/api/v1/public/enforcement/decisions/{published['person'].pk}",
        "/api/v1/public/enforcement/withdrawals",
        "/api/v1/public/enforcement/matters",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in (NAME, ID_NO, PHONE):
            assert secret not in text, (url, secret)
    detail = client.get(urls[5]).content.decode()
    assert "张某" in detail and "伍仟元整" in detail
    firm = client.get(reverse("portal:enforcement_decisions")).content.decode()
    assert "赶超市宏达建筑有限公司" in firm


def test_pages_are_public_and_cacheable(ecity, published, client):
    response = client.get(reverse("portal:enforcement_decisions"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "/accounts/login" not in response.get("Location", "")


def test_index_lists_agencies_matters_and_not_superseded_versions(ecity, published, client):
    html = client.get(reverse("portal:enforcement_index")).content.decode()
    assert ecity.agency.name in html
    assert ecity.building.name in html and ecity.vending.name in html
    assert "已被替代的旧版事项" not in html
    assert reverse("portal:enforcement_decisions") in html
    home = client.get(reverse("portal:index")).content.decode()
    assert reverse("portal:enforcement_index") in home


def test_matter_page_shows_every_b1_field_and_the_flowchart_as_steps(ecity, client):
    html = client.get(reverse("portal:enforcement_matter", args=[ecity.building.pk])).content
    html = html.decode()
    m = ecity.building
    for value in (m.legal_basis, m.accepting_body, m.conditions, m.time_limit, m.remedy):
        assert value in html
    assert m.discretion_standard in html and m.discretion_link in html
    assert "<li>调查取证</li>" in html and "<li>结案</li>" in html
    superseded = EnforcementMatter.objects.create(
        agency=ecity.agency, code="CG-010", name="旧", category="penalty", state="superseded"
    )
    assert client.get(reverse("portal:enforcement_matter", args=[superseded.pk])).status_code == 404


def test_withdrawn_decision_shows_the_notice_instead(ecity, published, client):
    gone = published["gone"]
    html = client.get(reverse("portal:enforcement_decision", args=[gone.pk])).content.decode()
    assert "该决定已被赶超市人民政府行政复议撤销" in html
    assert "夜间施工噪声" not in html and "伍仟元整" not in html
    listed = client.get(reverse("portal:enforcement_decisions")).content.decode()
    assert "夜间施工噪声" not in listed
    api = client.get(f"/api/v1/public/enforcement/decisions/{gone.pk}").json()
    assert api["withdrawn"] is True and api["conclusion"] is None
    assert "撤销" in api["withdrawal_reason"]
    withdrawals = client.get("/api/v1/public/enforcement/withdrawals").json()
    assert withdrawals["count"] == 1


def test_search_and_filters(ecity, published, client):
    url = reverse("portal:enforcement_decisions")

    def titles(query):
        return client.get(url + query).content.decode()

    assert "占用城市道路" in titles("?q=宏达") and "彩钢房" not in titles("?q=宏达")
    assert "彩钢房" in titles("?q=张某")
    assert "占用城市道路" in titles("?q=〔2026〕20号")
    assert "彩钢房" not in titles(f"?agency={ecity.agency2.pk}")
    assert "占用城市道路" in titles("?year=2025") and "彩钢房" not in titles("?year=2025")
    assert "彩钢房" not in titles("?category=permit")
    # bounded input: a long q, a huge page, junk filters — still a page, never an error
    assert client.get(url + "?q=" + "很" * 500).status_code == 200
    assert client.get(url + "?page=999999999999").status_code == 200
    assert client.get(url + "?page=abc&year=99999&agency=x&category=zz").status_code == 200
    api = client.get("/api/v1/public/enforcement/decisions?q=宏达").json()
    assert [d["party"] for d in api["items"]] == ["赶超市宏达建筑有限公司"]
    assert client.get("/api/v1/public/enforcement/decisions?limit=1000").status_code == 422


def test_decision_list_pages_by_twenty(ecity, client):
    for n in range(23):
        _c, _d, task = decided(ecity, number=f"罚字{n:02d}号")
        publish(ecity, task)
    cache.clear()
    url = reverse("portal:enforcement_decisions")
    first = client.get(url).content.decode()
    assert first.count("罚字") == 20
    second = client.get(url + "?page=2").content.decode()
    assert second.count("罚字") == 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_query_count_is_pinned_and_cached(ecity, client, django_assert_max_num_queries):
    url = reverse("portal:enforcement_decisions")
    for n in range(3):
        _c, _d, task = decided(ecity, number=f"少{n}号")
        publish(ecity, task)
    cache.clear()
    # six for the page, one for the list version every server process shares
    with django_assert_max_num_queries(7):
        client.get(url)
    cache.clear()
    few = _queries(client, url + "?q=号")
    for n in range(22):
        _c, _d, task = decided(ecity, number=f"多{n}号")
        publish(ecity, task)
    cache.clear()
    assert _queries(client, url + "?q=号") == few
    # a burst on the same query is served from the cache
    assert _queries(client, url + "?q=号") < few


def test_a_publication_clears_the_cached_lists(ecity, client, django_capture_on_commit_callbacks):
    url = reverse("portal:enforcement_decisions")
    _c, _d, task = decided(ecity, number="后公开的1号", title="擅自占用绿地")
    assert "擅自占用绿地" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(ecity, task)
    assert "擅自占用绿地" in client.get(url).content.decode()


def test_statistics_show_the_published_annual_reports(ecity, published, client):
    html = client.get(reverse("portal:enforcement_statistics")).content.decode()
    assert "2025" in html and "立案数" in html and "12" in html
    assert "行政处罚：10" in html


def test_public_matters_api(ecity, published, client):
    body = client.get("/api/v1/public/enforcement/matters").json()
    names = {m["name"] for m in body["items"]}
    assert ecity.building.name in names and "已被替代的旧版事项" not in names
    building = next(m for m in body["items"] if m["name"] == ecity.building.name)
    assert building["flowchart"][0] == "立案" and building["discretion_link"]


def test_a_publication_in_one_server_process_shows_in_the_others(ecity, client, monkeypatch):
    """Two gunicorn workers: the second has cached the list in its own memory; a publication
    handled by the first must show on the second's next page, not after the cache expires."""
    from django.core.cache.backends.locmem import LocMemCache

    from ganchao.portal import enforcement_selectors

    url = reverse("portal:enforcement_decisions")
    _c, _d, task = decided(ecity, number="后公开的2号", title="擅自占用人行道")
    second_worker = LocMemCache("second-worker", {})

    def on_second_worker():
        with monkeypatch.context() as patch:
            patch.setattr(enforcement_selectors, "cache", second_worker)
            patch.setattr(services, "cache", second_worker, raising=False)
            return client.get(url).content.decode()

    assert "擅自占用人行道" not in on_second_worker()
    publish(ecity, task)  # handled by the first worker
    assert "擅自占用人行道" in on_second_worker()


def test_an_edited_agency_shows_at_once_on_the_public_agency_list(ecity, client):
    from ganchao.enforcement.services.directory import agency_update

    url = reverse("portal:enforcement_agencies")
    assert "赶超市城市管理综合执法支队新址" not in client.get(url).content.decode()
    agency_update(actor=ecity.office, agency=ecity.agency, address="赶超市城市管理综合执法支队新址")
    assert "赶超市城市管理综合执法支队新址" in client.get(url).content.decode()


def test_a_restore_lifts_the_public_list_version_past_the_one_it_replaced(db):
    from ganchao.enforcement.models import PublicListVersion
    from ganchao.web.backup import _public_list_version, _raise_public_list_version

    PublicListVersion.objects.update_or_create(pk=1, defaults={"value": 7})
    before = _public_list_version()
    PublicListVersion.objects.filter(pk=1).update(value=3)  # the restored data's version
    _raise_public_list_version(before)
    assert services.public_cache_version() > 7
