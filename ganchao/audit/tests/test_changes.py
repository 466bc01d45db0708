"""The audit log reads as words (issue 9 item 10): before/after as a table of 字段, 原值, 新值 —
fields by name, booleans 是/否, nested dicts as rows, counts grouped — and an object's history
titled by its name, never a bare number."""

import datetime as dt

import pytest
from django.db import transaction

from ganchao.audit.changes import change_rows, field_label, object_title, reason_text, show
from ganchao.audit.services import Target, audit_record, diff

SEED_PAYLOAD = {
    "scale": "city",
    "seed": 1,
    "as_of": "2026-10-09",
    "counts": {"units": 383, "users": 12_345, "progress_reports": 40_210},
    "digest": "ab12",
    "reset": False,
}


def test_booleans_dates_and_counts_read_as_words():
    assert show(False) == "否" and show(True) == "是"
    assert show(None) == "—" and show("") == "—"
    assert show(12345) == "12,345" and show(2026) == "2026"
    assert show("2026-03-31") == "2026年3月31日"
    assert show("2026-03-31T10:05:00+08:00") == "2026年3月31日 10:05"
    assert show(["西湖镇", "东山镇"]) == "西湖镇、东山镇"


@pytest.mark.django_db
def test_fields_read_by_their_names():
    assert field_label("measure_unit") == "计量单位"
    assert field_label("data_source_unit_id") == "数据来源单位"
    assert field_label("counts") == "数量"
    assert field_label("no_such_field") == "no_such_field"


@pytest.mark.django_db
def test_a_seed_event_is_a_table_of_rows_not_a_dict():
    rows = change_rows(diff({}, SEED_PAYLOAD))
    table = {row["field"]: (row["before"], row["after"]) for row in rows}
    assert table["清空重建"] == ("—", "否")
    assert table["数据基准日"] == ("—", "2026年10月9日")
    assert table["数量 · 单位"] == ("—", "383")
    assert table["数量 · 用户"] == ("—", "12,345")
    assert table["数量 · 进展报送"] == ("—", "40,210")
    assert not any("{" in row["after"] or "False" in row["after"] for row in rows)


@pytest.mark.django_db
def test_nested_changes_on_both_sides_pair_up():
    rows = change_rows({"file": {"before": {"rows": 3}, "after": {"rows": 5, "sha256": "x"}}})
    assert rows == [
        {"field": "文件 · 行数", "before": "3", "after": "5"},
        {"field": "文件 · SHA-256 摘要", "before": "—", "after": "x"},
    ]


def test_a_bare_number_never_titles_a_history():
    assert object_title("62", "目标任务", "62") == "目标任务（编号 62）"
    assert object_title("Matter object (62)", "督办事项", "62") == "督办事项（编号 62）"
    assert object_title("1.1 新增城镇就业", "目标任务", "62") == "1.1 新增城镇就业"


def _events(city):
    with transaction.atomic():
        audit_record(
            actor=None,
            action="seed.load",
            target=Target("seed", "city", "演示数据（城市）"),
            changes=diff({}, SEED_PAYLOAD),
        )
        for n in range(5):
            audit_record(
                actor=city.admin,
                action="unit.update",
                target=Target("unit", str(city.town_a.pk), str(n) if n == 4 else "西湖镇"),
                changes=diff({"active": True, "name": "西湖"}, {"active": False, "name": "西湖镇"}),
            )


def test_a_scans_reason_and_counts_read_as_words():
    reason = reason_text("定时扫描（时点 2026-12-06T10:25:41.447881+08:00）")
    assert reason == "定时扫描（时点 2026年12月6日 10:25:41）"
    assert reason_text("退回：数据有误") == "退回：数据有误" and reason_text(None) == ""
    assert field_label("proposals") == "督办建议"


def test_a_scan_event_shows_no_pseudo_number(city, login):
    with transaction.atomic():
        audit_record(
            actor=None,
            action="alert.raise",
            target=Target("matter", "scan", "督办事项"),
            changes={"alerts": {"before": None, "after": 3}},
            reason="定时扫描（时点 2026-12-06T10:25:41.447881+08:00）",
        )
    html = login(city.auditor).get("/audit/").content.decode()
    assert "#scan" not in html and "2026-12-06T" not in html
    assert "定时扫描（时点 2026年12月6日 10:25:41）" in html


def test_the_log_shows_tables_for_the_auditor(city, login, django_assert_max_num_queries):
    _events(city)
    client = login(city.auditor)
    with django_assert_max_num_queries(12):
        html = client.get("/audit/").content.decode()
    assert '<th scope="col">原值</th>' in html and '<th scope="col">新值</th>' in html
    assert "数量 · 单位" in html and "清空重建" in html
    assert "{&#x27;" not in html and "{'" not in html and ">False<" not in html
    assert ">是</td><td>否</td>" in html


def test_a_history_is_titled_by_the_objects_name(city, login):
    _events(city)
    html = login(city.auditor).get(f"/audit/history/unit/{city.town_a.pk}/").content.decode()
    assert "变更记录：西湖镇" in html and f"变更记录：{city.town_a.pk}<" not in html


def test_a_history_with_only_numbers_names_the_type(city, login):
    with transaction.atomic():
        audit_record(
            actor=None,
            action="unit.update",
            target=Target("unit", "99999", "99999"),
            changes={"name": {"before": "a", "after": "b"}},
            at=dt.datetime(2026, 3, 31, 10, tzinfo=dt.UTC),
        )
    html = login(city.auditor).get("/audit/history/unit/99999/").content.decode()
    assert "变更记录：单位（编号 99999）" in html


def test_a_history_without_events_says_why(city, login):
    """A seeded or imported item has no event of its own: the page says how such data was
    recorded instead of a bare 没有符合条件的审计事件."""
    html = login(city.auditor).get("/audit/history/item/424242/").content.decode()
    assert "只在一条载入审计事件中整体记录" in html
    assert "没有符合条件的审计事件" not in html


@pytest.mark.django_db
def test_codes_of_the_events_own_model_read_as_words():
    rows = change_rows({"state": {"before": "draft", "after": "issued"}}, object_type="plan")
    assert rows == [{"field": "状态", "before": "草稿", "after": "已下达"}]
    created = change_rows(
        {"after": {"direction": "negative", "measure_unit": "起"}}, object_type="item"
    )
    assert created == [
        {"field": "指标方向", "before": "—", "after": "逆向"},
        {"field": "计量单位", "before": "—", "after": "起"},
    ]
    assert change_rows({"scale": {"before": None, "after": "city"}})[0]["after"] == "一个市"


def test_the_log_runs_the_same_queries_for_more_events(city, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(city.auditor)
    client.get("/audit/")  # warm the per-process caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/audit/").status_code == 200
        return len(queries)

    _events(city)
    before = count()
    for _ in range(5):
        _events(city)
    assert count() == before
