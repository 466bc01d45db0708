"""The benchmark pages: the register grouped by indicator (query count pinned and constant as
units grow), one indicator's page with its chart data, the office's add / edit / deactivate;
a liaison sees only their own unit's rows and gets 404 for others' indicators."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.assessment.models import Benchmark
from ganchao.assessment.tests.test_benchmarks import Register
from ganchao.conftest import make_unit
from ganchao.goals.tests.factories import make_assignment, make_item, make_report
from ganchao.orgs.choices import UnitType

LIST_QUERIES = 11  # the shell, session and scope included; the gaps themselves take 3


@pytest.fixture
def register(city):
    return Register(city)


def chart_data(html: str) -> dict:
    match = re.search(
        r'<script id="benchmark-chart-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(match.group(1))


def test_office_sees_the_register_grouped_by_indicator(register, city, login):
    page = login(city.office).get(reverse("assessment:benchmark_list"))
    assert page.status_code == 200
    for text in ("城镇化率", "万元GDP能耗", "一般公共预算收入", "西湖镇", "东山镇", "按序时折算"):
        assert text in page.text
    assert "新增对标值" in page.text


def test_indicator_page_has_the_chart_and_the_table(register, city, login):
    url = reverse("assessment:benchmark_detail", args=[register.revenue.pk])
    page = login(city.office).get(url)
    assert page.status_code == 200 and "统计公报" in page.text
    data = chart_data(page.text)
    assert data["names"] == ["西湖镇", "东山镇"] and data["values"] == [1500.0, 4000.0]
    assert data["lines"] == [
        {"name": "苏州市 2025（2026-06 按序时折算）", "value": 1810.0},
        {"name": "苏州市 2025", "value": 3650.0},
    ]
    assert "assessment/benchmark_gaps.js" in page.text


def test_liaison_sees_only_their_units_rows(register, city, login):
    only_b = make_item(register.plan, "4", "外贸出口", "indicator", target=1)
    make_assignment(only_b, city.town_b)
    Benchmark.objects.create(item=only_b, region="宁波市", value=10, year=2025, source="海关")
    client = login(city.liaison_a)
    page = client.get(reverse("assessment:benchmark_list"))
    assert page.status_code == 200 and "西湖镇" in page.text
    assert (
        "东山镇" not in page.text and "外贸出口" not in page.text and "新增对标值" not in page.text
    )
    assert client.get(reverse("assessment:benchmark_detail", args=[only_b.pk])).status_code == 404
    assert client.get(reverse("assessment:benchmark_new")).status_code == 404
    benchmark = register.rate.benchmarks.get()
    deactivate = reverse("assessment:benchmark_deactivate", args=[benchmark.pk])
    assert client.post(deactivate).status_code == 404
    assert login(city.auditor).get(reverse("assessment:benchmark_list")).status_code == 404


def test_office_adds_edits_and_deactivates(register, city, login):
    client = login(city.office)
    form = client.get(reverse("assessment:benchmark_new") + f"?item={register.rate.pk}")
    assert form.status_code == 200 and "城镇化率" in form.text
    values = {"region": "杭州市", "value": "92.5", "year": "2025", "source": "统计年鉴"}
    bad = client.post(
        reverse("assessment:benchmark_new"), {**values, "item": register.rate.pk, "value": "多"}
    )
    assert bad.status_code == 422 and "标杆值不是数字" in bad.text
    response = client.post(
        reverse("assessment:benchmark_new"), {**values, "item": register.rate.pk}
    )
    assert response.status_code == 302
    benchmark = Benchmark.objects.get(region="杭州市")
    edit = reverse("assessment:benchmark_edit", args=[benchmark.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**values, "value": "93", "version": benchmark.version})
    assert response.status_code == 302
    benchmark.refresh_from_db()
    assert str(benchmark.value) == "93.0000"
    client.post(reverse("assessment:benchmark_deactivate", args=[benchmark.pk]))
    benchmark.refresh_from_db()
    assert benchmark.active is False


def test_register_query_count_is_pinned_and_constant(register, city, login):
    client = login(city.office)
    url = reverse("assessment:benchmark_list")
    client.get(url)  # warm the per-process caches (calendar, content types)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(8):
        unit = make_unit(f"新镇{n}", UnitType.TOWN, city.root, code=f"C3{n:02d}")
        for item in register.items:
            make_report(make_assignment(item, unit), "2026-06", value=n + 1)
    extra = make_item(register.plan, "5", "新指标", "indicator", target=1)
    Benchmark.objects.create(item=extra, region="深圳市", value=5, year=2025, source="公报")
    make_assignment(extra, city.town_a)
    assert count() == before == LIST_QUERIES
