"""The 量力而行 API under /api/v1/fiscal/: capacities (read, set), commitments (list, create,
approve, reject, withdraw) and the per-unit overview of a year. Each write calls one service;
errors come back as {"code", "message", "errors"} (config/api.py)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows, require_version
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.fiscal import selectors as sel
from ganchao.fiscal import services
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.goals import selectors as goal_selectors

router = Router(tags=["沉到一线：量力而行"])


class FiscalCapacityOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit: str
    year: int
    amount: Decimal
    basis: str
    version: int
    updated_at: LocalDatetime


class FiscalCapacityIn(Schema):
    """The unit by its id or by its code (单位编码)."""

    unit_id: int | None = None
    unit_code: str = ""
    year: int
    amount: Decimal
    basis: str = ""
    expected_version: int | None = None


class FiscalCommitmentOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit: str
    year: int
    budget_year: int
    amount: Decimal
    title: str
    kind: str
    item_id: int | None
    state: str
    state_label: str
    reason: str
    excess: Decimal
    no_capacity: bool
    future_budget: bool
    needs_approval: bool
    approver: str | None
    decision_note: str
    decided_at: LocalDatetime | None = None
    withdrawn_at: LocalDatetime | None = None
    created_at: LocalDatetime
    version: int


class FiscalCommitmentIn(Schema):
    unit_id: int
    year: int
    budget_year: int | None = None
    amount: Decimal
    title: str
    kind: str = "other"
    item_id: int | None = None
    reason: str = ""


class FiscalNoteIn(Schema):
    note: str = ""


class FiscalOverviewRowOut(Schema):
    unit_id: int
    unit_code: str
    unit: str
    capacity: Decimal | None
    committed: Decimal
    pending: Decimal
    approved_excess: Decimal
    future_budget: Decimal
    excess: Decimal


class FiscalOverviewOut(Schema):
    year: int
    items: list[FiscalOverviewRowOut]
    count: int


def capacity_out(capacity: Capacity) -> dict:
    return {
        "id": capacity.pk,
        "unit_id": capacity.unit_id,
        "unit_code": capacity.unit.code,
        "unit": capacity.unit.name,
        "year": capacity.year,
        "amount": capacity.amount,
        "basis": capacity.basis,
        "version": capacity.version,
        "updated_at": capacity.updated_at,
    }


def commitment_out(commitment: Commitment) -> dict:
    return {
        "id": commitment.pk,
        "unit_id": commitment.unit_id,
        "unit_code": commitment.unit.code,
        "unit": commitment.unit.name,
        "year": commitment.year,
        "budget_year": commitment.budget_year,
        "amount": commitment.amount,
        "title": commitment.title,
        "kind": commitment.kind,
        "item_id": commitment.item_id,
        "state": commitment.state,
        "state_label": commitment.get_state_display(),
        "reason": commitment.reason,
        "excess": commitment.excess,
        "no_capacity": commitment.no_capacity,
        "future_budget": commitment.future_budget,
        "needs_approval": commitment.needs_approval,
        "approver": commitment.approver.display_name if commitment.approver_id else None,
        "decision_note": commitment.decision_note,
        "decided_at": commitment.decided_at,
        "withdrawn_at": commitment.withdrawn_at,
        "created_at": commitment.created_at,
        "version": commitment.version,
    }


def overview_out(row: sel.OverviewRow) -> dict:
    return {
        "unit_id": row.unit_id,
        "unit_code": row.code,
        "unit": row.name,
        "capacity": row.capacity,
        "committed": row.committed,
        "pending": row.pending,
        "approved_excess": row.approved_excess,
        "future_budget": row.future_budget,
        "excess": row.excess,
    }


def _unit(actor, unit_id: int | None, unit_code: str = ""):
    if unit_id is None and not unit_code:
        raise ValidationFailed.on("unit_id", _("单位：请填写 unit_id 或 unit_code"))
    try:
        return sel.unit_get(actor, unit_id, code=unit_code)
    except NotFound as exc:
        field = "unit_id" if unit_id is not None else "unit_code"
        raise ValidationFailed.on(field, _("单位不存在或不在您的查看范围内")) from exc


@router.get(
    "/fiscal/capacities",
    response=list[FiscalCapacityOut],
    summary="可用财力列表（可按年度、单位筛选）",
)
@paginate(Page)
def fiscal_capacities(request, year: int | None = None, unit: int | None = None):
    return PageRows(sel.capacities(request.user, year=year, unit_id=unit), capacity_out)


@router.put(
    "/fiscal/capacities",
    response=FiscalCapacityOut,
    summary="核定某单位某年度的可用财力（万元）；修改已有数额须提供 expected_version",
)
def fiscal_capacity_set(request, payload: FiscalCapacityIn):
    unit = _unit(request.user, payload.unit_id, payload.unit_code)
    existing = sel.capacity_of(request.user, unit, payload.year)
    version = None
    if existing is not None:
        version = require_version(request, payload.expected_version, existing)
    capacity = services.capacity_set(
        actor=request.user,
        unit=unit,
        year=payload.year,
        amount=payload.amount,
        basis=payload.basis,
        expected_version=version,
    )
    return capacity_out(sel.capacity_of(request.user, unit, capacity.year))


@router.get(
    "/fiscal/commitments",
    response=list[FiscalCommitmentOut],
    summary="财力承诺列表（可按年度、单位、状态、类型筛选）",
)
@paginate(Page)
def fiscal_commitments(
    request, year: int | None = None, unit: int | None = None, state: str = "", kind: str = ""
):
    rows = sel.commitments(request.user, year=year, unit_id=unit, state=state, kind=kind)
    return PageRows(rows, commitment_out)


@router.post(
    "/fiscal/commitments",
    response={201: FiscalCommitmentOut},
    summary="新增财力承诺；超出可用财力、未核定财力或占用以后年度预算的须填写 reason 并待审批",
)
def fiscal_commitment_create(request, payload: FiscalCommitmentIn):
    unit = _unit(request.user, payload.unit_id)
    item = None
    if payload.item_id is not None:
        try:
            item = goal_selectors.item_get(request.user, payload.item_id)
        except NotFound as exc:
            raise ValidationFailed.on("item_id", _("目标任务不存在或不在您的查看范围内")) from exc
    commitment = services.commitment_create(
        actor=request.user,
        unit=unit,
        year=payload.year,
        budget_year=payload.budget_year,
        amount=payload.amount,
        title=payload.title,
        kind=payload.kind,
        item=item,
        reason=payload.reason,
    )
    return Reply(201, commitment_out(sel.commitment_get(request.user, commitment.pk)))


@router.get(
    "/fiscal/commitments/{commitment_id}", response=FiscalCommitmentOut, summary="财力承诺详情"
)
def fiscal_commitment(request, commitment_id: int):
    return commitment_out(sel.commitment_get(request.user, commitment_id))


@router.post(
    "/fiscal/commitments/{commitment_id}/approve",
    response=FiscalCommitmentOut,
    summary="批准超出财力的承诺（督查室或市级领导）",
)
def fiscal_commitment_approve(request, commitment_id: int, payload: FiscalNoteIn = None):
    note = payload.note if payload else ""
    services.commitment_approve(actor=request.user, commitment_id=commitment_id, note=note)
    return commitment_out(sel.commitment_get(request.user, commitment_id))


@router.post(
    "/fiscal/commitments/{commitment_id}/reject",
    response=FiscalCommitmentOut,
    summary="不予批准（督查室或市级领导，须写审批意见 note）",
)
def fiscal_commitment_reject(request, commitment_id: int, payload: FiscalNoteIn):
    services.commitment_reject(actor=request.user, commitment_id=commitment_id, note=payload.note)
    return commitment_out(sel.commitment_get(request.user, commitment_id))


@router.post(
    "/fiscal/commitments/{commitment_id}/withdraw",
    response=FiscalCommitmentOut,
    summary="撤回财力承诺（督查室或本单位）",
)
def fiscal_commitment_withdraw(request, commitment_id: int, payload: FiscalNoteIn = None):
    note = payload.note if payload else ""
    services.commitment_withdraw(actor=request.user, commitment_id=commitment_id, note=note)
    return commitment_out(sel.commitment_get(request.user, commitment_id))


@router.get(
    "/fiscal/overview",
    response=FiscalOverviewOut,
    summary="年度财力概况：各单位可用财力、已承诺、待审批、已批准超出和超出额",
)
def fiscal_overview(request, year: int, unit: int | None = None):
    rows = sel.overview(request.user, year, unit_id=unit)
    return {"year": year, "items": [overview_out(r) for r in rows], "count": len(rows)}
