"""The demo plan of each city (盯着干) as plain rows: a pure function of (scale, seed, as-of).

Like `generator`, nothing here touches the database or the clock. Each city's plan is built
from `goals_catalogue.GOALS` with its own random stream (`ganchao-plan:{seed}:{city}`), separate
from the unit generator's, so that adding to the plan never changes unit codes or names.
Reports come from `goals_reports`.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata import goals_catalogue, goals_names, names
from ganchao.demodata.generator import Dataset, UnitRow
from ganchao.goals.choices import Direction, Frequency, ItemType, Nature, PlanState
from ganchao.goals.choices import Role as AssignmentRole
from ganchao.orgs.choices import Role as UserRole
from ganchao.orgs.choices import UnitType

TOWN_KINDS = {"@town": UnitType.TOWN, "@street": UnitType.STREET, "@park": UnitType.PARK}
# Level indicators in these units are rates or per-capita figures: not scaled by city size.
RATE_UNITS = frozenset({"%", "‰", "1/10万", "个工作日", "人", "件", "微克/立方米"})
STAGED_SHARES = ((0.2, 0.45, 0.72), (0.23, 0.5, 0.75), (0.17, 0.4, 0.68), (0.25, 0.5, 0.75))
LEVEL_STAGES = (0.55, 0.7, 0.85, 1.0)


@dataclass(frozen=True)
class Shape:
    """How widely a city's plan is decomposed. `extra_town_share`: the share of indicators not
    marked T that are decomposed to every town too; `task_towns`: (min, max) responsible towns
    of a task marked T, or None for every town; `keep_every`: keep every n-th catalogue row."""

    extra_town_share: float  # of the monthly ones
    task_towns: tuple[int, int] | None
    keep_every: int = 1


SHAPES = {
    "town": Shape(0.0, (1, 1), keep_every=4),
    "city": Shape(0.0, (2, 6)),
    "province": Shape(0.9, None),
}


@dataclass(frozen=True)
class PlanRow:
    owner_code: str
    year: int
    name: str
    state: str
    issued_at: dt.datetime | None


@dataclass(frozen=True)
class ItemRow:
    code: str
    parent_code: str | None
    name: str
    type: str
    category: str
    measure_unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    stretch_target: Decimal | None = None
    direction: str = Direction.POSITIVE
    nature: str = Nature.CUMULATIVE
    frequency: str = Frequency.MONTHLY
    quarters: tuple[Decimal, ...] | None = None
    deadline: dt.date | None = None
    data_source_code: str | None = None
    leader_keys: tuple[str, ...] = ()
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class MilestoneRow:
    item_code: str
    position: int
    due_date: dt.date
    description: str


@dataclass(frozen=True)
class AssignmentRow:
    item_code: str
    unit_code: str
    role: str
    target: Decimal | None = None
    quarters: tuple[Decimal, ...] | None = None
    weight: Decimal = Decimal(1)
    responsible_leader: str = ""
    responsible_person: str = ""
    contact: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class CityContext:
    """What a city's plan needs to know of the units, leaders and accounts of `Dataset`."""

    number: int
    code: str
    short: str
    departments: dict[str, str]  # slug → unit code
    towns: tuple[UnitRow, ...]
    leaders_by_unit: dict[str, tuple[str, ...]]
    liaisons: dict[str, str]  # unit code → username
    reviewers: tuple[str, ...]
    neighbors: tuple[str, ...]
    taken_names: frozenset[str]


@dataclass
class CityPlan:
    context: CityContext
    plan: PlanRow
    items: list[ItemRow] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)


