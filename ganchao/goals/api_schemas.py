"""Shapes of the 盯着干 API (DESIGN.md 3.7): fixed fields first, more may follow. Decimals are
strings, datetimes ISO 8601 with +08:00, status one of the six words or null."""

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator

from ganchao.common.api import LocalDatetime, NonBlankStr
from ganchao.goals.tree import decimal_string


def _decimal_text(value):
    return value if value is None or isinstance(value, str) else decimal_string(value)


DecimalText = Annotated[str | None, BeforeValidator(_decimal_text)]


class PlanOut(Schema):
    id: int
    year: int
    owner_code: str
    state: str
    name: str
    issued_at: LocalDatetime | None
    last_status_at: LocalDatetime | None
    version: int


class TreeNodeOut(Schema):
    id: int
    code: str
    name: str
    type: str
    status: str | None
    expected: DecimalText
    actual: DecimalText
    children: list["TreeNodeOut"]


class ItemAssignmentOut(Schema):
    id: int
    unit_code: str
    unit: str
    role: str
    status: str | None
    expected: DecimalText
    actual: DecimalText
    red_since: dt.date | None
    target: DecimalText
    stale: bool


class MilestoneOut(Schema):
    id: int  # what a report's completions name
    position: int
    due_date: dt.date
    description: str


class ItemOut(TreeNodeOut):
    plan_id: int
    parent_id: int | None
    category: str
    measure_unit: str
    decimal_places: int | None = None
    display_places: int = 2
    target: DecimalText
    stretch_target: DecimalText
    direction: str
    nature: str
    frequency: str
    weight: DecimalText
    deadline: dt.date | None
    leaders: list[str]
    milestones: list[MilestoneOut]
    on_track_ratio: DecimalText
    assignments: list[ItemAssignmentOut]
    calendar_provisional: bool


class AssignmentOut(Schema):
    id: int
    item_id: int
    item_code: str
    item_name: str
    plan_id: int
    unit_code: str
    unit: str
    role: str
    status: str | None
    expected: DecimalText
    actual: DecimalText
    red_since: dt.date | None
    stale: bool
    status_period: str
    target: DecimalText
    q1: DecimalText
    q2: DecimalText
    q3: DecimalText
    q4: DecimalText
    version: int


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: LocalDatetime


class ReportOut(Schema):
    id: int
    assignment_id: int
    period: str
    period_end: dt.date
    revision: int
    is_current: bool
    state: str
    value: DecimalText
    narrative: str
    late: bool
    submitted_at: LocalDatetime | None
    reviewed_at: LocalDatetime | None
    return_reason: str
    due_date: dt.date | None
    calendar_provisional: bool
    version: int
    evidence: list[EvidenceOut]


class VersionIn(Schema):
    expected_version: int | None = None


class ReasonIn(VersionIn):
    reason: str = ""


class AdjustmentIn(Schema):
    item_id: int
    field: str
    new_value: str
    reason: NonBlankStr
    assignment_id: int | None = None
    milestone_id: int | None = None


class AdjustmentOut(Schema):
    id: int
    item_id: int
    item_code: str
    assignment_id: int | None
    unit_code: str | None
    milestone_id: int | None
    field: str
    old_value: str
    new_value: str
    reason: str
    state: str
    requested_by: str
    requested_at: LocalDatetime
    decided_by: str | None
    decided_at: LocalDatetime | None
    decision_reason: str
    version: int


class StatusRowOut(Schema):
    id: int
    item_id: int
    item_code: str
    item_name: str
    unit_code: str
    unit: str
    role: str
    status: str | None
    expected: DecimalText
    actual: DecimalText
    red_since: dt.date | None
    stale: bool
    status_period: str
