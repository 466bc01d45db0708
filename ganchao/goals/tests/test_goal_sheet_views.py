"""The goal-sheet and report-sheet pages: office only (others 404), upload → preview → confirm,
downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ganchao.conftest import make_user
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Item, Plan, ProgressReport
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet, indicator, report_sheet
from ganchao.orgs.choices import Role


@pytest.fixture
def plan(city):
    return Plan.objects.create(owner=city.root, year=2026, state=PlanState.DRAFT)


def upload(data, name="目标.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_goal_import_preview_then_confirm(city, plan, login):
    client = login(city.office)
    url = reverse("goals:goals_sheet_import", kwargs={"plan_id": plan.pk})
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": upload(goal_sheet(basic_rows()))})
    text = page.content.decode()
    assert "新增 6，更新 0，未变 0" in text and "确认导入" in text
    assert not Item.objects.exists()
    digest = page.context["result"].sha256
    confirm = reverse("goals:goals_sheet_import_confirm", kwargs={"plan_id": plan.pk})
    done = client.post(confirm, {"digest": digest, "filename": "目标.xlsx"}, follow=True)
    assert "已导入（新增 6，更新 0，未变 0）" in done.content.decode()
    assert Item.objects.filter(plan=plan).count() == 6


@pytest.mark.django_db
def test_goal_import_preview_lists_every_error(city, plan, login):
    client = login(city.office)
    url = reverse("goals:goals_sheet_import", kwargs={"plan_id": plan.pk})
    rows = basic_rows() + [
        indicator("1.9", "坏", target="abc", quarters=None),
        indicator("1.8", "坏", lead=""),
    ]
    text = client.post(url, {"file": upload(goal_sheet(rows))}).content.decode()
    assert "有 2 处问题，没有导入任何数据" in text
    assert "第8行 F列（目标值）" in text and "第9行 P列（牵头单位）" in text
    assert "确认导入" not in text


@pytest.mark.django_db
def test_pages_are_office_only(city, plan, login):
    urls = [
        reverse("goals:goals_sheets"),
        reverse("goals:goals_sheet_template"),
        reverse("goals:goals_sheet_import", kwargs={"plan_id": plan.pk}),
        reverse("goals:goals_sheet_export", kwargs={"plan_id": plan.pk}),
        reverse("goals:goals_report_import", kwargs={"plan_id": plan.pk}),
    ]
    client = login(city.liaison_a)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client = login(city.office)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("goals:goals_sheet_import", kwargs={"plan_id": 99999})).status_code
        == 404
    )


@pytest.mark.django_db
def test_downloads(city, plan, login):
    client = login(city.office)
    from ganchao.goals.imports import goal_sheet_import

    goal_sheet_import(actor=None, data=goal_sheet(basic_rows()), year=2026)
    response = client.get(reverse("goals:goals_sheet_export", kwargs={"plan_id": plan.pk}))
    book = load_workbook(io.BytesIO(response.content))
    assert book[gs.GOAL_SHEET_TITLE]["A3"].value == "1.1"
    template = client.get(reverse("goals:goals_sheet_template"))
    assert gs.NOTES_SHEET_TITLE in load_workbook(io.BytesIO(template.content)).sheetnames
    page = client.get(reverse("goals:goals_sheets")).content.decode()
    assert reverse("goals:goals_sheet_import", kwargs={"plan_id": plan.pk}) in page


@pytest.mark.django_db
def test_report_import_by_data_source_unit(city, plan, login):
    from ganchao.goals.imports import goal_sheet_import

    goal_sheet_import(actor=None, data=goal_sheet(basic_rows()), year=2026)
    stats_user = make_user("stats_liaison", city.stats, Role.LIAISON)
    client = login(stats_user)
    url = reverse("goals:goals_report_import", kwargs={"plan_id": plan.pk})
    data = report_sheet([{gs.CODE: "1.1", gs.PERIOD: "2026-01", gs.VALUE: 900}])
    page = client.post(url, {"file": upload(data, "数据.xlsx")})
    assert "新增 1，更新 0，未变 0" in page.content.decode()
    confirm = reverse("goals:goals_report_import_confirm", kwargs={"plan_id": plan.pk})
    client.post(confirm, {"digest": page.context["result"].sha256, "filename": "数据.xlsx"})
    report = ProgressReport.objects.get()
    assert report.submitted_by == stats_user and report.state == "submitted"
    assert (
        client.get(reverse("goals:goals_report_template", kwargs={"plan_id": plan.pk})).status_code
        == 200
    )
