"""Catalogue and settings pages: the office manages, everyone signed in reads; A1 refusals are
shown on the page naming the rule."""

import pytest

from ganchao.decisions.choices import CatalogueState, Category
from ganchao.decisions.models import Catalogue, DecisionSettings

pytestmark = pytest.mark.django_db


def test_list_and_detail_are_read_by_staff(dcity, login, django_assert_max_num_queries):
    client = login(dcity.drc_liaison)
    with django_assert_max_num_queries(20):
        response = client.get("/decisions/catalogues/", {"year": "2026"})
    html = response.content.decode()
    assert response.status_code == 200 and dcity.catalogue.title in html
    assert "新建目录" not in html
    detail = client.get(f"/decisions/catalogues/{dcity.catalogue.pk}/").content.decode()
    assert "城区停车收费标准调整" in detail and "据此提出决策" in detail


def test_the_office_builds_approves_and_publishes_a_catalogue(dcity, login):
    """Given the office. When it creates a 2027 catalogue, adds an item, tries to publish it
    unapproved (refused naming A1), records the approval and publishes, Then it is published."""
    client = login(dcity.office)
    created = client.post(
        "/decisions/catalogues/new/", {"owner": dcity.root.pk, "year": 2027, "title": ""}
    )
    catalogue = Catalogue.objects.get(year=2027)
    assert created.status_code == 302
    base = f"/decisions/catalogues/{catalogue.pk}"
    excluded = client.post(
        f"{base}/items/", {"title": "突发事件处置", "category": Category.EMERGENCY}
    )
    assert excluded.status_code == 409 and "【A1】" in excluded.content.decode()
    added = client.post(
        f"{base}/items/",
        {"title": "城市更新规划", "category": Category.PLANNING, "undertaking_unit": dcity.drc.pk},
    )
    assert added.status_code == 302 and catalogue.items.count() == 1
    refused = client.post(f"{base}/publish/")
    assert refused.status_code == 409 and "【A1】" in refused.content.decode()
    missing = client.post(f"{base}/approve/", {"party_approved_on": "2027-01-20"})
    assert missing.status_code == 422
    approved = client.post(
        f"{base}/approve/",
        {"party_approved_on": "2027-01-20", "party_approval_doc": "赶超市委办〔2027〕2号"},
    )
    assert approved.status_code == 302
    assert client.post(f"{base}/publish/").status_code == 302
    catalogue.refresh_from_db()
    assert catalogue.state == CatalogueState.PUBLISHED


def test_item_edit_and_remove_pages(dcity, login):
    client = login(dcity.office)
    client.post("/decisions/catalogues/new/", {"owner": dcity.root.pk, "year": 2027})
    catalogue = Catalogue.objects.get(year=2027)
    base = f"/decisions/catalogues/{catalogue.pk}"
    client.post(f"{base}/items/", {"title": "城市更新规划", "category": Category.PLANNING})
    item = catalogue.items.get()
    assert client.get(f"{base}/items/{item.pk}/edit/").status_code == 200
    saved = client.post(
        f"{base}/items/{item.pk}/edit/", {"title": "城市更新五年规划", "category": "planning"}
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.title == "城市更新五年规划"
    assert client.post(f"{base}/items/{item.pk}/remove/").status_code == 302
    assert not catalogue.items.exists()


def test_a_liaison_cannot_manage(dcity, login):
    client = login(dcity.drc_liaison)
    response = client.post("/decisions/catalogues/new/", {"owner": dcity.root.pk, "year": 2027})
    assert response.status_code == 422 and not Catalogue.objects.filter(year=2027).exists()
    assert client.get("/decisions/settings/").status_code == 403


def test_settings_page(dcity, login):
    client = login(dcity.office)
    assert client.get("/decisions/settings/").status_code == 200
    response = client.post(
        "/decisions/settings/",
        {
            "min_consultation_days": 30,
            "hearing_materials_days": 7,
            "min_review_working_days": 7,
            "review_limit_working_days": 15,
        },
    )
    assert response.status_code == 302
    settings = DecisionSettings.objects.get(pk=1)
    assert settings.catalogue_mode is False and settings.review_limit_working_days == 15
