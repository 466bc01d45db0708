"""The directory's pages and API: B1 refusals shown as 【B1】, certificates in colour and word,
versions, settings, scope, and a query-count pin on the matter list."""

import datetime as dt

import pytest
from django.urls import reverse

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.enforcement.choices import MatterState
from ganchao.enforcement.models import AVRecordingPolicy, EnforcementMatter, Officer, settings_get
from ganchao.enforcement.tests.conftest import published_matter
from ganchao.enforcement.tests.test_directory import FLOWCHART, PUBLIC

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- API


def test_matter_round_trip_over_the_api(ecity):
    api = TokenApi(ecity.cg_liaison)
    created = api.post(
        "/enforcement/matters",
        {
            "agency_id": ecity.agency.pk,
            "code": "CG-201",
            "name": "占道经营处罚",
            "category": "penalty",
            **PUBLIC,
        },
    )
    assert created.status_code == 201, created.content
    mid = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["number"] == 1
    refused = api.post(f"/enforcement/matters/{mid}/publish")
    assert refused.status_code == 409 and refused.json()["code"] == "procedure_blocked"
    assert error_fields(refused) == {"B1"}
    assert [e["message"] for e in refused.json()["errors"]] == ["未公开执法流程图"]
    patched = api.call("PATCH", f"/enforcement/matters/{mid}", {"flowchart": FLOWCHART})
    assert patched.status_code == 200 and patched.json()["flowchart"] == FLOWCHART
    published = api.post(f"/enforcement/matters/{mid}/publish")
    assert published.status_code == 200 and published.json()["state"] == "published"
    in_place = api.call("PATCH", f"/enforcement/matters/{mid}", {"legal_basis": "新依据"})
    assert in_place.status_code == 409 and error_fields(in_place) == {"B1"}
    revised = api.post(
        f"/enforcement/matters/{mid}/revise",
        {"change_note": "依据修订", "legal_basis": "新依据"},
    )
    assert revised.status_code == 201, revised.content
    new = revised.json()
    assert new["number"] == 2 and new["previous_id"] == mid and new["state"] == "draft"
    assert api.post(f"/enforcement/matters/{new['id']}/publish").status_code == 200
    assert api.get(f"/enforcement/matters/{mid}").json()["state"] == "superseded"
    listed = api.get("/enforcement/matters", agency_id=ecity.agency.pk, state="published")
    assert "占道经营处罚" in [m["name"] for m in listed.json()["items"]]
    repealed = api.post(f"/enforcement/matters/{new['id']}/repeal", {"reason": "职能划转"})
    assert repealed.status_code == 200 and repealed.json()["state"] == "repealed"


def test_officer_and_agency_over_the_api(ecity):
    api = TokenApi(ecity.cg_liaison)
    body = {
        "agency_id": ecity.agency.pk,
        "name": "钱执法",
        "certificate_no": "ZF3701001",
        "certificate_expires": "2030-06-30",
        "matter_ids": [ecity.vending.pk],
    }
    duplicate = api.post("/enforcement/officers", body)
    assert duplicate.status_code == 422 and error_fields(duplicate) == {"certificate_no"}
    created = api.post("/enforcement/officers", {**body, "certificate_no": "ZF3701020"})
    assert created.status_code == 201, created.content
    oid = created.json()["id"]
    assert created.json()["matter_ids"] == [ecity.vending.pk]
    assert created.json()["certificate_state"] == "valid"
    patched = api.call(
        "PATCH", f"/enforcement/officers/{oid}", {"covers_all_matters": True, "matter_ids": []}
    )
    assert patched.status_code == 200 and patched.json()["covers_all_matters"] is True
    gone = api.post(f"/enforcement/officers/{oid}/deactivate", {"reason": "调离"})
    assert gone.status_code == 200 and gone.json()["active"] is False
    listed = api.get("/enforcement/officers", agency_id=ecity.agency.pk, active=False)
    assert [o["name"] for o in listed.json()["items"]] == ["钱执法"]
    expired = api.get("/enforcement/officers", agency_id=ecity.agency.pk).json()["items"]
    assert {o["name"]: o["certificate_state"] for o in expired}["赵执法"] == "expired"
    # the liaison keeps its agency's officers but not the agency itself
    refused = api.call("PATCH", f"/enforcement/agencies/{ecity.agency.pk}", {"phone": "1"})
    assert refused.status_code == 403
    office = TokenApi(ecity.office)
    agency = office.call("PATCH", f"/enforcement/agencies/{ecity.agency.pk}", {"phone": "12345"})
    assert agency.status_code == 200 and agency.json()["phone"] == "12345"
    assert agency.json()["published_count"] == 3 and agency.json()["officer_count"] == 5
    made = office.post(
        "/enforcement/agencies", {"unit_code": "C012", "name": "赶超市司法局（行政执法）"}
    )
    assert made.status_code == 201 and made.json()["unit_code"] == "C012"
    again = office.post("/enforcement/agencies", {"unit_code": "C012", "name": "重复"})
    assert again.status_code == 422 and error_fields(again) == {"unit"}
    assert office.get("/enforcement/agencies").json()["count"] == 3


