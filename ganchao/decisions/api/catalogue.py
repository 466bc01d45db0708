"""API of the decision catalogue (A1) and of the module's settings (DESIGN.md 3.12):
/decision-catalogues (list, create a version, detail with items), their items (add, edit,
remove while draft), approve, publish; /decisions/settings (GET, PUT)."""

import datetime as dt

from ninja import File, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.common.uploads import xlsx_response
from ganchao.decisions import selectors_catalogue
from ganchao.decisions.selectors import settings_get
from ganchao.decisions.services import catalogue as services
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

router = Router(tags=["重大行政决策"])


class DecisionCatalogueItemOut(Schema):
    id: int
    seq: int
    title: str
    category: str
    undertaking_unit_code: str | None
    planned_quarter: str
    description: str


class DecisionCatalogueOut(Schema):
    id: int
    owner_code: str
    owner: str
    year: int
    number: int
    title: str
    state: str
    party_approved_on: dt.date | None
    party_approval_doc: str
    published_at: LocalDatetime | None
    adjustment_note: str
    item_count: int


class DecisionCatalogueDetailOut(DecisionCatalogueOut):
    items: list[DecisionCatalogueItemOut]


class DecisionCatalogueIn(Schema):
    owner_code: str
    year: int
    title: str = ""
    adjustment_note: str = ""


class DecisionCatalogueItemIn(Schema):
    title: str
    category: str
    undertaking_unit_code: str | None = None
    planned_quarter: str = ""
    description: str = ""


class DecisionCatalogueItemPatch(Schema):
    title: str | None = None
    category: str | None = None
    undertaking_unit_code: str | None = None
    planned_quarter: str | None = None
    description: str | None = None


class DecisionCatalogueApproveIn(Schema):
    party_approved_on: dt.date | None = None
    party_approval_doc: str = ""


class DecisionCatalogueFilters(Schema):
    year: int | None = None
    owner_code: str = ""


class DecisionSettingsOut(Schema):
    catalogue_mode: bool
    min_consultation_days: int
    hearing_materials_days: int
    min_review_working_days: int
    review_limit_working_days: int


class DecisionSettingsIn(Schema):
    catalogue_mode: bool | None = None
    min_consultation_days: int | None = None
    hearing_materials_days: int | None = None
    min_review_working_days: int | None = None
    review_limit_working_days: int | None = None


def _item_out(item) -> dict:
    return {
        "id": item.pk,
        "seq": item.seq,
        "title": item.title,
        "category": item.category,
        "undertaking_unit_code": item.undertaking_unit.code if item.undertaking_unit else None,
        "planned_quarter": item.planned_quarter,
        "description": item.description,
    }


def _catalogue_out(catalogue, item_count=None) -> dict:
    if item_count is None:
        item_count = getattr(catalogue, "item_count", None)
    if item_count is None:
        item_count = catalogue.items.count()
    return {
        "id": catalogue.pk,
        "owner_code": catalogue.owner.code,
        "owner": catalogue.owner.name,
        "year": catalogue.year,
        "number": catalogue.number,
        "title": catalogue.title,
        "state": catalogue.state,
        "party_approved_on": catalogue.party_approved_on,
        "party_approval_doc": catalogue.party_approval_doc,
        "published_at": catalogue.published_at,
        "adjustment_note": catalogue.adjustment_note,
        "item_count": item_count,
    }


def _detail(actor, pk) -> dict:
    catalogue = selectors_catalogue.catalogue_get(actor, pk)
    items = list(selectors_catalogue.catalogue_items(catalogue))
    return {**_catalogue_out(catalogue, len(items)), "items": [_item_out(i) for i in items]}


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(field, f"单位编码“{code}”不存在")
    return unit


@router.get("/decision-catalogues", response=list[DecisionCatalogueOut], summary="决策事项目录列表")
@paginate(Page)
def catalogues(request, filters: Query[DecisionCatalogueFilters]):
    owner = _unit(filters.owner_code, "owner_code") if filters.owner_code else None
    rows = selectors_catalogue.catalogue_list(
        request.user, year=filters.year, owner_id=owner.pk if owner else None
    )
    return PageRows(rows, _catalogue_out)


@router.post(
    "/decision-catalogues",
    response={201: DecisionCatalogueDetailOut},
    summary="新建决策事项目录（或本年度新版本）",
)
def catalogue_create(request, payload: DecisionCatalogueIn):
    catalogue = services.catalogue_create(
        actor=request.user,
        owner=_unit(payload.owner_code, "owner_code"),
        year=payload.year,
        title=payload.title,
        adjustment_note=payload.adjustment_note,
    )
    return Reply(201, _detail(request.user, catalogue.pk))


