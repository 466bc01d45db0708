"""Read-side selectors of 比着干: the league table with rank changes and rank trends, one unit's
scorecard row, and the public ranking. Plain dicts only (public templates never see a model),
in a fixed number of queries whatever the number of units or periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, F, JSONField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.assessment import permissions, selectors
from ganchao.assessment.choices import PeriodType
from ganchao.assessment.models import PublicRelease, Result, Scheme
from ganchao.assessment.periods import AssessmentPeriod
from ganchao.common.errors import NotFound
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

TREND_PERIODS = 8
GRADE_TONES = {"优秀": "green", "良好": "blue", "合格": "yellow", "不合格": "red"}
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 28, 4


def period_code_of(day: dt.date, period_type: str) -> str:
    """The code of the period containing `day` (2026, 2026-Q2 or 2026-05)."""
    if period_type == PeriodType.YEAR:
        return str(day.year)
    if period_type == PeriodType.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def readable_codes(actor, codes) -> set[str]:
    """The unit codes whose breakdown the actor may open (one query, none for the office)."""
    if permissions.sees_drafts(actor):
        return set(codes)
    scope = scope_of(actor)
    paths = Unit.objects.filter(code__in=list(codes)).values_list("code", "path")
    return {code for code, path in paths if scope.covers_path(path)}


def scheme_choices() -> list[dict]:
    """The latest version of every scheme code, for the selector (one query)."""
    seen: dict[str, dict] = {}
    for scheme in Scheme.objects.select_related("category").order_by("code", "-scheme_version"):
        if scheme.code not in seen:
            seen[scheme.code] = {
                "code": scheme.code,
                "name": scheme.name,
                "category": scheme.category.name,
                "period_type": scheme.period_type,
            }
    return list(seen.values())


def latest_published(actor=None) -> tuple[str, str] | None:
    """(scheme code, period) of the most recently published result, the league's default:
    for a unit's own users, of their unit's category when it has one."""
    results = Result.objects.order_by("-published_at", "-id")
    category = getattr(getattr(actor, "unit", None), "category_id", None)
    if category is not None and not permissions.sees_drafts(actor):
        own = results.filter(scheme__category_id=category).values_list("scheme_code", "period")
        if own.exists():
            return own.first()
    return results.values_list("scheme_code", "period").first()


def published_index(scheme_code: str) -> dict[str, int]:
    """{period: id of its latest published revision} for the scheme code, periods ascending."""
    latest: dict[str, tuple[int, int]] = {}
    for pk, period, revision in Result.objects.filter(scheme_code=scheme_code).values_list(
        "id", "period", "result_revision"
    ):
        if period not in latest or revision > latest[period][1]:
            latest[period] = (pk, revision)
    return {period: latest[period][0] for period in sorted(latest)}


def _results(ids, full_id: int | None) -> dict[str, dict]:
    """The revisions by period in one query: every one's standings, and the whole snapshot only
    of `full_id` (the period shown) — earlier periods' breakdowns are never read."""
    fields = ("id", "period", "result_revision", "scheme_id", "scheme_version")

    def only_shown(name: str):
        return Case(
            When(pk=full_id, then=F(name)),
            default=Value(None, output_field=JSONField()),
            output_field=JSONField(),
        )

    rows = (
        Result.objects.filter(pk__in=ids)
        .annotate(full=only_shown("snapshot"), unranked=only_shown("unassessed"))
        .values(*fields, "published_at", "cutoff", "standings", "full", "unranked")
    )
    return {row["period"]: row for row in rows}


@dataclass
class Standing:
    """The rows of one scheme period (published or draft) and the ranks of earlier periods."""

    scheme: Scheme
    period: AssessmentPeriod
    rows: list[dict]
    draft: bool
    result: dict | None  # the published revision shown: id, revision, dates, scheme id
    cutoff: dt.date
    published: list[str] = field(default_factory=list)  # every published period, ascending
    earlier: list[str] = field(default_factory=list)  # trend periods before this one
    earlier_rows: dict[str, list[dict]] = field(default_factory=dict)
    unassessed: list[dict] = field(default_factory=list)  # 本期无考核内容: not ranked

    @property
    def previous(self) -> str | None:
        return self.earlier[-1] if self.earlier else None

    @property
    def running(self) -> bool:
        """The period has not ended: not-yet-due milestones and unentered scores count 0."""
        return self.period.end >= timezone.localdate()


