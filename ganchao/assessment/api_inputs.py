"""API twins of the office's inputs page of a scheme and period (DESIGN.md 3.1): bonus /
deduction / veto items (登记, 审定, 撤销), manual scores typed in (the grid) and the manual-score
sheet (multipart; `dry_run=true` is the page's preview, without it the page's confirm). Each
handler calls the service its page calls."""

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.assessment import api_reads as reads
from ganchao.assessment import manual_sheet, permissions, selectors_inputs, services_inputs
from ganchao.assessment.models import ManualScore
from ganchao.common.api import LocalDatetime
from ganchao.common.errors import FieldError, NotFound, ValidationFailed
from ganchao.common.uploads import MAX_UPLOAD_BYTES
from ganchao.orgs.references import Unresolved, resolve_unit

router = Router(tags=["比着干：考核录入"])
BASE = "/assessment/schemes/{code}/periods/{period}"


class InputItemIn(Schema):
    unit: str
    kind: str
    points: str | None = None
    reason: str


class WithdrawIn(Schema):
    reason: str = ""


class InputItemOut(Schema):
    id: int
    unit_code: str
    unit: str
    kind: str
    points: str
    reason: str
    approved: bool
    created_at: LocalDatetime


def _item_out(item) -> dict:
    return {
        "id": item.pk,
        "unit_code": item.unit.code,
        "unit": item.unit.name,
        "kind": item.kind,
        "points": f"{item.points:.2f}",
        "reason": item.reason,
        "approved": item.approved,
        "created_at": item.created_at,
    }


def _scope(actor, code: str, period: str):
    reads.readable(actor)
    return selectors_inputs.scheme_period(code, period)


def _office_reads(actor) -> None:
    """The inputs are the office's working papers: others do not see them (404)."""
    if not permissions.manages_assessment(actor):
        raise NotFound(_("对象不存在或不在您的查看范围内"))


@router.get(f"{BASE}/items", response=list[InputItemOut], summary="加减分及否决事项（督查室）")
def items(request, code: str, period: str):
    _office_reads(request.user)
    scheme, span = _scope(request.user, code, period)
    return [_item_out(item) for item in selectors_inputs.period_items(scheme, span)]


@router.post(f"{BASE}/items", response={201: InputItemOut}, summary="登记加分、扣分或一票否决事项")
def item_add(request, code: str, period: str, payload: InputItemIn):
    scheme, span = _scope(request.user, code, period)
    try:
        unit = resolve_unit(payload.unit)
    except Unresolved as exc:
        raise ValidationFailed.on("unit", exc.message) from None
    item = services_inputs.score_item_register(
        actor=request.user, scheme=scheme, period=span.code, unit=unit, kind=payload.kind,
        points=payload.points, reason=payload.reason,
    )  # fmt: skip
    return Reply(201, _item_out(item))


@router.post(f"{BASE}/items/{{item_id}}/approve", response=InputItemOut, summary="审定事项")
def item_approve(request, code: str, period: str, item_id: int):
    _scheme, span = _scope(request.user, code, period)
    item = services_inputs.score_item_approve(
        actor=request.user, scheme_code=code, period=span.code, item_id=item_id
    )
    return _item_out(item)


@router.post(
    f"{BASE}/items/{{item_id}}/withdraw",
    response={204: None},
    summary="撤销未审定的事项（事项删除，审计记录保留其内容）",
)
def item_withdraw(request, code: str, period: str, item_id: int, payload: WithdrawIn = None):
    _scheme, span = _scope(request.user, code, period)
    services_inputs.score_item_withdraw(
        actor=request.user, scheme_code=code, period=span.code, item_id=item_id,
        reason=payload.reason if payload else "",
    )  # fmt: skip
    return Reply(204, None)


# ---- manual scores -------------------------------------------------------------------------


class ScoreIn(Schema):
    unit: str
    component: str
    score: str


class ScoresIn(Schema):
    scores: list[ScoreIn]


class ChangeOut(Schema):
    unit_code: str
    unit: str
    component: str
    before: str | None
    after: str
    row: int | None = None


class ManualOut(Schema):
    summary: str
    created: list[ChangeOut]
    updated: list[ChangeOut]
    unchanged: int


class ManualSheetOut(ManualOut):
    dry_run: bool
    written: bool
    rows: int
    warnings: list[str]


def _change(change) -> dict:
    return {
        "unit_code": change.unit_code,
        "unit": change.unit_name,
        "component": change.component_code,
        "before": None if change.before is None else f"{change.before:.2f}",
        "after": f"{change.after:.2f}",
        "row": change.row,
    }


def _manual_out(plan) -> dict:
    return {
        "summary": plan.summary(),
        "created": [_change(c) for c in plan.created],
        "updated": [_change(c) for c in plan.updated],
        "unchanged": plan.unchanged,
    }


class ScoreOut(Schema):
    unit_code: str
    unit: str
    component: str
    score: str


@router.get(f"{BASE}/manual-scores", response=list[ScoreOut], summary="已录入的评议得分（督查室）")
def manual_scores(request, code: str, period: str):
    _office_reads(request.user)
    scheme, span = _scope(request.user, code, period)
    rows = ManualScore.objects.filter(scheme_code=scheme.code, period=span.code)
    rows = rows.order_by("unit__code", "component_code").values_list(
        "unit__code", "unit__name", "component_code", "score"
    )
    return [
        {"unit_code": unit, "unit": name, "component": component, "score": f"{score:.2f}"}
        for unit, name, component, score in rows
    ]


@router.post(
    f"{BASE}/manual-scores",
    response=ManualOut,
    summary="录入评议得分（单位编码、组成项编码、得分；全部无误才保存）",
)
def manual_save(request, code: str, period: str, payload: ScoresIn):
    scheme, span = _scope(request.user, code, period)
    values = {(s.unit.strip(), s.component.strip()): s.score for s in payload.scores}
    plan = services_inputs.manual_scores_save(
        actor=request.user, scheme=scheme, period=span.code, values=values
    )
    return _manual_out(plan)


@router.post(
    f"{BASE}/manual-scores/sheet",
    response=ManualSheetOut,
    summary="导入评议打分表（multipart：file；dry_run=true 只检查不写入，即页面的预览）",
)
def manual_import(
    request, code: str, period: str, file: File[UploadedFile], dry_run: Form[bool] = False
):
    scheme, span = _scope(request.user, code, period)
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed.on("file", _("文件超过 20 MB"))
    result = manual_sheet.manual_sheet_import(
        actor=request.user, scheme=scheme, period=span.code, data=file.read(),
        filename=file.name or "", dry_run=dry_run,
    )  # fmt: skip
    if result.errors:
        errors = [FieldError(e.place or "file", str(e)) for e in result.errors]
        message = _("评议打分表有 %(n)s 处错误，没有导入任何得分") % {"n": len(errors)}
        raise ValidationFailed(message, errors)
    return {
        **_manual_out(result.plan),
        "dry_run": dry_run,
        "written": result.written,
        "rows": result.rows,
        "warnings": result.warnings,
    }