def test_another_units_liaison_cannot_edit_over_the_api(ecity):
    api = TokenApi(ecity.liaison_a)
    refused = api.call("PATCH", f"/enforcement/officers/{ecity.officer_a.pk}", {"name": "改"})
    assert refused.status_code == 403
    refused = api.post(f"/enforcement/matters/{ecity.vending.pk}/repeal", {"reason": "x"})
    assert refused.status_code == 403
    assert Officer.objects.get(pk=ecity.officer_a.pk).name == "张执法"


def test_settings_over_the_api(ecity):
    office = TokenApi(ecity.office)
    read = office.get("/enforcement/settings").json()
    assert read["review_working_days"] == 7
    seal_up = next(p for p in read["av_policies"] if p["action_kind"] == "seal_up")
    assert seal_up == {
        "action_kind": "seal_up",
        "policy": "mandatory_continuous",
        "default": "mandatory_continuous",
        "overridden": False,
    }
    put = office.call(
        "PUT",
        "/enforcement/settings",
        {"review_working_days": 10, "av_policies": {"site_inspection": "mandatory_continuous"}},
    )
    assert put.status_code == 200, put.content
    assert put.json()["review_working_days"] == 10
    site = next(p for p in put.json()["av_policies"] if p["action_kind"] == "site_inspection")
    assert site["overridden"] and site["policy"] == "mandatory_continuous"
    bad = office.call("PUT", "/enforcement/settings", {"decide_calendar_days": 0})
    assert bad.status_code == 422 and error_fields(bad) == {"decide_calendar_days"}
    refused = TokenApi(ecity.head).call("PUT", "/enforcement/settings", {"review_working_days": 9})
    assert refused.status_code == 403
    assert settings_get().review_working_days == 10


# ---------------------------------------------------------------- pages


def test_publish_refused_on_the_page_names_the_flowchart(ecity, login):
    matter = EnforcementMatter.objects.create(
        agency=ecity.agency, code="CG-201", name="占道经营处罚", category="penalty", **PUBLIC
    )
    client = login(ecity.cg_liaison)
    page = client.get(reverse("enforcement:matter_detail", args=[matter.pk]))
    assert "未公开执法流程图" in page.content.decode()
    response = client.post(reverse("enforcement:matter_publish", args=[matter.pk]))
    assert response.status_code == 409
    assert "【B1】未公开执法流程图" in response.content.decode()
    matter.refresh_from_db()
    assert matter.state == MatterState.DRAFT