def city_contexts(dataset: Dataset) -> list[CityContext]:
    """One context per city of the data set, in code order."""
    cities = [u for u in dataset.units if u.type == UnitType.CITY]
    children: dict[str, list[UnitRow]] = {}
    for unit in dataset.units:
        children.setdefault(unit.parent_code or "", []).append(unit)
    leaders_by_unit: dict[str, list[str]] = {}
    for area in dataset.areas:
        leaders_by_unit.setdefault(area.unit_code, []).append(area.leader_key)
    liaisons = {u.unit_code: u.username for u in dataset.users if UserRole.LIAISON in u.roles}
    offices: dict[str, list[str]] = {}
    for user in dataset.users:
        if UserRole.OFFICE in user.roles:
            offices.setdefault(user.unit_code[:3], []).append(user.username)
    taken = frozenset({u.full_name for u in dataset.users} | {x.name for x in dataset.leaders})
    shorts = [city.aliases[0] for city in cities]
    return [
        _context(city, number, children.get(city.code, []), leaders_by_unit, liaisons, offices,
                 shorts, taken)
        for number, city in enumerate(cities, start=1)
    ]  # fmt: skip


def _context(city, number, units, leaders_by_unit, liaisons, offices, shorts, taken):
    departments = {
        names.DEPARTMENTS[int(u.code[-2:]) - 1].slug: u.code
        for u in units
        if u.type == UnitType.DEPARTMENT
    }
    towns = tuple(u for u in units if u.type in TOWN_KINDS.values())
    own = {u.code for u in units}
    return CityContext(
        number=number,
        code=city.code,
        short=city.aliases[0],
        departments=departments,
        towns=towns,
        leaders_by_unit={k: tuple(v) for k, v in leaders_by_unit.items() if k in own},
        liaisons={k: v for k, v in liaisons.items() if k in own},
        reviewers=tuple(offices.get(city.code, ())),
        neighbors=tuple(s for s in shorts if s != city.aliases[0]) or ("云港",),
        taken_names=taken,
    )


def plan_year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def plan_row(context: CityContext, as_of: dt.date) -> PlanRow:
    """The as-of year's plan, issued on 1 February (still a draft before then)."""
    year = as_of.year
    issued = dt.datetime(year, 2, 1, 9, 0, tzinfo=SHANGHAI)
    state = PlanState.ISSUED if as_of >= issued.date() else PlanState.DRAFT
    return PlanRow(
        owner_code=context.code,
        year=year,
        name=f"{context.short}市{year}年高质量发展目标任务",
        state=state,
        issued_at=issued if state == PlanState.ISSUED else None,
    )


def build_city_plan(context: CityContext, scale: str, seed: int, as_of: dt.date) -> CityPlan:
    return PlanBuilder(context, SHAPES[scale], seed, as_of).build()


