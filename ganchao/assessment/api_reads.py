"""Reads behind the assessment API, scoped to the actor: plain dicts in the API's shapes."""

from django.utils.translation import gettext as _

from ganchao.assessment import exports, permissions, selectors
from ganchao.assessment.models import Result, Scheme
from ganchao.assessment.services import period_of
from ganchao.common.errors import NotFound
from ganchao.orgs.models import Unit

NO_RESULT = "该期间尚无已发布的考核结果"


def readable(actor) -> None:
    """Assessment objects exist for staff users only: everyone else gets 404."""
    if not permissions.sees_rankings(actor):
        raise NotFound(_("对象不存在或不在您的查看范围内"))


def schemes(actor, *, code: str = ""):
    readable(actor)
    rows = Scheme.objects.select_related("category").prefetch_related(
        "components", "excluded_units"
    )
    return rows.filter(code=code) if code else rows.order_by("code", "-scheme_version")


def scheme_out(scheme: Scheme) -> dict:
    return {
        "id": scheme.pk,
        "code": scheme.code,
        "name": scheme.name,
        "category_code": scheme.category.code,
        "category": scheme.category.name,
        "period_type": scheme.period_type,
        "scheme_version": scheme.scheme_version,
        "state": scheme.state,
        "bonus_cap": str(scheme.bonus_cap),
        "empty_component": scheme.empty_component,
        "excluded_units": sorted(unit.code for unit in scheme.excluded_units.all()),
        "excellent_threshold": str(scheme.excellent_threshold),
        "good_threshold": str(scheme.good_threshold),
        "pass_threshold": str(scheme.pass_threshold),
        "excellent_share": None if scheme.excellent_share is None else str(scheme.excellent_share),
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "points": str(c.points),
                "method": c.method,
                "floor": str(c.floor),
            }
            for c in scheme.components.all()
        ],
    }


def _rows(actor, code: str, period: str, *, draft: bool):
    """(scheme, period, ranked rows, published Result or None, cut-off, units with nothing to
    assess) for the actor."""
    readable(actor)
    scheme = selectors.scheme_get(code)
    span = period_of(scheme, period)
    if draft:
        if not permissions.sees_drafts(actor):
            raise NotFound(_("对象不存在或不在您的查看范围内"))
        outcome = selectors.draft_outcome(scheme, span)
        return scheme, span, outcome.rows, None, outcome.cutoff, outcome.unassessed
    published = selectors.latest_result(scheme.code, span.code)
    if published is None:
        raise NotFound(NO_RESULT)
    return scheme, span, published.snapshot, published, published.cutoff, published.unassessed


def _ranking_row(row: dict) -> dict:
    """The CLI's ranking layout plus the gap to the first."""
    return {**exports.ranking_row(row), "gap": row["gap"]}


def result(actor, code: str, period: str, *, draft: bool, window=(0, None)) -> dict:
    scheme, span, rows, published, cutoff, unassessed = _rows(actor, code, period, draft=draft)
    ordered = sorted(rows, key=lambda row: (row["rank"], row["unit_code"]))
    offset, limit = window
    shown = ordered[offset : None if limit is None else offset + limit]
    return {
        "scheme_code": scheme.code,
        "scheme_version": published.scheme_version if published else scheme.scheme_version,
        "period": span.code,
        "draft": published is None,
        "result_revision": published.result_revision if published else None,
        "published_at": published.published_at if published else None,
        "cutoff": cutoff,
        "items": [_ranking_row(row) for row in shown],
        # 本期无考核内容: not ranked, so not in `items` nor in `count`
        "unassessed": [{"unit_code": r["unit_code"], "unit": r["unit"]} for r in unassessed],
        "count": len(ordered),
    }


def revisions(actor, code: str, period: str) -> list[dict]:
    readable(actor)
    scheme = selectors.scheme_get(code)
    span = period_of(scheme, period)
    results = Result.objects.filter(scheme_code=scheme.code, period=span.code).order_by(
        "result_revision"
    )
    return [
        {
            "result_revision": r.result_revision,
            "scheme_version": r.scheme_version,
            "published_at": r.published_at,
            "cutoff": r.cutoff,
            "differences": r.differences,
        }
        for r in results
    ]


def breakdown(actor, code: str, period: str, unit_code: str, *, draft: bool) -> dict:
    scheme, span, rows, published, _cutoff, unranked = _rows(actor, code, period, draft=draft)
    row = next((r for r in rows if r["unit_code"] == unit_code), None)
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None or not permissions.sees_breakdown(actor, unit):
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    if row is None and unit_code in {r["unit_code"] for r in unranked}:
        raise NotFound(
            _("%(unit)s本期无考核内容（既没有考核指标也没有到期节点），不参加排名")
            % {"unit": unit.name}
        )
    if row is None:
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    return {
        **_ranking_row(row),
        "scheme_code": scheme.code,
        "period": span.code,
        "result_revision": published.result_revision if published else None,
        "bonus": row["bonus"],
        "deduction": row["deduction"],
        "leaders": row.get("leaders", []),
        "components": [
            {key: c[key] for key in ("code", "name", "kind", "points", "score", "details")}
            for c in row["components"]
        ],
    }
