"""The office's inputs pages: one test per endpoint, 404 for everyone else, pinned queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganchao.assessment.models import ManualScore, ScoreItem
from ganchao.assessment.tests.test_inputs import manual_scheme
from ganchao.assessment.tests.test_inputs_sheet import sheet
from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType

ARGS = {"code": "TOWNS", "period": "2026-Q2"}


@pytest.fixture
def office(scenario):
    return make_user("office", scenario.office_unit, Role.OFFICE)


def url(name, **extra):
    return reverse(f"assessment:{name}", kwargs=ARGS | extra)


def test_pages_are_office_only(scenario, login):
    liaison = make_user("town_liaison", scenario.a, Role.LIAISON)
    client = login(liaison)
    item = ScoreItem.objects.filter(approved=False).first()
    for name in ("inputs", "manual_import", "manual_template", "manual_export"):
        assert client.get(url(name)).status_code == 404
    for name in ("item_add", "manual_save", "manual_import"):
        assert client.post(url(name)).status_code == 404
    for name in ("item_approve", "item_withdraw"):
        assert client.post(url(name, item_id=item.pk)).status_code == 404
    assert ScoreItem.objects.filter(pk=item.pk, approved=False).exists()


def test_inputs_page_lists_items_and_the_grid(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    response = client.get(url("inputs"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "省级表彰" in text and "待审定" in text and "领导评议（满分 10）" in text
    assert 'name="score-T01-EVAL"' in text
    wrong = reverse("assessment:inputs", kwargs={"code": "TOWNS", "period": "2026-05"})
    assert client.get(wrong).status_code == 404
    missing = reverse("assessment:inputs", kwargs={"code": "NOPE", "period": "2026-Q2"})
    assert client.get(missing).status_code == 404


def test_inputs_page_queries_do_not_grow_with_units(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    client.get(url("inputs"))
    with CaptureQueriesContext(connection) as before:
        client.get(url("inputs"))
    for number in range(4, 12):
        make_unit(f"新{number}镇", UnitType.TOWN, scenario.a.parent, code=f"T{number:02d}",
                  category=scenario.category)  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        client.get(url("inputs"))
    assert len(after) == len(before) <= 20


def test_item_add_approve_and_withdraw(scenario, office, login):
    client = login(office)
    response = client.post(
        url("item_add"), {"unit": "乙镇", "kind": "bonus", "points": "1.5", "reason": "市级表彰"}
    )
    assert response.status_code == 302
    item = ScoreItem.objects.get(reason="市级表彰")
    assert (item.unit, item.approved) == (scenario.b, False)
    assert client.post(url("item_approve", item_id=item.pk)).status_code == 302
    item.refresh_from_db()
    assert item.approved
    response = client.post(url("item_withdraw", item_id=item.pk), follow=True)
    assert "已经审定" in response.content.decode()
    pending = ScoreItem.objects.get(reason="未审定")
    assert client.post(url("item_withdraw", item_id=pending.pk)).status_code == 302
    assert not ScoreItem.objects.filter(pk=pending.pk).exists()
    assert client.post(url("item_approve", item_id=pending.pk)).status_code == 404


def test_item_add_errors_are_shown_on_the_form(scenario, office, login):
    make_unit("某局", UnitType.DEPARTMENT, scenario.a.parent, code="D99")
    client = login(office)
    response = client.post(url("item_add"), {"unit": "某局", "kind": "bonus", "points": "1",
                                             "reason": "r"})  # fmt: skip
    assert response.status_code == 422
    assert "不属于本方案的考核类别" in response.content.decode()
    response = client.post(url("item_add"), {"unit": "无此单位", "kind": "deduction",
                                             "points": "", "reason": ""})  # fmt: skip
    text = response.content.decode()
    assert "找不到单位“无此单位”" in text and "请填写事由" in text


def test_manual_save_all_or_nothing(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    form = {"unit": ["T01", "T02", "T03"], "component": ["EVAL", "SAT"], "page": "1",
            "score-T01-EVAL": "8", "score-T02-SAT": "12"}  # fmt: skip
    response = client.post(url("manual_save"), form)
    text = response.content.decode()
    assert response.status_code == 422
    assert 'href="#score-T02-SAT"' in text and "乙镇 · 群众满意度：得分应在 0 至 10 之间" in text
    assert 'value="12"' in text and not ManualScore.objects.exists()
    form["score-T02-SAT"] = "9"
    response = client.post(url("manual_save"), form, follow=True)
    assert "新增 2，更新 0，未变 0" in response.content.decode()
    assert ManualScore.objects.count() == 2


def test_manual_import_preview_then_confirm(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    assert client.get(url("manual_import")).status_code == 200
    upload = io.BytesIO(sheet(("T01", "领导评议", 8), ("T02", "群众满意度", 9)))
    upload.name = "打分.xlsx"
    response = client.post(url("manual_import"), {"file": upload})
    text = response.content.decode()
    assert "新增 2，更新 0，未变 0" in text and "确认导入" in text
    # a summary line per component, not a warning per blank unit
    assert "2 条提示" in text and "尚有2个单位未录入“领导评议”得分：乙镇、丙镇" in text
    assert not ManualScore.objects.exists()
    digest = response.context["result"].sha256
    response = client.post(url("manual_import"), {"digest": digest, "filename": "打分.xlsx"})
    assert response.status_code == 302 and ManualScore.objects.count() == 2


def test_manual_import_errors_are_listed(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    upload = io.BytesIO(sheet(("T09", "领导评议", 8)))
    upload.name = "打分.xlsx"
    text = client.post(url("manual_import"), {"file": upload}).content.decode()
    assert "第2行 A列（单位）" in text and "没有导入任何数据" in text


def test_template_and_export_downloads(scenario, office, login):
    manual_scheme(scenario)
    client = login(office)
    for name in ("manual_template", "manual_export"):
        response = client.get(url(name))
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert ws["A1"].value == "单位" and ws.max_row == 7


def test_manual_scores_show_two_places_on_the_grid_and_the_scorecard(scenario, office, login):
    from ganchao.assessment import services_inputs

    scheme = manual_scheme(scenario)
    values = {("T01", "EVAL"): "9.6", ("T01", "SAT"): "10", ("T02", "EVAL"): "8.25"}
    services_inputs.manual_scores_save(actor=office, scheme=scheme, period="2026-Q2",
                                       values=values)  # fmt: skip
    client = login(office)
    grid = client.get(url("inputs")).content.decode()
    for name, shown in (("T01-EVAL", "9.60"), ("T01-SAT", "10.00"), ("T02-EVAL", "8.25")):
        assert f'name="score-{name}" value="{shown}"' in grid
    card = client.get("/assessment/scorecards/TOWNS/2026-Q2/T01/?draft=1").content.decode()
    assert "录入得分 9.60" in card and "录入得分 10.00" in card
    assert "按录入的评议得分计" in card
