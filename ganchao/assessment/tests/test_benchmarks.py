"""对标一流: the register's services and each unit's gap to the benchmark — 正向, 逆向 and a
累计值 indicator pro-rated by elapsed days — in a fixed number of queries."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from ganchao.assessment import benchmarks, services_benchmarks
from ganchao.assessment.models import Benchmark
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.conftest import make_unit
from ganchao.goals.models import Plan
from ganchao.goals.tests.factories import make_assignment, make_item, make_report
from ganchao.orgs.choices import UnitType


class Register:
    """Three benchmarked indicators of an issued 2026 plan, lead 西湖镇 and responsible 东山镇."""

    def __init__(self, city):
        self.city = city
        self.plan = Plan.objects.create(owner=city.root, year=2026, state="issued")
        self.rate = self._indicator("1", "城镇化率", "level", "positive", "%", 100)
        self.energy = self._indicator("2", "万元GDP能耗", "level", "negative", "吨标煤", "0.4")
        self.revenue = self._indicator(
            "3", "一般公共预算收入", "cumulative", "positive", "万元", 3650
        )
        self.a = {item.code: make_assignment(item, city.town_a) for item in self.items}
        self.b = {
            item.code: make_assignment(item, city.town_b, role="responsible") for item in self.items
        }
        make_report(self.a["1"], "2026-06", value=80)
        make_report(self.a["1"], "2026-07", value=99, state="returned")  # does not count
        make_report(self.b["1"], "2026-06", value=50)
        make_report(self.b["1"], "2026-06", value=60, revision=2)  # the latest revision wins
        make_report(self.a["2"], "2026-06", value="0.5")
        make_report(self.b["2"], "2026-06", value="0.35")
        make_report(self.a["3"], "2026-06", value=1500)
        make_report(self.b["3"], "2026-12", value=4000)

    @property
    def items(self):
        return [self.rate, self.energy, self.revenue]

    def _indicator(self, code, name, nature, direction, measure, value):
        item = make_item(
            self.plan, code, name, "indicator", nature=nature, direction=direction,
            measure_unit=measure, target=1,
        )  # fmt: skip
        Benchmark.objects.create(
            item=item, region="苏州市", value=D(str(value)), year=2025, source="统计公报"
        )
        return item


@pytest.fixture
def register(city):
    return Register(city)


def by_unit(rows):
    return {row["unit_code"]: row for row in rows}


def test_positive_level_indicator(register):
    rows = by_unit(benchmarks.indicator_gaps(register.rate))
    a, b = rows["C101"], rows["C102"]
    assert (a["actual"], a["compared"], a["gap"], a["ratio"]) == (D(80), D(100), D(20), D("0.8"))
    assert a["percent"] == D("80.0") and not a["reached"] and not a["prorated"]
    assert a["period"] == "2026-06" and a["note"] == ""
    assert b["actual"] == D(60) and b["role"] == "责任单位"


def test_negative_indicator_reverses_gap_and_ratio(register):
    rows = by_unit(benchmarks.indicator_gaps(register.energy))
    a, b = rows["C101"], rows["C102"]
    assert (a["gap"], a["ratio"], a["reached"]) == (D("0.1"), D("0.8"), False)
    assert (b["gap"], b["ratio"], b["reached"]) == (D("-0.05"), D("1.1429"), True)


def test_cumulative_indicator_is_prorated_before_year_end(register):
    rows = by_unit(benchmarks.indicator_gaps(register.revenue))
    a, b = rows["C101"], rows["C102"]
    # 30 June: 181 of 365 days → 3650 × 181 / 365 = 1810
    assert a["compared"] == D("1810") and a["prorated"] and a["note"] == "按序时折算"
    assert a["gap"] == D("310") and a["ratio"] == D("0.8287") and not a["reached"]
    assert b["compared"] == D("3650") and not b["prorated"]  # the December report: whole year
    assert b["gap"] == D("-350") and b["reached"]


def test_unit_gaps_lists_the_units_benchmarked_indicators(register, city):
    rows = benchmarks.unit_gaps(city.town_a, 2026)
    assert [r["indicator_code"] for r in rows] == ["1", "2", "3"]
    assert {r["unit_code"] for r in rows} == {"C101"}
    assert benchmarks.unit_gaps(city.town_a, 2025) == []
    row = rows[0]
    for key in ("indicator", "measure_unit", "region", "benchmark_year", "source", "definition"):
        assert key in row


def test_no_report_gives_no_gap(register, city):
    make_assignment(register.rate, city.stats, role="responsible")
    row = by_unit(benchmarks.indicator_gaps(register.rate))["C003"]
    assert row["actual"] is None and row["gap"] is None and row["reached"] is False


def test_inactive_benchmarks_are_not_compared(register, city):
    benchmark = register.rate.benchmarks.get()
    services_benchmarks.benchmark_deactivate(actor=city.office, benchmark=benchmark)
    assert benchmarks.indicator_gaps(register.rate) == []
    assert Benchmark.objects.get(pk=benchmark.pk).active is False  # kept on record


def test_gaps_take_a_fixed_number_of_queries(register, city):
    def count():
        with CaptureQueriesContext(connection) as queries:
            benchmarks.gaps_by_item([i.pk for i in register.items])
            benchmarks.unit_gaps(city.town_a, 2026)
        return len(queries)

    before = count()
    for n in range(6):
        unit = make_unit(f"新镇{n}", UnitType.TOWN, city.root, code=f"C2{n:02d}")
        for item in register.items:
            make_report(make_assignment(item, unit), "2026-06", value=n + 1)
    assert count() == before == 6


# ---- the register's services ----------------------------------------------------------------


def test_create_update_and_deactivate_are_audited(register, city):
    benchmark = services_benchmarks.benchmark_create(
        actor=city.office, item=register.rate, region="浙江省", value="88.5", year=2025,
        source="省统计年鉴", definition="常住人口口径",
    )  # fmt: skip
    benchmark = services_benchmarks.benchmark_update(
        actor=city.office, benchmark=benchmark, expected_version=1, region="浙江省",
        value="89", year=2025, source="省统计年鉴", definition="常住人口口径",
    )  # fmt: skip
    assert benchmark.value == D("89") and benchmark.version == 2
    with pytest.raises(Conflict):
        services_benchmarks.benchmark_deactivate(
            actor=city.office, benchmark=benchmark, expected_version=1
        )
    services_benchmarks.benchmark_deactivate(actor=city.office, benchmark=benchmark)
    actions = list(
        AuditEvent.objects.filter(object_type="benchmark")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.benchmark_create",
        "assessment.benchmark_update",
        "assessment.benchmark_deactivate",
    ]


def test_register_refuses_bad_input_and_other_users(register, city):
    good = {"item": register.rate, "region": "苏州", "value": "1", "year": 2025, "source": "公报"}
    with pytest.raises(Forbidden):
        services_benchmarks.benchmark_create(actor=city.liaison_a, **good)
    for bad in ({"value": "很多"}, {"region": " "}, {"source": ""}, {"year": 20}):
        with pytest.raises(ValidationFailed):
            services_benchmarks.benchmark_create(actor=city.office, **{**good, **bad})
    goal = make_item(register.plan, "9", "目标", "goal")
    with pytest.raises(ValidationFailed):
        services_benchmarks.benchmark_create(actor=city.office, **{**good, "item": goal})


def test_scorecard_partial_renders_the_rows_or_says_what_to_do(register, city):
    html = render_to_string(
        "assessment/_benchmark_gaps.html", {"gaps": benchmarks.unit_gaps(city.town_a, 2026)}
    )
    assert 'id="benchmark-gaps-data"' in html and "assessment/benchmark_gaps.js" in html
    assert "按序时折算" in html and "未达到" in html and "苏州市" in html
    empty = render_to_string("assessment/_benchmark_gaps.html", {"gaps": []})
    assert "尚未设置对标值" in empty and "<script" not in empty


def test_a_value_that_rounds_past_the_column_is_refused():
    from ganchao.assessment.services_benchmarks import _value
    from ganchao.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        _value("9999999999999999.99999")
    assert str(_value("9999999999999999.9999")) == "9999999999999999.9999"
