"""The pages of 问题台账: the ledger with its filters and chart, the problem page with its actions
(plan → report with photos → 销号, refusals shown as messages), 登记问题, the sheet page and
转为问题 — and their query counts at two data sizes."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ganchao.problems import services
from ganchao.problems.choices import PhotoStage, State
from ganchao.problems.models import Problem, ProblemEvent
from ganchao.problems.tests.factories import ProblemFactory, make_photo_bytes

pytestmark = pytest.mark.django_db


def upload(name="整改后.png"):
    return SimpleUploadedFile(name, make_photo_bytes("png"), content_type="image/png")


def problem_of(pcity, **extra):
    """A problem found by the leader on a visit, owned by 西湖镇 (through the service)."""
    values = {
        "source": "visit",
        "place_type": "project_site",
        "place": "高铁新城3号地块",
        "category": "project",
        "severity": "serious",
        "description": "施工便道未硬化，扬尘严重",
        "owner_unit": pcity.town_a,
        "photos": [("现场.png", make_photo_bytes("png"))],
    }
    values.update(extra)
    return services.problem_create(actor=pcity.leader_user, **values)


# ---- the ledger ---------------------------------------------------------------------------------


def test_the_ledger_lists_filters_and_marks_overdue(login, pcity):
    today = timezone.localdate()
    late = ProblemFactory(
        owner_unit=pcity.town_a,
        found_on=today - dt.timedelta(days=30),
        deadline=today - dt.timedelta(days=2),
        legacy=True,
        recurrence_count=2,
    )
    ProblemFactory(owner_unit=pcity.town_b, found_on=today, deadline=today + dt.timedelta(days=9))
    client = login(pcity.office)

    page = client.get(reverse("problems:ledger"))
    assert page.status_code == 200
    html = page.content.decode()
    assert late.number in html and "已超期" in html and "历史遗留" in html and "2 次" in html
    assert len(page.context["rows"]) == 2

    only_late = client.get(reverse("problems:ledger"), {"overdue": "1"})
    assert [r["problem"].pk for r in only_late.context["rows"]] == [late.pk]
    by_unit = client.get(reverse("problems:ledger"), {"unit": "C102"})
    assert [r["problem"].owner_unit_id for r in by_unit.context["rows"]] == [pcity.town_b.pk]
    by_age = client.get(reverse("problems:ledger"), {"age": "21-60"})
    assert [r["problem"].pk for r in by_age.context["rows"]] == [late.pk]


def test_the_chart_counts_open_problems_by_age_and_severity(login, pcity):
    today = timezone.localdate()
    ProblemFactory(owner_unit=pcity.town_a, found_on=today, severity="severe")
    ProblemFactory(owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=200))
    ProblemFactory(
        owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=200), state=State.CLOSED
    )
    chart = login(pcity.office).get(reverse("problems:ledger")).context["chart"]
    assert chart["total"] == 2
    by_severity = {s["name"]: s["data"] for s in chart["series"]}
    assert by_severity["严重"] == [1, 0, 0, 0, 0]
    assert by_severity["一般"] == [0, 0, 0, 0, 1]
    assert "age=0-5" in chart["urls"][0][2] and "severity=severe" in chart["urls"][0][2]


def test_a_unit_user_sees_only_the_problems_of_their_unit(login, pcity):
    mine = ProblemFactory(owner_unit=pcity.town_a)
    other = ProblemFactory(owner_unit=pcity.town_b)
    client = login(pcity.liaison_a)
    rows = client.get(reverse("problems:ledger")).context["rows"]
    assert [r["problem"].pk for r in rows] == [mine.pk]
    assert client.get(reverse("problems:detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_ledger_runs_a_fixed_number_of_queries(login, pcity, count, django_assert_num_queries):
    ProblemFactory.create_batch(count, owner_unit=pcity.town_a)
    client = login(pcity.office)
    client.get(reverse("problems:ledger"))  # warm the session and the scope
    with django_assert_num_queries(7):  # the same at 3 and 30 rows
        response = client.get(reverse("problems:ledger"))
    assert len(response.context["rows"]) == count


# ---- the problem page and its workflow ----------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_problem_page_runs_a_fixed_number_of_queries(
    login, pcity, count, django_assert_num_queries
):
    problem = ProblemFactory(owner_unit=pcity.town_a, found_by=pcity.leader_user)
    now = timezone.now()
    ProblemEvent.objects.bulk_create(
        ProblemEvent(problem=problem, kind="edited", actor=pcity.office, at=now, note=str(n))
        for n in range(count)
    )
    client = login(pcity.office)
    client.get(reverse("problems:detail", args=[problem.pk]))
    with django_assert_num_queries(7):  # the same at 3 and 30 events
        response = client.get(reverse("problems:detail", args=[problem.pk]))
    assert len(response.context["events"]) == count


def test_the_town_rectifies_and_the_finder_closes_out(login, client, pcity):
    problem = problem_of(pcity)
    page = login(pcity.leader_user).get(reverse("problems:detail", args=[problem.pk]))
    assert page.status_code == 200
    assert len(page.context["found_photos"]) == 1
    thumb = client.get(
        reverse("problems:photo_thumb", args=[problem.pk, page.context["found_photos"][0].pk])
    )
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"

    town = login(pcity.liaison_a)
    assert town.get(reverse("problems:detail", args=[problem.pk])).context["actions"]["plan"]
    answer = town.post(
        reverse("problems:plan", args=[problem.pk]), {"measures": "硬化便道，加装喷淋"}
    )
    assert answer.status_code == 302
    answer = town.post(
        reverse("problems:report", args=[problem.pk]),
        {"note": "便道已硬化，喷淋已安装", "photos": [upload()]},
    )
    assert answer.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.VERIFYING
    assert problem.photos.filter(stage=PhotoStage.RECTIFIED).count() == 1

    refused = town.post(reverse("problems:verify", args=[problem.pk]), {"accept": "1"})
    assert refused.status_code == 403
    assert "操作未完成" in refused.content.decode()
    problem.refresh_from_db()
    assert problem.state == State.VERIFYING

    leader = login(pcity.leader_user)
    answer = leader.post(
        reverse("problems:verify", args=[problem.pk]), {"accept": "1", "note": "现场核验到位"}
    )
    assert answer.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.CLOSED
    page = leader.get(reverse("problems:detail", args=[problem.pk]))
    kinds = [e.kind for e in page.context["events"]]
    assert kinds[0] == "created" and kinds[-1] in ("closed", "verified")
    assert not page.context["has_actions"]


def test_a_report_without_photos_is_refused_on_the_form(login, pcity):
    problem = problem_of(pcity)
    town = login(pcity.liaison_a)
    town.post(reverse("problems:plan", args=[problem.pk]), {"measures": "硬化便道"})
    answer = town.post(reverse("problems:report", args=[problem.pk]), {"note": "已整改"})
    assert answer.status_code == 422
    assert "请上传至少一张整改后的照片" in answer.content.decode()
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING


def test_a_step_the_state_forbids_is_a_message_not_a_500(login, pcity):
    problem = problem_of(pcity)
    answer = login(pcity.office).post(
        reverse("problems:report", args=[problem.pk]),
        {"note": "已整改", "photos": [upload()]},
    )
    assert answer.status_code == 409
    assert "操作未完成" in answer.content.decode()


def test_the_rejected_verification_goes_back_to_rectifying(login, pcity):
    problem = problem_of(pcity)
    town = login(pcity.liaison_a)
    town.post(reverse("problems:plan", args=[problem.pk]), {"measures": "硬化便道"})
    town.post(
        reverse("problems:report", args=[problem.pk]), {"note": "已整改", "photos": [upload()]}
    )
    answer = login(pcity.office).post(
        reverse("problems:verify", args=[problem.pk]), {"accept": "0", "note": "喷淋未通水"}
    )
    assert answer.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING


# ---- 登记 and 修改 -------------------------------------------------------------------------------


def test_the_office_registers_a_problem_with_photos(login, pcity):
    answer = login(pcity.office).post(
        reverse("problems:new"),
        {
            "source": "citizen",
            "place_type": "village",
            "place": "李庄村文化广场",
            "category": "livelihood",
            "severity": "general",
            "description": "路灯损坏三处",
            "owner_unit": "西湖镇/李庄村",
            "photos": [upload("现场1.png"), upload("现场2.png")],
        },
    )
    assert answer.status_code == 302
    problem = Problem.objects.get()
    assert answer["Location"] == reverse("problems:detail", args=[problem.pk])
    assert problem.owner_unit == pcity.village_a
    assert problem.photos.filter(stage=PhotoStage.FOUND).count() == 2


def test_the_new_form_names_a_bad_unit(login, pcity):
    answer = login(pcity.office).post(
        reverse("problems:new"),
        {
            "source": "citizen",
            "place_type": "village",
            "place": "李庄村",
            "category": "livelihood",
            "severity": "general",
            "description": "路灯损坏",
            "owner_unit": "不存在的镇",
        },
    )
    assert answer.status_code == 422
    assert "找不到单位“不存在的镇”" in answer.content.decode()
    assert not Problem.objects.exists()


def test_the_finder_edits_the_problem(login, pcity):
    problem = problem_of(pcity)
    client = login(pcity.leader_user)
    form = client.get(reverse("problems:edit", args=[problem.pk]))
    assert form.status_code == 200
    answer = client.post(
        reverse("problems:edit", args=[problem.pk]),
        {
            "place_type": "project_site",
            "place": "高铁新城3号地块",
            "category": "project",
            "severity": "severe",
            "description": "施工便道未硬化，扬尘严重",
            "owner_unit": "C101",
            "deadline": problem.deadline.isoformat(),
            "version": problem.version,
        },
    )
    assert answer.status_code == 302
    problem.refresh_from_db()
    assert problem.severity == "severe"
    assert (
        login(pcity.liaison_b).get(reverse("problems:edit", args=[problem.pk])).status_code == 404
    )


def test_an_edit_without_a_valid_version_is_refused_not_a_500(login, pcity):
    """Given the edit form. When it is posted with a version that is missing or not a plain
    number ("²"), Then it answers 422 naming the page as stale and nothing changes (a missing
    version must not let an old form overwrite a newer edit)."""
    problem = problem_of(pcity)
    client = login(pcity.leader_user)
    fields = {
        "place_type": "project_site",
        "place": "高铁新城3号地块",
        "category": "project",
        "severity": "severe",
        "description": "施工便道未硬化，扬尘严重",
        "owner_unit": "C101",
        "deadline": problem.deadline.isoformat(),
    }
    for version in ("²", ""):
        answer = client.post(
            reverse("problems:edit", args=[problem.pk]), {**fields, "version": version}
        )
        assert answer.status_code == 422
        assert "页面已过期" in answer.content.decode()
    problem.refresh_from_db()
    assert problem.severity != "severe"


def test_a_problem_history_address_that_is_not_a_number_is_404(login, pcity):
    """Given the audit history page of problems. When the id is "²", Then 404, not a 500."""
    client = login(pcity.office)
    assert client.get("/audit/history/problem/%C2%B2/").status_code == 404


def test_the_export_of_a_chart_bar_holds_only_its_open_problems(login, pcity):
    """Given an open and a closed problem. When the office exports the ledger as filtered by a
    chart bar (open=1), Then the sheet holds the open problem only, as the page showed."""
    import io

    from openpyxl import load_workbook

    open_one = problem_of(pcity)
    closed = problem_of(pcity)
    Problem.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    answer = login(pcity.office).get(reverse("problems:sheet_export") + "?open=1")
    numbers = [
        row[0]
        for row in load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True)
    ]
    assert open_one.number in numbers and closed.number not in numbers


# ---- the sheet page -----------------------------------------------------------------------------


def test_the_office_previews_and_confirms_a_sheet(login, pcity):
    from ganchao.problems import sheet

    ProblemFactory(owner_unit=pcity.town_a)
    data = sheet.problem_sheet_export(Problem.objects.all())
    client = login(pcity.office)
    assert client.get(reverse("problems:sheet")).status_code == 200
    preview = client.post(
        reverse("problems:sheet"), {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    assert "新增 0，更新 0，未变 1" in preview.content.decode()
    export = client.get(reverse("problems:sheet_export"))
    assert export.status_code == 200
    assert login(pcity.liaison_a).get(reverse("problems:sheet")).status_code == 404


def test_an_xls_upload_is_refused_on_the_sheet_page(login, pcity):
    answer = login(pcity.office).post(
        reverse("problems:sheet"),
        {"file": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 64)},
    )
    assert "请另存为 .xlsx 格式" in answer.content.decode()


# ---- navigation and the chart data --------------------------------------------------------------


def test_the_navigation_offers_the_ledger(login, pcity):
    html = login(pcity.office).get(reverse("problems:ledger")).content.decode()
    assert "问题台账导入导出" in html and "新建问题" in html
    html = login(pcity.liaison_a).get(reverse("problems:ledger")).content.decode()
    assert "问题台账导入导出" not in html


def test_the_chart_data_is_in_the_page(login, pcity):
    ProblemFactory(owner_unit=pcity.town_a, found_on=timezone.localdate())
    html = login(pcity.office).get(reverse("problems:ledger")).content.decode()
    found = re.search(r'id="problem-age-data"[^>]*>(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["total"] == 1 and len(data["buckets"]) == 5


# ---- 转为问题 ------------------------------------------------------------------------------------


def test_a_visit_finding_becomes_a_problem_from_the_visit_page(login, pcity):
    from ganchao.visits.tests.factories import record_visit

    visit = record_visit(pcity, day=timezone.localdate().isoformat())
    finding = visit.findings.get()
    client = login(pcity.office)
    url = reverse("problems:from_finding", args=[visit.pk, finding.pk])
    assert url in client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    answer = client.post(
        url,
        {
            "owner_unit": "C101001",
            "place_type": "village",
            "place": "李庄村村委会",
            "category": "environment",
            "severity": "",
        },
    )
    problem = Problem.objects.get()
    assert answer["Location"] == reverse("problems:detail", args=[problem.pk])
    assert problem.finding_id == finding.pk and problem.severity == "serious"
    again = client.post(url, {"place_type": "village", "category": "environment"})
    assert again.status_code == 409 and "已转入问题台账" in again.content.decode()
    assert (
        client.get(reverse("problems:from_finding", args=[visit.pk, finding.pk + 99])).status_code
        == 404
    )


def test_a_finding_at_a_project_site_links_and_blocks_the_key_project(login, pcity):
    from ganchao.goals.tests.factories import make_plan
    from ganchao.projects.tests.factories import make_project
    from ganchao.visits.tests.factories import record_visit

    project = make_project(pcity, make_plan(pcity).plan, code="XM-09", name="城东综合管廊")
    visit = record_visit(pcity, day=timezone.localdate().isoformat())
    finding = visit.findings.get()
    client = login(pcity.office)
    url = reverse("problems:from_finding", args=[visit.pk, finding.pk])
    assert "XM-09 城东综合管廊" in client.get(url).content.decode()
    fields = {"owner_unit": "西湖镇", "place_type": "project_site", "category": "project"}
    refused = client.post(url, {**fields, "blocks_project": "on"})
    assert refused.status_code == 422
    assert "请选择关联的重点项目" in refused.content.decode()
    assert not Problem.objects.exists()
    client.post(url, {**fields, "project": project.pk, "blocks_project": "on"})
    problem = Problem.objects.get()
    assert problem.item_id == project.item_id and problem.blocks_project
    page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("projects:detail", args=[project.pk]) in page
    visit_page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert (
        f'已转入问题台账 <a href="{reverse("problems:detail", args=[problem.pk])}">' in visit_page
    )
    assert url not in visit_page


def test_an_overdue_problem_page_shows_a_readable_overdue_badge(login, pcity):
    today = timezone.localdate()
    late = ProblemFactory(
        owner_unit=pcity.town_a,
        found_on=today - dt.timedelta(days=30),
        deadline=today - dt.timedelta(days=2),
    )
    html = login(pcity.office).get(reverse("problems:detail", args=[late.pk])).content.decode()
    # a solid red badge needs white words (grey on red could not be read)
    assert re.search(r'<span class="badge bg-red text-white fs-4">\s*已超期', html)
