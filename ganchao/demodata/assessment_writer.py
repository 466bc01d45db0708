"""Writing the demo assessment (比着干): schemes per unit category, bonus / deduction / veto
items, manual scores, and published results of every quarter of the demo year whose cut-off
has passed by the as-of date, through bulk inserts with explicit ids.

Called by `services.demo_seed` inside its transaction, last: the scores read the plans, reports
and ladder events written before. Every published snapshot is what `selectors.draft_results`
computes at that moment (the real engine, never a copy of it), so the league table has rank
changes and trends across the quarters. A pure function of (scale, seed, as-of).
"""

import datetime as dt
import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from ganchao.assessment import selectors
from ganchao.assessment.choices import AppealState, ItemKind, PeriodType
from ganchao.assessment.models import (
    Appeal,
    Benchmark,
    Component,
    ManualScore,
    PublicRelease,
    Result,
    Scheme,
    ScoreItem,
)
from ganchao.assessment.periods import AssessmentPeriod, parse
from ganchao.assessment.snapshot import differences, standings
from ganchao.common import workdays
from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata.generator import CATEGORY_DEPARTMENT, CATEGORY_TOWN, CATEGORY_VILLAGE
from ganchao.goals.choices import Direction, ItemType, Nature, PlanState
from ganchao.goals.models import Item
from ganchao.orgs.choices import Role
from ganchao.orgs.models import RoleGrant, Unit, UnitCategory

ASSESSMENT_MODELS = (
    Scheme, Component, ScoreItem, ManualScore, Result, Appeal, Benchmark, PublicRelease,
)  # fmt: skip
ASSESSMENT_COUNT_KEYS = (
    "schemes", "score_items", "manual_scores", "results", "appeals", "benchmarks",
)  # fmt: skip
BATCH = 2000


@dataclass(frozen=True)
class SchemeSpec:
    code: str
    name: str
    category: str
    period_type: str
    components: tuple[tuple, ...]  # (code, name, kind, points, method, floor)
    excellent_share: Decimal | None = None


SHARE = Decimal("0.3")  # at most 30% 优秀
SCHEMES = (
    SchemeSpec("TOWN-Q", "乡镇（街道）季度综合考核", CATEGORY_TOWN, PeriodType.QUARTER, (
        ("IND", "指标完成", "indicators", 50, "ratio", 0),
        ("MS", "节点完成", "milestones", 25, "ratio", 0),
        ("SUP", "督办情况", "supervision", 15, "ratio", 0),
        ("SAT", "群众满意度", "manual", 10, "ratio", 0),
    ), excellent_share=SHARE),
    SchemeSpec("DEPT-Q", "市直部门季度综合考核", CATEGORY_DEPARTMENT, PeriodType.QUARTER, (
        ("IND", "指标完成", "indicators", 40, "linear_floor", Decimal("0.6")),
        ("MS", "节点完成", "milestones", 30, "ratio", 0),
        ("SUP", "督办情况", "supervision", 20, "ratio", 0),
        ("EVAL", "领导评议", "manual", 10, "ratio", 0),
    ), excellent_share=SHARE),
    SchemeSpec("VILLAGE-Y", "村（社区）年度综合考核", CATEGORY_VILLAGE, PeriodType.YEAR, (
        ("IND", "指标完成", "indicators", 40, "ratio", 0),
        ("MS", "节点完成", "milestones", 20, "ratio", 0),
        ("SUP", "督办情况", "supervision", 20, "ratio", 0),
        ("SAT", "群众满意度", "manual", 20, "ratio", 0),
    ), excellent_share=SHARE),
)  # fmt: skip
BONUS_REASONS = ("获省级表彰", "工作经验被省委省政府推广", "争取上级资金超额完成", "获国家级试点")
DEDUCTION_REASONS = ("信息报送迟报漏报", "重点工作被市领导点名批评", "环保督察问题整改滞后",
                     "安全生产检查发现重大隐患")  # fmt: skip
VETO_REASON = "发生较大安全生产责任事故"


@dataclass
class AssessmentWritten:
    counts: Counter = field(default_factory=Counter)
    periods: dict[str, list[str]] = field(default_factory=dict)  # published, per scheme code
    digest: str = ""