def decimal(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def places_for(unit: str, target: float) -> int:
    if unit in goals_names.INTEGER_UNITS:
        return 0
    return 2 if abs(target) < 10 else 1


class PlanBuilder:
    """One city's goal tree, milestones and assignments."""

    def __init__(self, context: CityContext, shape: Shape, seed: int, as_of: dt.date):
        self.ctx, self.shape, self.year = context, shape, as_of.year
        self.rng = random.Random(f"ganchao-plan:{seed}:{context.code}")
        self.size = self.rng.uniform(0.6, 1.5)
        self.town_weights = {t.code: self.rng.uniform(0.6, 1.6) for t in context.towns}
        self.city = CityPlan(context, plan_row(context, as_of))
        self.people: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str]] = {}
        self.taken = set(context.taken_names)

    def build(self) -> CityPlan:
        for g_number, goal in enumerate(goals_catalogue.GOALS, start=1):
            g_code = str(g_number)
            self.add_item(ItemRow(g_code, None, goal.name, ItemType.GOAL, goal.category))
            for s_number, sub in enumerate(goal.subgoals, start=1):
                code = f"{g_code}.{s_number}"
                self.add_item(ItemRow(code, g_code, sub.name, ItemType.GOAL, goal.category))
                self._leaves(code, sub, goal.category)
        return self.city

    def _leaves(self, parent: str, sub: goals_catalogue.SubGoal, category: str) -> None:
        every = self.shape.keep_every
        number = 0
        for index, spec in enumerate(sub.indicators):
            if index % every == 0:
                number += 1
                IndicatorBuilder(self, f"{parent}.{number}", parent, category, spec).build()
        tasks = list(sub.tasks) + [self._project() for _ in range(sub.projects)]
        for index, spec in enumerate(tasks):
            if index % every == 0:
                number += 1
                TaskBuilder(self, f"{parent}.{number}", parent, category, spec).build()

    def _project(self) -> goals_catalogue.TaskSpec:
        pattern, lead = self.rng.choice(goals_names.PROJECT_PATTERNS)
        return goals_catalogue.TaskSpec(pattern, lead, "P", False)

    # ---- shared helpers ---------------------------------------------------------------------

    def add_item(self, row: ItemRow) -> None:
        self.city.items.append(row)

    def unit_for(self, lead: str) -> str:
        """A lead written as a department slug or @town/@street/@park, as a unit code here."""
        if lead in self.ctx.departments:
            return self.ctx.departments[lead]
        kind = TOWN_KINDS.get(lead)
        fitting = [t for t in self.ctx.towns if t.type == kind] or list(self.ctx.towns)
        return self.rng.choice(fitting).code

    def unit_name(self, code: str) -> str:
        return next((t.name for t in self.ctx.towns if t.code == code), "")

    def leaders_of(self, unit_code: str) -> tuple[str, ...]:
        return self.ctx.leaders_by_unit.get(unit_code, ())

    def weight(self) -> Decimal:
        return Decimal(self.rng.choices((1, 2, 3), (70, 22, 8))[0])

    def towns_except(self, lead_code: str) -> list[UnitRow]:
        return [t for t in self.ctx.towns if t.code != lead_code]

    def cooperators(self, kind: str, exclude: set[str], count: int) -> list[str]:
        pool = [self.ctx.departments[s] for s in goals_names.COOPERATORS[kind]
                if s in self.ctx.departments and self.ctx.departments[s] not in exclude]  # fmt: skip
        return self.rng.sample(pool, min(count, len(pool)))

    def assignment(self, item_code, unit_code, role, target=None, quarters=None) -> None:
        leader, persons, contacts, phone = self._people(unit_code)
        self.city.assignments.append(
            AssignmentRow(
                item_code, unit_code, role, target, quarters, Decimal(1), leader,
                self.rng.choice(persons), self.rng.choice(contacts), phone,
            )
        )  # fmt: skip

    def _people(self, unit_code: str):
        """The unit's head, two deputies, two contacts and office phone, the same on every
        assignment of the unit."""
        if unit_code not in self.people:
            new = [names.person_name(self.rng, self.taken) for _ in range(5)]
            phone = f"0{900 + self.ctx.number}-{self.rng.randint(2000000, 8999999)}"
            self.people[unit_code] = (new[0], tuple(new[1:3]), tuple(new[3:5]), phone)
        return self.people[unit_code]

    def fill(self, text: str, lead_code: str) -> str:
        rng = self.rng
        return text.format(
            city=self.ctx.short,
            unit=self.unit_name(lead_code),
            industry=rng.choice(goals_names.INDUSTRIES),
            product=rng.choice(goals_names.PRODUCTS),
            place=rng.choice(names.TOWN_STEMS),
            neighbor=rng.choice(self.ctx.neighbors),
            n=rng.choice((3, 5, 6, 8, 10, 12, 15, 20, 30, 50)),
        )