def standing(scheme: Scheme, period: AssessmentPeriod, *, draft: bool) -> Standing:
    """The period's rows (latest published revision, or the draft computed now) with up to
    TREND_PERIODS − 1 earlier published periods for rank change and trend."""
    index = published_index(scheme.code)
    earlier = [p for p in index if p < period.code][-(TREND_PERIODS - 1) :]
    wanted = earlier + ([] if draft else [period.code])
    results = _results([index[p] for p in wanted if p in index], index.get(period.code))
    if draft:
        outcome = selectors.draft_outcome(scheme, period)
        rows, unranked, cutoff = outcome.rows, outcome.unassessed, outcome.cutoff
        current = None
    else:
        current = results.get(period.code)
        if current is None:
            raise NotFound(_("该期间尚无已发布的考核结果"))
        rows, cutoff = current.pop("full"), current["cutoff"]
        unranked = current.pop("unranked") or []
    return Standing(
        scheme,
        period,
        rows,
        draft,
        current,
        cutoff,
        list(index),
        earlier,
        {p: results[p]["standings"] for p in earlier},
        unranked,
    )


# ---- rank change and trend -----------------------------------------------------------------


def rank_change(rank: int, before: int | None, has_previous: bool) -> dict:
    """↑2 / ↓1 / — / 新, with words for screen readers."""
    if not has_previous or before is None:
        return {"kind": "new", "text": _("新"), "label": _("上期未参加排名")}
    if before == rank:
        return {"kind": "same", "text": "—", "label": _("排名与上期相同")}
    if before > rank:
        up = before - rank
        return {"kind": "up", "text": f"↑{up}", "label": _("较上期上升%(n)d位") % {"n": up}}
    down = rank - before
    return {"kind": "down", "text": f"↓{down}", "label": _("较上期下降%(n)d位") % {"n": down}}


def sparkline(ranks: list[int | None], worst: int) -> dict:
    """An inline SVG polyline of ranks (1 at the top) with a spoken description."""
    width = SPARK_WIDTH - 2 * SPARK_PAD
    height = SPARK_HEIGHT - 2 * SPARK_PAD
    step = width / max(len(ranks) - 1, 1)
    scale = height / max(worst - 1, 1)
    points = [
        (round(SPARK_PAD + i * step, 1), round(SPARK_PAD + (r - 1) * scale, 1))
        for i, r in enumerate(ranks)
        if r is not None
    ]
    shown = "、".join(str(r) if r is not None else "—" for r in ranks)
    return {
        "points": " ".join(f"{x},{y}" for x, y in points),
        "last": points[-1] if points else None,
        "label": _("近%(n)d期排名：%(ranks)s") % {"n": len(ranks), "ranks": shown},
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
    }


def toned(rows: list[dict]) -> list[dict]:
    """Rows with the tone of their grade's badge (the word is always shown too)."""
    return [{**row, "tone": GRADE_TONES.get(row["grade"], "grey")} for row in rows]


def _ranks_by_period(data: Standing) -> dict[str, dict[str, dict]]:
    return {p: {row["unit_code"]: row for row in data.earlier_rows[p]} for p in data.earlier}


def _worst_rank(data: Standing) -> int:
    ranks = [row["rank"] for row in data.rows]
    for rows in data.earlier_rows.values():
        ranks += [row["rank"] for row in rows]
    return max(ranks, default=1)


def matching(data: Standing, search: str) -> list[dict]:
    """The standing's rows whose unit name or code contains `search` (all when empty)."""
    if not search:
        return data.rows
    return [row for row in data.rows if search in row["unit"] or search in row["unit_code"]]


