"""Shapes of the assessment API: decimals as strings, datetimes ISO 8601 with +08:00."""

import datetime as dt

from ninja import Schema

from ganchao.common.api import LocalDatetime


class ComponentOut(Schema):
    code: str
    name: str
    kind: str
    points: str
    method: str
    floor: str


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    category_code: str
    category: str
    period_type: str
    scheme_version: int
    state: str
    bonus_cap: str
    excellent_threshold: str
    good_threshold: str
    pass_threshold: str
    excellent_share: str | None
    empty_component: str = "prorate"  # how a work component with nothing to assess is filled
    excluded_units: list[str] = []  # codes of the category's units that do not take part
    components: list[ComponentOut]


class ComponentScoreOut(Schema):
    code: str
    name: str
    points: str
    score: str


class RankingRowOut(Schema):
    unit_code: str
    unit: str
    rank: int
    total: str
    grade: str
    veto: bool
    gap: str
    components: list[ComponentScoreOut]


class UnassessedOut(Schema):
    """A unit with nothing to assess in the period (本期无考核内容): not ranked."""

    unit_code: str
    unit: str


class ResultOut(Schema):
    scheme_code: str
    scheme_version: int
    period: str
    draft: bool
    result_revision: int | None
    published_at: LocalDatetime | None = None
    cutoff: dt.date
    items: list[RankingRowOut]
    count: int
    unassessed: list[UnassessedOut] = []


class RevisionOut(Schema):
    result_revision: int
    scheme_version: int
    published_at: LocalDatetime
    cutoff: dt.date
    differences: list[dict]


class BreakdownComponentOut(ComponentScoreOut):
    kind: str
    details: list[dict]


class BreakdownOut(RankingRowOut):
    scheme_code: str
    period: str
    result_revision: int | None
    bonus: str
    deduction: str
    leaders: list[str]
    components: list[BreakdownComponentOut]
