"""The demo plans and their reports as a pure function of (scale, seed, as-of): no database."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from ganchao.common.workcalendar import WorkCalendar
from ganchao.demodata import goals_catalogue, names
from ganchao.demodata.generator import build
from ganchao.demodata.goals_generator import build_city_plan, city_contexts
from ganchao.demodata.goals_reports import city_reports, due_periods, expected_value
from ganchao.goals.choices import Direction, ItemType, Nature, PlanState, ReportState, Role
from ganchao.orgs.choices import UnitType

AS_OF = dt.date(2026, 11, 29)
CAL = WorkCalendar()


def plan_and_reports(scale="city", seed=1, as_of=AS_OF, city=0):
    data = build(scale, seed, as_of)
    context = city_contexts(data)[city]
    plan = build_city_plan(context, scale, seed, as_of)
    return data, plan, list(city_reports(plan, CAL, as_of, seed))


@pytest.fixture(scope="module")
def city():
    return plan_and_reports()


def test_the_catalogue_names_only_departments_that_exist():
    slugs = {dept.slug for dept in names.DEPARTMENTS}
    for goal in goals_catalogue.GOALS:
        for sub in goal.subgoals:
            for spec in sub.indicators:
                assert {spec.lead, spec.source} <= slugs, spec.name
            for task in sub.tasks:
                assert task.lead in slugs or task.lead.startswith("@"), task.name


def test_same_inputs_give_the_same_plan_and_reports(city):
    _data, plan, reports = city
    _again, plan_again, reports_again = plan_and_reports()
    assert plan_again == plan
    assert reports_again == reports


def test_another_seed_keeps_the_tree_but_changes_values_and_people(city):
    _data, plan, reports = city
    _other, other, other_reports = plan_and_reports(seed=2)
    assert [i.code for i in other.items] == [i.code for i in plan.items]
    assert [i.target for i in other.items] != [i.target for i in plan.items]
    assert [a.contact for a in other.assignments] != [a.contact for a in plan.assignments]
    assert [r.value for r in other_reports] != [r.value for r in reports]


def test_city_plan_sizes(city):
    _data, plan, reports = city
    types = Counter(item.type for item in plan.items)
    top = [item for item in plan.items if item.parent_code is None]
    assert 8 <= len(top) <= 10
    assert 130 <= types[ItemType.INDICATOR] <= 170
    assert 130 <= types[ItemType.TASK] <= 170
    assert 1300 <= len(plan.assignments) <= 1700
    assert 8000 <= len(reports) <= 14000
    assert plan.plan.state == PlanState.ISSUED
    assert plan.plan.issued_at.date() == dt.date(2026, 2, 1)
    assert plan.plan.owner_code == "C01" and plan.plan.year == 2026


def test_every_indicator_and_task_has_exactly_one_lead_and_units_exist(city):
    data, plan, _reports = city
    units = {unit.code: unit for unit in data.units}
    roles = defaultdict(Counter)
    pairs = set()
    for a in plan.assignments:
        assert a.unit_code in units
        assert (a.item_code, a.unit_code) not in pairs
        pairs.add((a.item_code, a.unit_code))
        roles[a.item_code][a.role] += 1
        if a.role == Role.LEAD:
            assert units[a.unit_code].type in {UnitType.DEPARTMENT, UnitType.TOWN,
                                               UnitType.STREET, UnitType.PARK}  # fmt: skip
        assert a.responsible_leader and a.responsible_person and a.contact and a.contact_phone
    for item in plan.items:
        expected = 0 if item.type == ItemType.GOAL else 1
        assert roles[item.code][Role.LEAD] == expected, item.code


def test_items_name_the_leaders_in_charge_of_their_lead_unit(city):
    data, plan, _reports = city
    areas = {(area.leader_key, area.unit_code) for area in data.areas}
    leads = {a.item_code: a.unit_code for a in plan.assignments if a.role == Role.LEAD}
    for item in plan.items:
        if item.type != ItemType.GOAL:
            assert item.leader_keys, item.code
            assert all((key, leads[item.code]) in areas for key in item.leader_keys)


def test_town_targets_of_cumulative_indicators_add_up_to_about_the_item_target(city):
    _data, plan, _reports = city
    items = {item.code: item for item in plan.items}
    sums, towns = defaultdict(Decimal), Counter()
    for a in plan.assignments:
        if a.role == Role.RESPONSIBLE and a.target is not None:
            sums[a.item_code] += a.target
            towns[a.item_code] += 1
    assert len(sums) > 40
    for code, total in sums.items():
        item = items[code]
        if item.nature == Nature.CUMULATIVE:
            rounding = towns[code] * Decimal(10) ** item.target.as_tuple().exponent
            low, high = item.target * Decimal("0.97"), item.target * Decimal("1.05")
            assert low - rounding <= total <= high + rounding, code


def test_stretch_targets_lie_beyond_the_target(city):
    _data, plan, _reports = city
    stretched = [item for item in plan.items if item.stretch_target is not None]
    assert len(stretched) >= 8
    assert all(item.stretch_target > item.target for item in stretched)


def test_staged_targets_of_cumulative_indicators_rise_to_the_target(city):
    _data, plan, _reports = city
    staged = [i for i in plan.items if i.quarters and i.nature == Nature.CUMULATIVE]
    assert len(staged) > 40
    for item in staged:
        assert list(item.quarters) == sorted(item.quarters) and item.quarters[3] == item.target


def test_tasks_have_two_to_five_dated_milestones_within_the_year(city):
    _data, plan, _reports = city
    by_item = defaultdict(list)
    for milestone in plan.milestones:
        by_item[milestone.item_code].append(milestone.due_date)
    tasks = [i for i in plan.items if i.type == ItemType.TASK]
    for task in tasks:
        dates = by_item[task.code]
        assert 2 <= len(dates) <= 5 and dates == sorted(dates) and len(set(dates)) == len(dates)
        assert dates[0].year == 2026 and task.deadline == dates[-1]


def test_reports_cover_only_periods_due_by_the_as_of_date(city):
    _data, plan, reports = city
    items = {item.code: item for item in plan.items}
    roles = {(a.item_code, a.unit_code): a.role for a in plan.assignments}
    for report in reports:
        assert roles[(report.item_code, report.unit_code)] != Role.COOPERATING
        due = {p.code: d for p, d in due_periods(items[report.item_code], CAL, AS_OF)}
        assert report.period in due
        assert report.submitted_at.date() <= AS_OF
        assert report.late == (report.submitted_at.date() > due[report.period])
        if report.reviewed_at:
            assert report.submitted_at < report.reviewed_at
            assert report.reviewed_at.date() <= AS_OF


def test_each_period_has_one_current_revision_and_returns_carry_a_reason(city):
    _data, _plan, reports = city
    current = Counter((r.item_code, r.unit_code, r.period) for r in reports if r.is_current)
    periods = {(r.item_code, r.unit_code, r.period) for r in reports}
    assert set(current) == periods and set(current.values()) == {1}
    for report in reports:
        assert bool(report.return_reason) == (report.state == ReportState.RETURNED)
        if report.revision == 2:
            assert not next(
                r for r in reports
                if (r.item_code, r.unit_code, r.period, r.revision)
                == (report.item_code, report.unit_code, report.period, 1)
            ).is_current  # fmt: skip


def test_cumulative_values_never_fall_and_follow_the_direction(city):
    _data, plan, reports = city
    items = {item.code: item for item in plan.items}
    series = defaultdict(list)
    for report in reports:
        if report.is_current and report.value is not None:
            series[(report.item_code, report.unit_code)].append(report.value)
    for (code, _unit), values in series.items():
        if items[code].nature == Nature.CUMULATIVE:
            assert values == sorted(values), code
    deaths = next(i for i in plan.items if i.name == "生产安全事故死亡人数")
    assert deaths.direction == Direction.NEGATIVE


def test_a_realistic_mix_of_late_missing_returned_and_pending_reports(city):
    _data, plan, reports = city
    items = {item.code: item for item in plan.items}
    reporting = [a for a in plan.assignments if a.role != Role.COOPERATING]
    due = sum(len(due_periods(items[a.item_code], CAL, AS_OF)) for a in reporting)
    current = [r for r in reports if r.is_current]
    states = Counter(r.state for r in current)
    missing = 1 - len(current) / due
    assert 0.02 < missing < 0.12
    assert 0.03 < sum(r.late for r in current) / len(current) < 0.2
    assert states[ReportState.ACCEPTED] / len(current) > 0.85
    assert states[ReportState.SUBMITTED] > 0 and states[ReportState.RETURNED] > 0
    assert any(r.revision == 2 for r in reports)


def test_tasks_report_milestone_completions_some_late_and_some_open(city):
    _data, plan, reports = city
    milestones = {(m.item_code, m.position): m for m in plan.milestones}
    done = {}
    for report in reports:
        for position, on in report.completions:
            milestone = milestones[(report.item_code, position)]
            assert on < report.submitted_at.date() and report.value is None
            done[(report.item_code, report.unit_code, position)] = on > milestone.due_date
    late = sum(done.values())
    assert len(done) > 300 and 0.03 < late / len(done) < 0.4
    task_units = [(a.item_code, a.unit_code) for a in plan.assignments
                  if a.role != Role.COOPERATING and any(k[0] == a.item_code for k in milestones)]  # fmt: skip
    passed = sum(
        1 for item, unit in task_units for (code, pos), m in milestones.items()
        if code == item and m.due_date < AS_OF - dt.timedelta(days=30)
        and (item, unit, pos) not in done
    )  # fmt: skip
    assert passed > 0  # some milestones long past are still open


def test_expected_value_follows_the_worked_example():
    quarters = (Decimal(3000), Decimal(6500), Decimal(9500), Decimal(12000))
    value = expected_value(12000.0, quarters, Nature.CUMULATIVE, dt.date(2026, 4, 30))
    assert round(value, 1) == 4153.8
    assert expected_value(12000.0, None, Nature.CUMULATIVE, dt.date(2026, 12, 31)) == 12000
    assert expected_value(5.5, None, Nature.LEVEL, dt.date(2026, 4, 30)) == 5.5


def test_before_february_the_plan_is_a_draft_without_reports():
    _data, plan, reports = plan_and_reports("town", as_of=dt.date(2026, 1, 20))
    assert plan.plan.state == PlanState.DRAFT and plan.plan.issued_at is None
    assert reports == []


def test_a_province_city_is_decomposed_more_widely():
    _data, plan, _reports = plan_and_reports("province", city=3)
    assert plan.plan.owner_code == "C04"
    assert 2300 <= len(plan.assignments) <= 2900