def league_rows(data: Standing, selected: list[dict] | None = None) -> list[dict]:
    """One plain row per unit of `selected` (default: all): standing, change against the
    previous published period, the rank trend (sparkline) and each component's score."""
    before = _ranks_by_period(data)
    worst = _worst_rank(data)
    previous = before.get(data.previous, {}) if data.previous else {}
    rows = []
    for row in data.rows if selected is None else selected:
        code = row["unit_code"]
        trend = [before[p].get(code, {}).get("rank") for p in data.earlier] + [row["rank"]]
        old = previous.get(code)
        rows.append(
            {
                "unit_code": code,
                "unit": row["unit"],
                "rank": row["rank"],
                "total": row["total"],
                "grade": row["grade"],
                "tone": GRADE_TONES.get(row["grade"], "grey"),
                "veto": row["veto"],
                "gap": row["gap"],
                "change": rank_change(row["rank"], old and old["rank"], bool(data.previous)),
                "spark": sparkline(trend, worst),
                "scores": [c["score"] for c in row["components"]],
                "bonus": row["bonus"],
                "deduction": row["deduction"],
            }
        )
    return rows


def component_heads(data: Standing) -> list[dict]:
    first = data.rows[0]["components"] if data.rows else []
    return [{"code": c["code"], "name": c["name"], "points": c["points"]} for c in first]


def unit_trend(data: Standing, unit_code: str) -> list[dict]:
    """The unit's rank and total in each trend period, this one last."""
    before = _ranks_by_period(data)
    trend = []
    for period in data.earlier:
        row = before[period].get(unit_code)
        if row is not None:
            trend.append({"period": period, "rank": row["rank"], "total": row["total"]})
    row = unit_row(data, unit_code)
    if row["rank"] is not None:
        trend.append({"period": data.period.code, "rank": row["rank"], "total": row["total"]})
    return trend


def unit_row(data: Standing, unit_code: str) -> dict:
    """The unit's row: ranked, or (with rank None) one of the units with nothing to assess."""
    for row in data.rows:
        if row["unit_code"] == unit_code:
            return row
    for row in data.unassessed:
        if row["unit_code"] == unit_code:
            return {**row, "rank": None, "total": "", "grade": "", "gap": ""}
    raise NotFound(_("该单位不在本期考核结果中"))


def unassessed_names(data: Standing) -> list[dict]:
    """The units with nothing to assess, listed under the league table (code and name)."""
    return [{"unit_code": r["unit_code"], "unit": r["unit"]} for r in data.unassessed]


# ---- public ranking ------------------------------------------------------------------------


def public_releases() -> list[dict]:
    """Released, not withdrawn scheme periods that have a published result, newest first."""
    releases = list(
        PublicRelease.objects.filter(withdrawn_at__isnull=True)
        .order_by("-period", "scheme_code")
        .values("scheme_code", "period", "released_at")
    )
    names = {c["code"]: c for c in scheme_choices()}
    return [
        {
            **r,
            "name": names[r["scheme_code"]]["name"],
            "category": names[r["scheme_code"]]["category"],
        }
        for r in releases
        if r["scheme_code"] in names
    ]


def public_ranking(scheme_code: str, period_code: str) -> dict:
    """Rank, unit, total and grade only, for a released and not withdrawn period."""
    released = PublicRelease.objects.filter(
        scheme_code=scheme_code, period=period_code, withdrawn_at__isnull=True
    ).exists()
    result = selectors.latest_result(scheme_code, period_code) if released else None
    if result is None:
        raise NotFound(_("该考核结果未公开"))
    scheme = result.scheme
    rows = [
        {
            "rank": row["rank"],
            "unit": row["unit"],
            "total": row["total"],
            "grade": row["grade"],
            "tone": GRADE_TONES.get(row["grade"], "grey"),
        }
        for row in sorted(result.snapshot, key=lambda r: (r["rank"], r["unit_code"]))
    ]
    return {
        "scheme_name": scheme.name,
        "scheme_code": scheme_code,
        "period": period_code,
        "published_at": result.published_at,
        "revision": result.result_revision,
        "rows": rows,
    }