@router.get(
    "/decision-catalogues/{catalogue_id}",
    response=DecisionCatalogueDetailOut,
    summary="决策事项目录详情",
)
def catalogue_detail(request, catalogue_id: int):
    return _detail(request.user, catalogue_id)


@router.post(
    "/decision-catalogues/{catalogue_id}/items",
    response={201: DecisionCatalogueItemOut},
    summary="增加目录事项",
)
def catalogue_item_add(request, catalogue_id: int, payload: DecisionCatalogueItemIn):
    catalogue = selectors_catalogue.catalogue_get(request.user, catalogue_id)
    item = services.catalogue_item_add(
        actor=request.user,
        catalogue=catalogue,
        title=payload.title,
        category=payload.category,
        undertaking_unit=_unit(payload.undertaking_unit_code, "undertaking_unit_code"),
        planned_quarter=payload.planned_quarter,
        description=payload.description,
    )
    return Reply(201, _item_out(item))


def _item(actor, catalogue_id, item_id):
    catalogue = selectors_catalogue.catalogue_get(actor, catalogue_id)
    return selectors_catalogue.catalogue_item_get(actor, catalogue, item_id)


@router.patch(
    "/decision-catalogues/{catalogue_id}/items/{item_id}",
    response=DecisionCatalogueItemOut,
    summary="修改目录事项",
)
def catalogue_item_update(
    request, catalogue_id: int, item_id: int, payload: DecisionCatalogueItemPatch
):
    item = _item(request.user, catalogue_id, item_id)
    fields = payload.dict(exclude_unset=True)
    if "undertaking_unit_code" in fields:
        fields["undertaking_unit"] = _unit(
            fields.pop("undertaking_unit_code"), "undertaking_unit_code"
        )
    item = services.catalogue_item_update(actor=request.user, item=item, **fields)
    return _item_out(item)


class DecisionCatalogueImportOut(Schema):
    imported: int


@router.post(
    "/decision-catalogues/{catalogue_id}/import",
    response=DecisionCatalogueImportOut,
    summary="从 Excel 导入目录事项（全部导入或全部不导入）",
)
def catalogue_items_import(request, catalogue_id: int, file: File[UploadedFile]):
    catalogue = selectors_catalogue.catalogue_get(request.user, catalogue_id)
    if file.size > 5 * 1024 * 1024:
        raise ValidationFailed.on("file", "请选择不超过5MB的 .xlsx 文件")
    count = services.catalogue_items_import(
        actor=request.user, catalogue=catalogue, data=file.read(), filename=file.name or ""
    )
    return {"imported": count}


@router.get("/decision-catalogues/{catalogue_id}/items.xlsx", summary="导出目录事项（Excel）")
def catalogue_items_export(request, catalogue_id: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, catalogue_id)
    return xlsx_response(
        selectors_catalogue.catalogue_sheet(catalogue),
        f"决策事项目录-{catalogue.year}-第{catalogue.number}版.xlsx",
    )


@router.delete(
    "/decision-catalogues/{catalogue_id}/items/{item_id}",
    response={204: None},
    summary="删除目录事项",
)
def catalogue_item_remove(request, catalogue_id: int, item_id: int):
    item = _item(request.user, catalogue_id, item_id)
    services.catalogue_item_remove(actor=request.user, item=item)
    return Reply(204, None)


@router.post(
    "/decision-catalogues/{catalogue_id}/approve",
    response=DecisionCatalogueDetailOut,
    summary="登记党委同意目录",
)
def catalogue_approve(request, catalogue_id: int, payload: DecisionCatalogueApproveIn):
    catalogue = selectors_catalogue.catalogue_get(request.user, catalogue_id)
    services.catalogue_approve(
        actor=request.user,
        catalogue=catalogue,
        party_approved_on=payload.party_approved_on,
        party_approval_doc=payload.party_approval_doc,
    )
    return _detail(request.user, catalogue_id)


@router.post(
    "/decision-catalogues/{catalogue_id}/publish",
    response=DecisionCatalogueDetailOut,
    summary="公布决策事项目录",
)
def catalogue_publish(request, catalogue_id: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, catalogue_id)
    services.catalogue_publish(actor=request.user, catalogue=catalogue)
    return _detail(request.user, catalogue_id)


def _settings_out(obj) -> dict:
    return {name: getattr(obj, name) for name in services.SETTINGS_FIELDS}


@router.get("/decisions/settings", response=DecisionSettingsOut, summary="重大行政决策设置")
def decision_settings(request):
    if not scope_of(request.user).is_staff_user:
        raise NotFound("重大行政决策设置不在您的查看范围内")
    return _settings_out(settings_get())


@router.put("/decisions/settings", response=DecisionSettingsOut, summary="修改重大行政决策设置")
def decision_settings_update(request, payload: DecisionSettingsIn):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return _settings_out(services.decision_settings_update(actor=request.user, **fields))
