"""The 问题台账 API under /api/v1/ (DESIGN.md 3.7, 3.14): the ledger with its filters, a problem
with its timeline and photos, and every step of its workflow, each calling the same service as
the page. Units are named by their codes; photos are multipart uploads (`photos`)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common import filestore, workdays
from ganchao.common.api import LocalDatetime, Page, PageRows, require_version
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.orgs.scoping import scope_of
from ganchao.problems import api_sheet, selectors, services
from ganchao.problems.choices import EventKind, PhotoStage, State

router = Router(tags=["沉到一线：问题台账"])
router.add_router("/", api_sheet.router)


class ProblemSummaryOut(Schema):
    id: int
    number: str
    source: str
    place_type: str
    place: str
    category: str
    severity: str
    description: str
    legacy: bool
    blocks_project: bool
    owner_unit_code: str
    owner_unit: str
    found_on: dt.date
    deadline: dt.date
    state: str
    overdue: bool
    recurrence_count: int
    item_id: int | None
    version: int
    calendar_provisional: bool


class ProblemEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: str
    at: LocalDatetime
    note: str
    from_state: str
    to_state: str


class ProblemPhotoOut(Schema):
    id: int
    stage: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: LocalDatetime
    event_id: int | None
    url: str
    thumbnail_url: str


class ProblemOut(ProblemSummaryOut):
    place_unit_code: str | None
    found_by: str | None
    found_by_unit_code: str | None
    measures: str
    matter_id: int | None
    case_id: int | None
    finding_id: int | None
    recurrence_of_id: int | None
    closed_at: LocalDatetime | None
    closed_by: str | None
    may_plan: bool
    may_report: bool
    may_verify: bool
    may_edit: bool
    events: list[ProblemEventOut]
    photos: list[ProblemPhotoOut]


class ProblemFilters(Schema):
    place_type: str = ""
    unit: str = ""
    category: str = ""
    severity: str = ""
    state: str = ""
    age: str = ""
    source: str = ""
    legacy: bool | None = None
    overdue: bool | None = None
    blocks_project: bool | None = None
    q: str = ""


class ProblemCreateIn(Schema):
    source: str
    place_type: str
    place: str
    category: str
    severity: str
    description: str
    owner_unit: str
    legacy: bool = False
    blocks_project: bool = False
    found_on: dt.date | None = None
    deadline: dt.date | None = None
    place_unit: str | None = None
    item_id: int | None = None
    matter_id: int | None = None
    case_id: int | None = None


class ProblemPatch(Schema):
    place_type: str | None = None
    place: str | None = None
    place_unit: str | None = None
    category: str | None = None
    severity: str | None = None
    description: str | None = None
    legacy: bool | None = None
    blocks_project: bool | None = None
    owner_unit: str | None = None
    deadline: dt.date | None = None
    item_id: int | None = None
    matter_id: int | None = None
    case_id: int | None = None
    expected_version: int | None = None


class ProblemPlanIn(Schema):
    measures: str
    deadline: dt.date | None = None


class ProblemVerifyIn(Schema):
    accept: bool
    note: str = ""


class FindingProblemIn(Schema):
    owner_unit: str
    category: str
    severity: str | None = None
    place_type: str
    place: str = ""
    item_id: int | None = None
    blocks_project: bool = False
    also_matter: bool = False
    urgency: str = "normal"
    person: str = ""


class ProblemSettingsOut(Schema):
    recurrence_window_days: int
    deadline_general_days: int
    deadline_serious_days: int
    deadline_severe_days: int
    escalate_after_working_days: int


class ProblemSettingsIn(Schema):
    recurrence_window_days: int | None = None
    deadline_general_days: int | None = None
    deadline_serious_days: int | None = None
    deadline_severe_days: int | None = None
    escalate_after_working_days: int | None = None


class ProblemAgeCountOut(Schema):
    bucket: str
    count: int


# ---- shapes ------------------------------------------------------------------------------------


def _provisional(year: int, memo: dict) -> bool:
    """The deadline rests on a year whose holiday schedule is not known yet (DESIGN 3.11): asked
    once per year and request."""
    if year not in memo:
        memo[year] = workdays.is_provisional_year(year)
    return memo[year]


def _summary_out(problem, today=None, memo=None) -> dict:
    return {
        "id": problem.pk,
        "number": problem.number,
        "source": problem.source,
        "place_type": problem.place_type,
        "place": problem.place,
        "category": problem.category,
        "severity": problem.severity,
        "description": problem.description,
        "legacy": problem.legacy,
        "blocks_project": problem.blocks_project,
        "owner_unit_code": problem.owner_unit.code,
        "owner_unit": problem.owner_unit.name,
        "found_on": problem.found_on,
        "deadline": problem.deadline,
        "state": problem.state,
        "overdue": selectors.is_overdue(problem, today),
        "recurrence_count": problem.recurrence_count,
        "item_id": problem.item_id,
        "version": problem.version,
        "calendar_provisional": _provisional(problem.deadline.year, {} if memo is None else memo),
    }


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _photo_out(problem, photo) -> dict:
    url = f"/api/v1/problems/{problem.pk}/photos/{photo.pk}"
    return {
        "id": photo.pk,
        "stage": photo.stage,
        "original_name": photo.original_name,
        "content_type": photo.content_type,
        "size": photo.size,
        "sha256": photo.sha256,
        "uploaded_by": photo.uploaded_by.display_name,
        "uploaded_at": photo.uploaded_at,
        "event_id": photo.event_id,
        "url": url,
        "thumbnail_url": f"{url}?thumb=1",
    }


def problem_out(actor, problem) -> dict:
    """The problem as GET /problems/{id} answers, with the steps the actor may take."""
    unclosed = problem.state != State.CLOSED
    return {
        **_summary_out(problem),
        "place_unit_code": problem.place_unit.code if problem.place_unit else None,
        "found_by": _name(problem.found_by),
        "found_by_unit_code": problem.found_by_unit.code if problem.found_by_unit else None,
        "measures": problem.measures,
        "matter_id": problem.matter_id,
        "case_id": problem.case_id,
        "finding_id": problem.finding_id,
        "recurrence_of_id": problem.recurrence_of_id,
        "closed_at": problem.closed_at,
        "closed_by": _name(problem.closed_by),
        "may_plan": problem.state in (State.OPEN, State.REOPENED)
        and services.may_handle(actor, problem),
        "may_report": problem.state == State.RECTIFYING and services.may_handle(actor, problem),
        "may_verify": problem.state == State.VERIFYING and services.may_verify(actor, problem),
        "may_edit": unclosed and services.may_edit(actor, problem),
        "events": [
            {
                "id": event.pk,
                "kind": event.kind,
                "kind_label": str(EventKind(event.kind).label),
                "actor": _name(event.actor) or _("系统"),
                "at": event.at,
                "note": event.note,
                "from_state": event.from_state,
                "to_state": event.to_state,
            }
            for event in problem.events.all()
        ],
        "photos": [_photo_out(problem, photo) for photo in problem.photos.all()],
    }


def _fresh(actor, problem_id) -> dict:
    return problem_out(actor, selectors.problem_get(actor, problem_id))


# ---- looking up what a body names ----------------------------------------------------------


def _unit(code, field: str):
    from ganchao.orgs.models import Unit

    if code is None:
        return None
    unit = Unit.objects.filter(code=str(code).strip()).first() if str(code).strip() else None
    if unit is None:
        raise ValidationFailed.on(field, _("单位编码“%(code)s”不存在") % {"code": code})
    return unit


def _linked(actor, model_path: str, pk, field: str, label: str):
    """The linked goal item, matter or case, read through its app's scoped selector: an id the
    actor cannot read answers exactly as one that does not exist."""
    from ganchao.common.errors import NotFound
    from ganchao.enforcement.selectors import case_get
    from ganchao.goals.selectors import item_get
    from ganchao.supervision.matter_selectors import matter_get

    if pk is None:
        return None
    getters = {
        "goals.Item": lambda: item_get(actor, pk),
        "supervision.Matter": lambda: matter_get(actor=actor, pk=pk),
        "enforcement.Case": lambda: case_get(actor, pk),
    }
    try:
        return getters[model_path]()
    except NotFound:
        raise ValidationFailed.on(field, _("%(label)s不存在") % {"label": label}) from None


LINKS = (
    ("item_id", "item", "goals.Item", gettext_lazy("目标任务或重点项目")),
    ("matter_id", "matter", "supervision.Matter", gettext_lazy("督办事项")),
    ("case_id", "case", "enforcement.Case", gettext_lazy("执法案件")),
)


def _fields_of(actor, payload: dict) -> dict:
    """Body fields as the services take them: unit codes and link ids resolved."""
    fields = dict(payload)
    for name in ("owner_unit", "place_unit"):
        if name in fields:
            fields[name] = _unit(fields[name], name)
    for key, name, model_path, label in LINKS:
        if key in fields:
            fields[name] = _linked(actor, model_path, fields.pop(key), key, label)
    return fields


def _params(filters) -> dict:
    """Query filters as ledger_filter reads them (flags as "1"/"0")."""
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    for name in ("legacy", "overdue", "blocks_project"):
        if name in params:
            params[name] = "1" if params[name] else "0"
    return params


def _uploads(files) -> list:
    return list(files or [])


# ---- endpoints -------------------------------------------------------------------------------


@router.get("/problems", response=list[ProblemSummaryOut], summary="问题台账（可按条件筛选）")
@paginate(Page)
def problems(request, filters: Query[ProblemFilters]):
    params = _params(filters)
    rows = selectors.ledger_filter(selectors.problems_visible(request.user), params)
    today, memo = timezone.localdate(), {}
    return PageRows(
        rows.select_related("owner_unit").order_by("-found_on", "-id"),
        lambda problem: _summary_out(problem, today, memo),
        counted=rows,
    )


@router.get(
    "/problems/by-age", response=list[ProblemAgeCountOut], summary="未销号问题按发现时长统计"
)
def problems_by_age(request, filters: Query[ProblemFilters]):
    params = _params(filters)
    return selectors.open_by_age(request.user, params)


@router.post("/problems", response={201: ProblemOut}, summary="登记问题")
def problem_create(request, payload: ProblemCreateIn):
    problem = services.problem_create(
        actor=request.user, **_fields_of(request.user, payload.dict())
    )
    return Reply(201, _fresh(request.user, problem.pk))


@router.get(
    "/problems/{int:problem_id}", response=ProblemOut, summary="问题详情（含处理记录和照片）"
)
def problem_detail(request, problem_id: int):
    return _fresh(request.user, problem_id)


@router.patch("/problems/{int:problem_id}", response=ProblemOut, summary="修改问题")
def problem_update(request, problem_id: int, payload: ProblemPatch):
    problem = selectors.problem_get(request.user, problem_id)
    fields = payload.dict(exclude_unset=True)
    fields.pop("expected_version", None)
    with transaction.atomic():
        version = require_version(request, payload.expected_version, problem)
        services.problem_update(
            actor=request.user, problem=problem, version=version, **_fields_of(request.user, fields)
        )
    return _fresh(request.user, problem_id)


@router.post("/problems/{int:problem_id}/plan", response=ProblemOut, summary="制定整改措施")
def problem_plan(request, problem_id: int, payload: ProblemPlanIn):
    problem = selectors.problem_get(request.user, problem_id)
    services.problem_plan(
        actor=request.user, problem=problem, measures=payload.measures, deadline=payload.deadline
    )
    return _fresh(request.user, problem_id)


@router.post(
    "/problems/{int:problem_id}/report",
    response=ProblemOut,
    summary="报告整改完成（multipart：note、photos，至少一张整改后照片）",
)
def problem_report(
    request, problem_id: int, note: Form[str] = "", photos: File[list[UploadedFile]] = None
):
    problem = selectors.problem_get(request.user, problem_id)
    services.problem_report(actor=request.user, problem=problem, note=note, photos=_uploads(photos))
    return _fresh(request.user, problem_id)


@router.post("/problems/{int:problem_id}/verify", response=ProblemOut, summary="核验销号或退回整改")
def problem_verify(request, problem_id: int, payload: ProblemVerifyIn):
    problem = selectors.problem_get(request.user, problem_id)
    services.problem_verify(
        actor=request.user, problem=problem, accept=payload.accept, note=payload.note
    )
    return _fresh(request.user, problem_id)


@router.post(
    "/problems/{int:problem_id}/photos",
    response={201: list[ProblemPhotoOut]},
    summary="上传问题照片（multipart：stage=found|rectified、photos）",
)
def problem_photos_add(
    request,
    problem_id: int,
    stage: Form[str] = PhotoStage.FOUND,
    photos: File[list[UploadedFile]] = None,
):
    problem = selectors.problem_get(request.user, problem_id)
    rows = services.problem_add_photos(
        actor=request.user, problem=problem, stage=stage, photos=_uploads(photos)
    )
    problem = selectors.problem_get(request.user, problem_id)
    by_id = {photo.pk: photo for photo in problem.photos.all()}
    return Reply(201, [_photo_out(problem, by_id[row.pk]) for row in rows])


@router.get(
    "/problems/{int:problem_id}/photos/{int:photo_id}",
    response={200: None},
    summary="查看问题照片（?thumb=1 为缩略图；重新校验 SHA-256）",
)
def problem_photo(request, problem_id: int, photo_id: int, thumb: bool = False):
    photo = selectors.photo_get(request.user, problem_id, photo_id)
    handle = services.problem_photo_open(actor=request.user, photo=photo, thumb=thumb)
    name = photo.original_name
    if thumb:
        name = name.rsplit(".", 1)[0] + "_thumb.jpg"
    return filestore.file_response(
        handle,
        filename=name,
        content_type=filestore.JPEG if thumb else photo.content_type,
        inline=True,
    )


@router.post(
    "/visit-findings/{int:finding_id}/problem",
    response={201: ProblemOut},
    summary="调研发现问题转入问题台账（可同时转督办事项）",
)
def finding_problem(request, finding_id: int, payload: FindingProblemIn):
    fields = payload.dict()
    matter_fields = {}
    if fields["also_matter"]:
        matter_fields = {"urgency": fields["urgency"], "person": fields["person"]}
    problem = services.finding_to_problem(
        actor=request.user,
        finding_id=finding_id,
        owner_unit=_unit(fields["owner_unit"], "owner_unit"),
        category=fields["category"],
        severity=fields["severity"],
        place_type=fields["place_type"],
        place=fields["place"],
        item=_linked(request.user, "goals.Item", fields["item_id"], "item_id", LINKS[0][3]),
        blocks_project=fields["blocks_project"],
        also_matter=fields["also_matter"],
        **matter_fields,
    )
    return Reply(201, _fresh(request.user, problem.pk))


def _settings_out() -> dict:
    current = services.settings_get()
    return {name: getattr(current, name) for name in services.SETTING_LIMITS}


@router.get("/problem-settings", response=ProblemSettingsOut, summary="问题台账设置")
def settings_read(request):
    if not scope_of(request.user).is_staff_user:
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    return _settings_out()


@router.put("/problem-settings", response=ProblemSettingsOut, summary="修改问题台账设置（督查室）")
def settings_write(request, payload: ProblemSettingsIn):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    services.problem_settings_update(actor=request.user, **fields)
    return _settings_out()