def test_revise_on_the_page_creates_a_new_draft(ecity, login):
    client = login(ecity.head)
    url = reverse("enforcement:matter_revise", args=[ecity.vending.pk])
    form = client.get(url)
    assert form.status_code == 200 and "第三十六条" in form.content.decode()
    data = {
        "change_note": "条例修订",
        "name": ecity.vending.name,
        "category": "penalty",
        **{k: getattr(ecity.vending, k) for k in PUBLIC},
        "flowchart": ecity.vending.flowchart,
        "legal_basis": "《赶超市市容管理条例》第二十条",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    new = EnforcementMatter.objects.get(previous=ecity.vending)
    assert response["Location"] == reverse("enforcement:matter_detail", args=[new.pk])
    assert new.number == 2 and new.legal_basis == "《赶超市市容管理条例》第二十条"
    detail = client.get(response["Location"]).content.decode()
    assert "条例修订" in detail and "第1版" in detail


def test_agency_page_shows_certificates_in_colour_and_word(ecity, login):
    Officer.objects.filter(pk=ecity.officer_b.pk).update(
        certificate_expires=dt.date.today() + dt.timedelta(days=10)
    )
    client = login(ecity.office)
    body = client.get(reverse("enforcement:agency_detail", args=[ecity.agency.pk])).content
    text = body.decode()
    assert "已过期" in text and "30日内到期" in text
    assert "text-danger fw-bold" in text and "text-orange fw-bold" in text
    assert "2025年6月30日" in text


def test_another_units_liaison_gets_403_on_edit_pages(ecity, login):
    client = login(ecity.liaison_a)
    assert (
        client.get(reverse("enforcement:officer_edit", args=[ecity.officer_a.pk])).status_code
        == 403
    )
    edit = reverse("enforcement:matter_edit", args=[ecity.vending.pk])
    assert client.post(edit, {"name": "x"}).status_code == 403
    assert (
        client.get(reverse("enforcement:agency_detail", args=[ecity.agency.pk])).status_code == 200
    )


def test_officer_create_page(ecity, login):
    client = login(ecity.cg_liaison)
    url = reverse("enforcement:officer_create", args=[ecity.agency.pk])
    data = {
        "name": "钱执法",
        "certificate_no": "ZF3701002",
        "certificate_expires": "2030-01-01",
        "matters": [ecity.vending.pk],
    }
    dup = client.post(url, data)
    assert dup.status_code == 422 and "已登记给其他执法人员" in dup.content.decode()
    ok = client.post(url, {**data, "certificate_no": "ZF3701030"})
    assert ok.status_code == 302
    assert Officer.objects.get(certificate_no="ZF3701030").matters.get() == ecity.vending


def test_settings_page(ecity, login):
    client = login(ecity.office)
    page = client.get(reverse("enforcement:settings"))
    assert page.status_code == 200 and "默认：全过程不间断音像记录" in page.content.decode()
    current = settings_get()
    data = {
        name: getattr(current, name)
        for name in (
            "major_fine_person",
            "major_fine_organisation",
            "review_working_days",
            "review_extension_working_days",
            "decide_calendar_days",
            "deliver_working_days",
            "hearing_request_working_days",
            "hearing_notice_working_days",
            "preservation_working_days",
            "publication_years",
            "publication_years_person",
            "repeat_window_days",
            "complaint_threshold",
            "complaint_window_days",
            "escalate_after_working_days",
        )
    }
    bad = client.post(reverse("enforcement:settings"), {**data, "publication_years": 99})
    assert bad.status_code == 422
    ok = client.post(reverse("enforcement:settings"), {**data, "review_working_days": 12})
    assert ok.status_code == 302 and settings_get().review_working_days == 12
    av = client.post(reverse("enforcement:av_policies"), {"hearing": "mandatory_continuous"})
    assert av.status_code == 302
    assert AVRecordingPolicy.objects.get(action_kind="hearing").policy == "mandatory_continuous"
    assert login(ecity.head).get(reverse("enforcement:settings")).status_code == 403


def test_matter_list_queries_do_not_grow(ecity, login, django_assert_max_num_queries):
    client = login(ecity.office)
    url = reverse("enforcement:matter_list")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for n in range(20):
        published_matter(ecity.agency2, f"NR-{n:03d}", f"自然资源事项{n}")
    ecity.open_case()
    with django_assert_max_num_queries(12):
        response = client.get(url, {"category": "penalty"})
    assert response.status_code == 200 and "自然资源事项19" in response.content.decode()


def test_agency_and_officer_lists(ecity, login, django_assert_max_num_queries):
    client = login(ecity.cg_liaison)
    with django_assert_max_num_queries(12):
        agencies = client.get(reverse("enforcement:agency_list"))
    assert "赶超市城市管理综合行政执法局" in agencies.content.decode()
    with django_assert_max_num_queries(12):
        officers = client.get(reverse("enforcement:officer_list"), {"agency": ecity.agency.pk})
    assert "赵执法" in officers.content.decode()
