"""API of the decisions app: core (DESIGN.md 3.12) — /decisions (list, propose), the decision
with its procedures and blockers (the same list the page shows), edit, launch, drafts, the A3
exemption and the undertaking units. Refusals are the services' errors (409
procedure_blocked naming the rule)."""

from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows, require_version
from ganchao.common.errors import ValidationFailed
from ganchao.decisions import gates, selectors, selectors_catalogue, selectors_core
from ganchao.decisions.models import CatalogueItem
from ganchao.decisions.services import core as services
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


class DecisionFlagsOut(Schema):
    technical: bool
    stability_risk: bool
    market_activity: bool
    exploratory: bool
    wide_concern: bool


class DecisionProcedureOut(Schema):
    kind: str
    state: str
    required: bool


class DecisionBlockerOut(Schema):
    rule: str
    message: str


class DecisionUndertakerOut(Schema):
    unit_code: str
    unit: str
    is_lead: bool


class DecisionSummaryOut(Schema):
    id: int
    code: str
    title: str
    year: int
    state: str
    owner_code: str
    lead_unit_code: str | None
    catalogue_item: int | None
    created_at: LocalDatetime
    version: int


class DecisionOut(DecisionSummaryOut):
    category: str
    summary: str
    proposal_reason: str
    flags: DecisionFlagsOut
    undertakers: list[DecisionUndertakerOut]
    drafts: int
    next_step: str
    participation_exempt_basis: str
    launched_at: LocalDatetime | None
    procedures: list[DecisionProcedureOut]
    blockers: list[DecisionBlockerOut]


class DecisionProposeIn(Schema):
    title: str = ""
    category: str = ""
    year: int | None = None
    owner_code: str = ""
    units: list[str] = []
    lead: str | None = None
    catalogue_item: int | None = None
    summary: str = ""
    proposal_reason: str = ""
    technical: bool = False
    stability_risk: bool = False
    market_activity: bool = False
    exploratory: bool = False
    wide_concern: bool = True


class DecisionPatch(Schema):
    title: str | None = None
    summary: str | None = None
    proposal_reason: str | None = None
    technical: bool | None = None
    stability_risk: bool | None = None
    market_activity: bool | None = None
    exploratory: bool | None = None
    wide_concern: bool | None = None
    expected_version: int | None = None


class DecisionFilters(Schema):
    state: str = ""
    year: int | None = None
    unit: str = ""
    q: str = ""


class DecisionDraftIn(Schema):
    text: str
    explanation: str = ""
    change_note: str = ""


class DecisionDraftOut(Schema):
    id: int
    number: int
    text: str
    explanation: str
    change_note: str
    created_by: str
    created_at: LocalDatetime


class DecisionExemptionIn(Schema):
    legal_basis: str


class DecisionUndertakersIn(Schema):
    units: list[str]
    lead: str | None = None


FLAGS = ("technical", "stability_risk", "market_activity", "exploratory", "wide_concern")


def _lead(decision):
    return next((u for u in decision.undertakers.all() if u.is_lead), None)


def _summary_out(decision) -> dict:
    lead = _lead(decision)
    return {
        "id": decision.pk,
        "code": decision.code,
        "title": decision.title,
        "year": decision.year,
        "state": decision.state,
        "owner_code": decision.owner.code,
        "lead_unit_code": lead.unit.code if lead else None,
        "catalogue_item": decision.catalogue_item_id,
        "created_at": decision.created_at,
        "version": decision.version,
    }


def decision_out(decision) -> dict:
    """The decision as GET /decisions/{id} answers: its blockers are gates.blockers of the same
    Facts the page uses."""
    facts = selectors.decision_facts(decision)
    return {
        **_summary_out(decision),
        "category": decision.category,
        "summary": decision.summary,
        "proposal_reason": decision.proposal_reason,
        "flags": {name: getattr(decision, name) for name in FLAGS},
        "undertakers": [
            {"unit_code": u.unit.code, "unit": u.unit.name, "is_lead": u.is_lead}
            for u in decision.undertakers.all()
        ],
        "drafts": decision.drafts.count(),
        "next_step": selectors_core.next_step_label(decision.state),
        "participation_exempt_basis": decision.participation_exempt_basis,
        "launched_at": decision.launched_at,
        "procedures": gates.procedures(facts),
        "blockers": [{"rule": b.rule, "message": b.message} for b in gates.blockers(facts)],
    }


def _fresh(actor, pk) -> dict:
    return decision_out(selectors.decision_get(actor, pk))


def _units(codes: list[str], field: str) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed.on(field, "单位编码不存在：" + "、".join(unknown))
    return [found[c] for c in dict.fromkeys(codes)]


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    return _units([code], field)[0]