class IndicatorBuilder:
    """One indicator: its values for this city, staged targets and assignments."""

    def __init__(self, plan: PlanBuilder, code, parent, category, spec):
        self.plan, self.rng, self.spec = plan, plan.rng, spec
        self.code, self.parent, self.category = code, parent, category
        scalable = spec.cumulative or spec.unit not in RATE_UNITS
        self.factor = plan.size * self.rng.uniform(0.9, 1.1) if scalable else 1.0
        self.jitter = 1.0 if scalable else self.rng.uniform(0.97, 1.03)
        self.places = places_for(spec.unit, spec.target * self.factor)
        self.town_codes: set[str] = set()

    def value(self, raw: float) -> float:
        value = raw * self.factor * self.jitter
        if self.spec.unit == "%" and raw <= 100:
            value = min(value, 100.0)
        return round(value, self.places)

    def build(self) -> None:
        spec, plan = self.spec, self.plan
        lead = plan.unit_for(spec.lead)
        target = self.value(spec.target)
        quarters = self._quarters(self.value(spec.baseline), target)
        source = plan.ctx.departments.get(spec.source)
        plan.add_item(
            ItemRow(
                self.code, self.parent, spec.name, ItemType.INDICATOR, self.category,
                spec.unit, decimal(self.value(spec.baseline), self.places),
                decimal(target, self.places), self._stretch(target),
                Direction.NEGATIVE if spec.negative else Direction.POSITIVE,
                Nature.CUMULATIVE if spec.cumulative else Nature.LEVEL,
                Frequency.QUARTERLY if spec.quarterly else Frequency.MONTHLY,
                self._decimals(quarters), dt.date(plan.year, 12, 31),
                source if source != lead else None, plan.leaders_of(lead), plan.weight(),
            )
        )  # fmt: skip
        plan.assignment(self.code, lead, AssignmentRole.LEAD, decimal(target, self.places))
        self._towns(lead, target, quarters)
        self._cooperating(lead, source)

    def _stretch(self, target: float) -> Decimal | None:
        """力争值: from the catalogue, or 5 % above the target for some cumulative ones; none
        when rounding leaves it no higher than the target."""
        stretch = None
        if self.spec.stretch is not None:
            stretch = self.value(self.spec.stretch)
        elif self.spec.cumulative and not self.spec.negative and self.rng.random() < 0.15:
            stretch = target * 1.05
        if stretch is None or round(stretch, self.places) <= target:
            return None
        return decimal(stretch, self.places)

    def _quarters(self, baseline: float, target: float) -> list[float] | None:
        spec = self.spec
        if spec.cumulative and self.rng.random() < 0.8:
            shares = self.rng.choice(STAGED_SHARES) if not spec.negative else (0.25, 0.5, 0.75)
            return [round(target * s, self.places) for s in shares] + [target]
        if not spec.cumulative and spec.staged_level:
            return [round(baseline + (target - baseline) * s, self.places) for s in LEVEL_STAGES]
        return None

    def _decimals(self, values) -> tuple[Decimal, ...] | None:
        return None if values is None else tuple(decimal(v, self.places) for v in values)

    def _towns(self, lead: str, target: float, quarters) -> None:
        plan = self.plan
        extra = not self.spec.quarterly and self.rng.random() < plan.shape.extra_town_share
        wide = self.spec.to_towns or extra
        towns = plan.towns_except(lead)
        if not wide or len(towns) != len(plan.ctx.towns):
            return  # a town-led indicator is not decomposed to the other towns
        self.town_codes = {t.code for t in towns}
        if self.spec.cumulative:
            targets = self._split(target, towns)
        else:
            targets = [self._near(target) for _ in towns]
        for town, own in zip(towns, targets, strict=True):
            own_quarters = None
            if quarters:
                own_quarters = self._decimals(self._scaled(quarters, target, own))
            plan.assignment(self.code, town.code, AssignmentRole.RESPONSIBLE,
                            decimal(own, self.places), own_quarters)  # fmt: skip

    def _split(self, target: float, towns) -> list[float]:
        """Town targets proportional to the towns' weights, summing to a little over the
        item's target (层层分解 usually adds a margin)."""
        if target == 0:
            return [0.0] * len(towns)
        weights = [self.plan.town_weights[t.code] * self.rng.uniform(0.7, 1.3) for t in towns]
        total = sum(weights) / (target * self.rng.uniform(1.0, 1.04))
        floor = 1 if self.places == 0 and not self.spec.negative and target > 0 else 0
        return [max(round(w / total, self.places), floor) for w in weights]

    def _near(self, target: float) -> float:
        step = max(abs(target) * 0.03, 10**-self.places)
        value = target + self.rng.choice((-1, 0, 0, 1)) * step
        if self.spec.unit == "%" and target <= 100:
            value = min(value, 100.0)
        return round(value, self.places)

    def _scaled(self, quarters: list[float], target: float, own: float) -> list[float]:
        if self.spec.cumulative:
            ratio = own / target if target else 0
            staged = [round(q * ratio, self.places) for q in quarters[:3]]
            return [*staged, own]
        return [round(q + own - target, self.places) for q in quarters]

    def _cooperating(self, lead: str, source: str | None) -> None:
        exclude = {lead} | self.town_codes
        chosen = []
        if source and source not in exclude and self.rng.random() < 0.5:
            chosen.append(source)
        if self.rng.random() < 0.3:
            chosen += self.plan.cooperators("W", exclude | set(chosen), 1)
        for unit in chosen:
            self.plan.assignment(self.code, unit, AssignmentRole.COOPERATING)