class Ids:
    def __init__(self):
        self.next = {m: (m.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
                     for m in ASSESSMENT_MODELS}  # fmt: skip

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def write_assessment(seed: int, as_of: dt.date) -> AssessmentWritten:
    """Every scheme with its inputs, and the results of the periods closed by `as_of`."""
    ids, written, digest = Ids(), AssessmentWritten(), hashlib.sha256()
    categories = dict(UnitCategory.objects.values_list("code", "id"))
    publisher = _office_user()
    for spec in SCHEMES:
        if spec.category not in categories:
            continue
        scheme = _scheme(spec, categories[spec.category], ids)
        _exclude_the_office(scheme)
        units = [unit.pk for unit in selectors.category_units(scheme)]
        rng = random.Random(f"{seed}-assessment-{spec.code}")
        closed, current = _periods(scheme, as_of)
        for period in closed:
            _inputs(scheme, period, units, rng, ids, written.counts, final=True)
            _publish(scheme, period, publisher, ids, written.counts, digest)
        if current is not None:
            _inputs(scheme, current, units, rng, ids, written.counts, final=False)
        written.periods[scheme.code] = [p.code for p in closed]
        written.counts["schemes"] += 1
        if closed:
            _appeals(scheme, closed[-1], rng, ids, written.counts, digest)
            _release(scheme, closed[-1], publisher, ids, written.counts)
    _benchmarks(as_of.year, random.Random(f"{seed}-benchmarks"), ids, written.counts)
    written.digest = digest.hexdigest()
    return written


def _office_user() -> int | None:
    grant = RoleGrant.objects.filter(role=Role.OFFICE).order_by("user_id").first()
    return grant.user_id if grant else None


def _scheme(spec: SchemeSpec, category_id: int, ids: Ids) -> Scheme:
    scheme = Scheme(
        id=ids.take(Scheme), code=spec.code, name=spec.name, category_id=category_id,
        period_type=spec.period_type, excellent_share=spec.excellent_share,
    )  # fmt: skip
    Scheme.objects.bulk_create([scheme])
    Component.objects.bulk_create(
        [
            Component(
                id=ids.take(Component), scheme=scheme, code=code, name=name, kind=kind,
                points=Decimal(points), method=method, floor=Decimal(floor), position=position,
            )
            for position, (code, name, kind, points, method, floor) in enumerate(spec.components)
        ]
    )  # fmt: skip
    return scheme


def _exclude_the_office(scheme: Scheme) -> None:
    """The assessing office (市委督查室, the unit of the office's users) does not take part in
    the scheme of its own category (DESIGN.md 3.10: a scheme names its participants)."""
    office_units = Unit.objects.filter(
        category_id=scheme.category_id,
        users__role_grants__role=Role.OFFICE,
    ).distinct()
    scheme.excluded_units.set(office_units)


def _periods(scheme: Scheme, as_of: dt.date):
    """(periods of the as-of year whose cut-off has passed, the period containing as-of)."""
    year = as_of.year
    if scheme.period_type == PeriodType.QUARTER:
        codes = [f"{year}-Q{n}" for n in range(1, 5)]
    elif scheme.period_type == PeriodType.MONTH:
        codes = [f"{year}-{n:02d}" for n in range(1, 13)]
    else:
        codes = [str(year)]
    spans = [parse(code, scheme.period_type) for code in codes]
    closed = [s for s in spans if selectors.default_cutoff(s) <= as_of]
    current = next((s for s in spans if s.start <= as_of <= s.end), None)
    return closed, current


def _inputs(scheme, period: AssessmentPeriod, units, rng, ids, counts, *, final: bool) -> None:
    """Manual scores for every unit of a closed period; a few items (approved when final,
    pending in the running period); one veto in the scheme's first closed quarter."""
    if not units:
        return
    items = _items(scheme, period, units, rng, ids, final)
    if final and scheme.period_type == PeriodType.QUARTER and period.code.endswith("Q1"):
        items.append(_item(ids, scheme, period, rng.choice(units), ItemKind.VETO, 0, VETO_REASON))
    ScoreItem.objects.bulk_create(items, batch_size=BATCH)
    counts["score_items"] += len(items)
    if final:
        scores = _manual(scheme, period, units, rng, ids)
        ManualScore.objects.bulk_create(scores, batch_size=BATCH)
        counts["manual_scores"] += len(scores)


def _items(scheme, period, units, rng, ids, final: bool) -> list[ScoreItem]:
    count = max(1, min(3, len(units) // 5))
    rows = []
    for unit in rng.sample(units, min(count, len(units))):
        points = Decimal(rng.choice((1, 1, 2, 3)))
        rows.append(_item(ids, scheme, period, unit, ItemKind.BONUS, points,
                          rng.choice(BONUS_REASONS), final))  # fmt: skip
    for unit in rng.sample(units, min(count, len(units))):
        points = Decimal(rng.choice(("0.5", "1", "2")))
        rows.append(_item(ids, scheme, period, unit, ItemKind.DEDUCTION, points,
                          rng.choice(DEDUCTION_REASONS), final))  # fmt: skip
    return rows


def _item(ids, scheme, period, unit_id, kind, points, reason, approved=True) -> ScoreItem:
    return ScoreItem(
        id=ids.take(ScoreItem), scheme_code=scheme.code, period=period.code, unit_id=unit_id,
        kind=kind, points=points, reason=reason, approved=approved,
    )  # fmt: skip


def _manual(scheme, period, units, rng, ids) -> list[ManualScore]:
    rows = []
    for component in scheme.components.all():
        if component.kind != "manual":
            continue
        for unit in units:
            share = Decimal(rng.randint(70, 100)) / 100
            rows.append(
                ManualScore(
                    id=ids.take(ManualScore), scheme_code=scheme.code,
                    component_code=component.code, period=period.code, unit_id=unit,
                    score=(component.points * share).quantize(Decimal("0.1")),
                )
            )  # fmt: skip
    return rows


def _publish(scheme, period, publisher, ids, counts, digest) -> None:
    draft = selectors.draft_outcome(scheme, period)
    rows, cutoff = draft.rows, draft.cutoff
    at = dt.datetime.combine(cutoff, dt.time(16, 0), tzinfo=SHANGHAI)
    Result.objects.bulk_create(
        [
            Result(
                id=ids.take(Result), scheme=scheme, scheme_code=scheme.code,
                scheme_version=scheme.scheme_version, period=period.code, result_revision=1,
                cutoff=cutoff, published_at=at, published_by_id=publisher, snapshot=rows,
                standings=standings(rows), unassessed=draft.unassessed, differences=[],
            )
        ]
    )  # fmt: skip
    digest.update(json.dumps([scheme.code, period.code, rows], ensure_ascii=False).encode())
    counts["results"] += 1


def summary_lines(written: AssessmentWritten) -> list[str]:
    """The assessment's line of the seed summary (比着干), for `console.seed_summary`."""
    c = written.counts
    if not c["schemes"]:
        return []
    published = "、".join(f"{code} {'/'.join(periods)}" for code, periods in written.periods.items()
                          if periods) or "无"  # fmt: skip
    return [
        f"  考核方案 {c['schemes']} 个，加减分及否决事项 {c['score_items']} 条，"
        f"评议得分 {c['manual_scores']} 个；已发布结果 {c['results']} 个版本（{published}）",
        f"  考核申诉 {c['appeals']} 件，对标值 {c['benchmarks']} 个，公开发布 {c['releases']} 期",
    ]


# ---- appeals and benchmarks ----------------------------------------------------------------

MANUAL_REASON = "评议得分与本单位实际工作成效不符，附工作台账，申请复核"
APPEAL_REASONS = {
    "MS": "节点已按期完成，佐证材料报送延迟，申请按按时完成计分",
    "SUP": "该催办系数据报送系统故障所致，已书面说明，申请不予扣分",
    "IND": "统计口径调整后本单位实际完成值应为更正后的数据",
}


def _liaisons(unit_ids) -> dict[int, int]:
    rows = RoleGrant.objects.filter(role=Role.LIAISON, user__unit_id__in=unit_ids)
    result: dict[int, int] = {}
    for unit_id, user_id in rows.order_by("user_id").values_list("user__unit_id", "user_id"):
        result.setdefault(unit_id, user_id)
    return result


def _appeals(scheme, period, rng, ids, counts, digest) -> None:
    """On the scheme's last published period: an appeal accepted (it made result revision 2),
    one rejected and one still waiting on the office's desk, from units with a liaison."""
    result = Result.objects.get(scheme_code=scheme.code, period=period.code, result_revision=1)
    codes = dict(
        Unit.objects.filter(code__in=[r["unit_code"] for r in result.snapshot]).values_list(
            "code", "id"
        )
    )
    liaisons = _liaisons(list(codes.values()))
    shortfalls = [
        (row, c["code"]) for row in result.snapshot if liaisons.get(codes[row["unit_code"]])
        for c in row["components"] if c["score"] != c["points"]
    ]  # fmt: skip
    rng.shuffle(shortfalls)
    picked, taken = [], set()
    for row, component in shortfalls:  # accepted, rejected, waiting: three different units
        if row["unit_code"] not in taken and len(picked) < 3:
            taken.add(row["unit_code"])
            picked.append((row, component))
    if len(picked) < 3:
        return
    opened = timezone_at(workdays.add_working_days(result.published_at.date(), 2), 10)
    decided = timezone_at(workdays.add_working_days(result.published_at.date(), 4), 15)
    appeals = []
    states = (AppealState.ACCEPTED, AppealState.REJECTED, AppealState.SUBMITTED)
    for (row, component), state in zip(picked, states, strict=True):
        part = next(c for c in row["components"] if c["code"] == component)
        original, points = Decimal(part["score"]), Decimal(part["points"])
        accepted = state == AppealState.ACCEPTED
        appeals.append(Appeal(
            id=ids.take(Appeal), scheme_code=scheme.code, period=period.code, result=result,
            unit_id=codes[row["unit_code"]], component_code=component,
            component_name=part["name"], original_score=original,
            requested_score=points, reason=APPEAL_REASONS.get(component, MANUAL_REASON), state=state,
            submitted_by_id=liaisons[codes[row["unit_code"]]], submitted_at=opened,
            adjusted_score=min(points, original + (points - original) / 2).quantize(Decimal("0.01"))
            if accepted else None,
            decision={AppealState.ACCEPTED: "经核实，佐证材料齐全，部分采纳",
                      AppealState.REJECTED: "经核实，原计分依据充分，不予采纳"}.get(state, ""),
            decided_by_id=result.published_by_id if state != AppealState.SUBMITTED else None,
            decided_at=decided if state != AppealState.SUBMITTED else None,
            revision_made=2 if accepted else None,
        ))  # fmt: skip
    Appeal.objects.bulk_create(appeals)
    counts["appeals"] += len(appeals)
    after = selectors.draft_outcome(scheme, period, result.cutoff)
    rows_after = after.rows
    Result.objects.bulk_create([Result(
        id=ids.take(Result), scheme=scheme, scheme_code=scheme.code,
        scheme_version=scheme.scheme_version, period=period.code, result_revision=2,
        cutoff=result.cutoff, published_at=decided, published_by_id=result.published_by_id,
        snapshot=rows_after, standings=standings(rows_after), unassessed=after.unassessed,
        differences=differences(result.snapshot, rows_after),
    )])  # fmt: skip
    counts["results"] += 1
    digest.update(
        json.dumps([scheme.code, period.code, 2, rows_after], ensure_ascii=False).encode()
    )


def _release(scheme, period, publisher, ids, counts) -> None:
    """The office has shown the scheme's last published quarter on the public ranking page."""
    if publisher is None:
        return
    latest = Result.objects.filter(scheme_code=scheme.code, period=period.code).latest(
        "result_revision"
    )
    PublicRelease.objects.bulk_create([PublicRelease(
        id=ids.take(PublicRelease), scheme_code=scheme.code, period=period.code,
        released_at=latest.published_at + dt.timedelta(days=1), released_by_id=publisher,
    )])  # fmt: skip
    counts["releases"] += 1


def timezone_at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=SHANGHAI)


BENCHMARK_REGIONS = (
    ("苏州市", "《2025年苏州市国民经济和社会发展统计公报》"),
    ("宁波市", "《2025年宁波市国民经济和社会发展统计公报》"),
    ("无锡市", "《2025年无锡市国民经济和社会发展统计公报》"),
    ("嘉兴市", "嘉兴市统计局年度数据发布"),
    ("全省最优", "省统计局设区市主要指标排位"),
)


def _benchmarks(year: int, rng, ids, counts) -> None:
    """First-class values for up to eight of the year's issued indicators with a target."""
    items = list(
        Item.objects.filter(type=ItemType.INDICATOR, plan__year=year, target__isnull=False)
        .exclude(plan__state=PlanState.DRAFT)
        .order_by("-nature", "sort_key")
        .values_list("id", "target", "direction", "nature", "measure_unit")[:8]
    )
    rows = []
    for item_id, target, direction, nature, measure in items:
        region, source = rng.choice(BENCHMARK_REGIONS)
        factor = Decimal(rng.randint(108, 140)) / 100
        if direction == Direction.NEGATIVE:
            factor = Decimal(rng.randint(65, 92)) / 100
        scope = "年度累计值" if nature == Nature.CUMULATIVE else "年末水平值"
        rows.append(Benchmark(
            id=ids.take(Benchmark), item_id=item_id, region=region,
            value=(Decimal(target) * factor).quantize(Decimal("0.01")), year=year - 1,
            source=source, definition=f"{scope}，计量单位{measure or '—'}，与本市统计口径一致",
        ))  # fmt: skip
    Benchmark.objects.bulk_create(rows)
    counts["benchmarks"] += len(rows)