@router.get("/decisions", response=list[DecisionSummaryOut], summary="重大行政决策列表")
@paginate(Page)
def decisions(request, filters: Query[DecisionFilters]):
    rows = selectors_core.decision_list(
        request.user,
        year=filters.year,
        state=filters.state,
        unit=filters.unit.strip()[:100],
        q=filters.q.strip()[:100],
    )
    return PageRows(rows, _summary_out)


@router.post("/decisions", response={201: DecisionOut}, summary="提出重大行政决策事项")
def decision_propose(request, payload: DecisionProposeIn):
    item = None
    if payload.catalogue_item is not None:
        item = (
            CatalogueItem.objects.select_related("catalogue")
            .filter(pk=payload.catalogue_item)
            .first()
        )
        if item is None:
            raise ValidationFailed.on("catalogue_item", "目录事项不存在")
    owner = _unit(payload.owner_code, "owner_code") if payload.owner_code else None
    owner = owner or selectors_catalogue.organ_of(request.user)
    if owner is None:
        raise ValidationFailed.on("owner_code", "请填写决策机关编码")
    title = payload.title or (item.title if item else "")
    decision = services.decision_propose(
        actor=request.user,
        owner=owner,
        title=title,
        category=payload.category or (item.category if item else ""),
        year=payload.year or timezone.localdate().year,
        units=_units(payload.units, "units"),
        lead=_unit(payload.lead, "lead"),
        catalogue_item=item,
        summary=payload.summary,
        proposal_reason=payload.proposal_reason,
        **{name: getattr(payload, name) for name in FLAGS},
    )
    return Reply(201, _fresh(request.user, decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionOut, summary="重大行政决策详情")
def decision_detail(request, decision_id: int):
    return _fresh(request.user, decision_id)


@router.patch("/decisions/{decision_id}", response=DecisionOut, summary="修改重大行政决策事项")
def decision_update(request, decision_id: int, payload: DecisionPatch):
    decision = selectors.decision_get(request.user, decision_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    fields.pop("expected_version", None)
    with transaction.atomic():  # the version is checked under the row lock the write keeps
        require_version(request, payload.expected_version, decision, check=True)
        services.decision_update(actor=request.user, decision=decision, **fields)
    return _fresh(request.user, decision_id)


@router.post("/decisions/{decision_id}/launch", response=DecisionOut, summary="启动重大行政决策")
def decision_launch(request, decision_id: int):
    decision = selectors.decision_get(request.user, decision_id)
    services.decision_launch(actor=request.user, decision=decision)
    return _fresh(request.user, decision_id)


def _draft_out(draft) -> dict:
    return {
        "id": draft.pk,
        "number": draft.number,
        "text": draft.text,
        "explanation": draft.explanation,
        "change_note": draft.change_note,
        "created_by": draft.created_by.display_name,
        "created_at": draft.created_at,
    }


@router.get(
    "/decisions/{decision_id}/drafts", response=list[DecisionDraftOut], summary="决策草案各稿"
)
@paginate(Page)
def drafts(request, decision_id: int):
    decision = selectors.decision_get(request.user, decision_id)
    rows = decision.drafts.select_related("created_by").order_by("number")
    return PageRows(rows, _draft_out)


@router.post(
    "/decisions/{decision_id}/drafts",
    response={201: DecisionDraftOut},
    summary="形成决策草案新版本",
)
def draft_add(request, decision_id: int, payload: DecisionDraftIn):
    decision = selectors.decision_get(request.user, decision_id)
    draft = services.draft_add(
        actor=request.user,
        decision=decision,
        text=payload.text,
        explanation=payload.explanation,
        change_note=payload.change_note,
    )
    return Reply(201, _draft_out(draft))


@router.post(
    "/decisions/{decision_id}/participation-exemption",
    response=DecisionOut,
    summary="依法不予公开（免予公众参与）",
)
def participation_exempt(request, decision_id: int, payload: DecisionExemptionIn):
    decision = selectors.decision_get(request.user, decision_id)
    services.participation_exempt(
        actor=request.user, decision=decision, legal_basis=payload.legal_basis
    )
    return _fresh(request.user, decision_id)


@router.put(
    "/decisions/{decision_id}/undertakers", response=DecisionOut, summary="确定决策承办单位"
)
def undertakers_set(request, decision_id: int, payload: DecisionUndertakersIn):
    decision = selectors.decision_get(request.user, decision_id)
    services.undertakers_set(
        actor=request.user,
        decision=decision,
        units=_units(payload.units, "units"),
        lead=_unit(payload.lead, "lead"),
    )
    return _fresh(request.user, decision_id)