class TaskBuilder:
    """One task: its milestones and assignments."""

    def __init__(self, plan: PlanBuilder, code, parent, category, spec):
        self.plan, self.rng, self.spec = plan, plan.rng, spec
        self.code, self.parent, self.category = code, parent, category

    def build(self) -> None:
        plan, spec = self.plan, self.spec
        lead = plan.unit_for(spec.lead)
        milestones = self._milestones()
        frequency = Frequency.QUARTERLY if self.rng.random() < 0.1 else Frequency.MONTHLY
        plan.add_item(
            ItemRow(
                self.code, self.parent, plan.fill(spec.name, lead), ItemType.TASK, self.category,
                frequency=frequency, deadline=milestones[-1].due_date,
                leader_keys=plan.leaders_of(lead), weight=plan.weight(),
            )
        )  # fmt: skip
        plan.city.milestones.extend(milestones)
        plan.assignment(self.code, lead, AssignmentRole.LEAD)
        taken = {lead}
        for town in self._towns(lead):
            plan.assignment(self.code, town, AssignmentRole.RESPONSIBLE)
            taken.add(town)
        count = self.rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]
        for unit in plan.cooperators(spec.kind, taken, count):
            plan.assignment(self.code, unit, AssignmentRole.COOPERATING)

    def _towns(self, lead: str) -> list[str]:
        if not self.spec.to_towns:
            return []
        towns = [t.code for t in self.plan.towns_except(lead)]
        span = self.plan.shape.task_towns
        if span is None:
            return towns
        return sorted(self.rng.sample(towns, min(self.rng.randint(*span), len(towns))))

    def _milestones(self) -> list[MilestoneRow]:
        steps = {"P": goals_names.PROJECT_MILESTONES, "W": goals_names.WORK_MILESTONES,
                 "C": goals_names.COUNTED_MILESTONES}[self.spec.kind]  # fmt: skip
        count = self.rng.randint(2, min(5, len(steps)))
        chosen = sorted(self.rng.sample(range(len(steps) - 1), count - 1))
        if self.spec.kind != "P" or self.rng.random() < 0.6:
            chosen.append(len(steps) - 1)  # most finish this year; some projects run on
        else:
            chosen = sorted(self.rng.sample(range(len(steps) - 1), count))
        dates = self._dates(chosen)
        return [
            MilestoneRow(self.code, position, day, steps[step])
            for position, (day, step) in enumerate(zip(dates, chosen, strict=True), start=1)
        ]

    def _dates(self, steps: list[int]) -> list[dt.date]:
        """Work steps fall on their fixed dates (一季度 on 31 March); projects and counted
        construction on increasing month ends or mid-month days."""
        year, count = self.plan.year, len(steps)
        if self.spec.kind == "W":
            return [dt.date(year, *goals_names.WORK_DATES[step]) for step in steps]
        last = self.rng.choice((12, 12, 12, 11, 10))
        months = sorted(self.rng.sample(range(2, last), count - 1)) + [last]
        return [self._day(year, month) for month in months]

    def _day(self, year: int, month: int) -> dt.date:
        day = self.rng.choice((0, 0, 0, 15, 20, 25))
        if day:
            return dt.date(year, month, day)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
