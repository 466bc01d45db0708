"""API twins of the administrators' pages (DESIGN.md 3.1, 3.7): units (create, change,
(de)activate, the unit sheet), leaders and their areas, users, roles, posts, password resets and
unlocks. Each operation calls the service its page calls, so the permission rules are the same:
units, leaders and users are the system administrator's; business roles either administrator's,
administrator roles the security administrator's (never one's own); password resets and unlocks
the security administrator's (an administrator's password through /password-resets, approved by
a second administrator).

The operations join the orgs router (a path such as /units has its GET there, and one path must
live in one router); config/api.py imports this module before mounting it.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.accounts.services import account_unlock, password_reset
from ganchao.common.api import DbInt, NonBlankStr, SheetOut, require_version, sheet_answer
from ganchao.common.errors import FieldError, NotFound, ValidationFailed
from ganchao.orgs import imports, selectors, services
from ganchao.orgs.api import UnitOut, UserOut, router, unit_out, user_out
from ganchao.orgs.models import Leader, LeaderArea, Post, Unit, UnitCategory


class UnitIn(Schema):
    name: NonBlankStr
    type: str
    parent_code: str | None = None
    code: str = ""
    category: str | None = None
    aliases: list[str] = []
    sort_order: DbInt = 0


class UnitPatch(Schema):
    name: str | None = None
    type: str | None = None
    parent_code: str | None = None
    category: str | None = None
    aliases: list[str] | None = None
    sort_order: DbInt | None = None
    expected_version: int | None = None


class ActiveIn(Schema):
    active: bool
    reason: str = ""


class LeaderIn(Schema):
    name: str
    title: str = ""
    sort_order: DbInt = 0
    principal: bool | None = None


class LeaderPatch(Schema):
    name: str | None = None
    title: str | None = None
    sort_order: DbInt | None = None
    principal: bool | None = None
    active: bool | None = None
    expected_version: int | None = None


class AreasIn(Schema):
    unit_codes: list[str]
    on: dt.date | None = None


class LeaderAreaOut(Schema):
    unit_code: str
    unit: str
    start_date: dt.date


class LeaderWriteOut(Schema):
    id: int
    name: str
    title: str
    principal: bool
    active: bool
    version: int
    areas: list[LeaderAreaOut]


class UserIn(Schema):
    username: str
    full_name: str
    unit_code: str
    roles: list[str] = []
    password: str
    phone: str = ""
    email: str = ""
    leader_id: int | None = None


class UserPatch(Schema):
    full_name: str | None = None
    unit_code: str | None = None
    phone: str | None = None
    email: str | None = None
    leader_id: int | None = None
    expected_version: int | None = None


class RoleIn(Schema):
    role: str


class PasswordIn(Schema):
    new_password: str


def _unit(code: str | None, field: str) -> Unit | None:
    if code in (None, ""):
        return None
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise ValidationFailed.on(field, _("找不到编码为“%(code)s”的单位") % {"code": code})
    return unit


def _category(name: str | None) -> UnitCategory | None:
    """A category by its name or code, as the unit sheet writes it."""
    if name in (None, ""):
        return None
    category = (
        UnitCategory.objects.filter(name=name).first()
        or UnitCategory.objects.filter(code=name).first()
    )
    if category is None:
        raise ValidationFailed.on("category", _("找不到单位类别“%(name)s”") % {"name": name})
    return category


def _leader(pk: int | None) -> Leader | None:
    if pk is None:
        return None
    leader = Leader.objects.filter(pk=pk, active=True).first()
    if leader is None:
        raise ValidationFailed.on("leader_id", _("找不到该在任市级领导"))
    return leader


def leader_out(leader: Leader) -> dict:
    today = timezone.localdate()
    current = (
        LeaderArea.objects.filter(leader=leader, start_date__lte=today)
        .exclude(end_date__lt=today)
        .select_related("unit")
        .order_by("unit__path")
    )
    return {
        "id": leader.pk,
        "name": leader.name,
        "title": leader.title,
        "principal": leader.principal,
        "version": leader.version,
        "active": leader.active,
        "areas": [
            {"unit_code": a.unit.code, "unit": a.unit.name, "start_date": a.start_date}
            for a in current
        ],
    }


def _refuse_nulls(given: dict, fields: tuple[str, ...]) -> None:
    """A PATCH may leave a field out, not set a required one to null."""
    nulls = [name for name in fields if name in given and given[name] is None]
    if nulls:
        raise ValidationFailed(
            _("不能为空：%(fields)s") % {"fields": "、".join(nulls)},
            [FieldError(name, _("不能为空")) for name in nulls],
        )


def _user(request, user_id: int):
    return selectors.user_get(actor=request.user, pk=user_id)


def _user_answer(request, user_id: int) -> dict:
    return user_out(_user(request, user_id))


# ---------------------------------------------------------------------------- units


@router.post("/units", response={201: UnitOut}, summary="新增单位（系统管理员）")
def unit_create(request, payload: UnitIn):
    unit = services.unit_create(
        actor=request.user,
        name=payload.name,
        code=payload.code,
        type=payload.type,
        parent=_unit(payload.parent_code, "parent_code"),
        category=_category(payload.category),
        aliases=payload.aliases,
        sort_order=payload.sort_order,
    )
    return Reply(201, unit_out(selectors.unit_get(actor=request.user, pk=unit.pk)))


@router.patch("/units/{unit_id}", response=UnitOut, summary="修改单位（系统管理员）")
def unit_edit(request, unit_id: int, payload: UnitPatch):
    unit = selectors.unit_get(actor=request.user, pk=unit_id)
    given = payload.dict(exclude_unset=True)
    _refuse_nulls(given, ("name", "type", "aliases", "sort_order"))
    values = {k: given[k] for k in ("name", "type", "aliases", "sort_order") if k in given}
    if "parent_code" in given:
        values["parent"] = _unit(given["parent_code"], "parent_code")
    if "category" in given:
        values["category"] = _category(given["category"])
    version = require_version(request, payload.expected_version, unit)
    services.unit_update(actor=request.user, unit=unit, expected_version=version, **values)
    return unit_out(selectors.unit_get(actor=request.user, pk=unit_id))


@router.post(
    "/units/{unit_id}/active",
    response=UnitOut,
    summary="启用或停用单位（停用前须先停用其下级；历史记录保留原名称）",
)
def unit_toggle(request, unit_id: int, payload: ActiveIn):
    unit = selectors.unit_get(actor=request.user, pk=unit_id)
    services.unit_set_active(
        actor=request.user, unit=unit, active=payload.active, reason=payload.reason
    )
    return unit_out(selectors.unit_get(actor=request.user, pk=unit_id))


@router.post(
    "/unit-sheet",
    response=SheetOut,
    summary="导入单位及领导分工表（multipart；dry_run=true 只检查不写入，系统管理员）",
)
def unit_sheet(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    result = imports.unit_sheet_import(
        actor=request.user, data=file.read(), filename=file.name, dry_run=dry_run
    )
    return sheet_answer(result, dry_run=dry_run)


# ---------------------------------------------------------------------------- leaders


@router.post("/leaders", response={201: LeaderWriteOut}, summary="新增市级领导（系统管理员）")
def leader_create(request, payload: LeaderIn):
    leader = services.leader_create(actor=request.user, **payload.dict())
    return Reply(201, leader_out(leader))


@router.patch("/leaders/{leader_id}", response=LeaderWriteOut, summary="修改领导信息")
def leader_edit(request, leader_id: int, payload: LeaderPatch):
    leader = selectors.leader_get(actor=request.user, pk=leader_id)
    values = payload.dict(exclude_unset=True)
    values.pop("expected_version", None)
    version = require_version(request, payload.expected_version, leader)
    leader = services.leader_update(
        actor=request.user, leader=leader, expected_version=version, **values
    )
    return leader_out(leader)


@router.put(
    "/leaders/{leader_id}/areas",
    response=LeaderWriteOut,
    summary="调整分管单位（自生效日期起；原分管记录保留起止日期）",
)
def leader_areas(request, leader_id: int, payload: AreasIn):
    leader = selectors.leader_get(actor=request.user, pk=leader_id)
    found = {u.code: u for u in Unit.objects.filter(code__in=payload.unit_codes)}
    missing = [c for c in payload.unit_codes if c not in found]
    if missing:
        raise ValidationFailed.on(
            "unit_codes", _("找不到这些单位编码：%(codes)s") % {"codes": "、".join(missing)}
        )
    units = [found[c] for c in dict.fromkeys(payload.unit_codes)]
    services.leader_area_set(actor=request.user, leader=leader, units=units, on=payload.on)
    return leader_out(leader)


# ---------------------------------------------------------------------------- users


@router.post("/users", response={201: UserOut}, summary="新增用户（系统管理员；首次登录须改密码）")
def user_create(request, payload: UserIn):
    user = services.user_create(
        actor=request.user,
        username=payload.username,
        full_name=payload.full_name,
        unit=_unit(payload.unit_code, "unit_code"),
        roles=payload.roles,
        password=payload.password,
        phone=payload.phone,
        email=payload.email,
        leader=_leader(payload.leader_id),
    )
    return Reply(201, _user_answer(request, user.pk))


@router.patch("/users/{user_id}", response=UserOut, summary="修改用户信息（系统管理员）")
def user_edit(request, user_id: int, payload: UserPatch):
    subject = _user(request, user_id)
    given = payload.dict(exclude_unset=True)
    _refuse_nulls(given, ("full_name", "phone", "email"))
    values = {k: given[k] for k in ("full_name", "phone", "email") if k in given}
    if "unit_code" in given:
        values["unit"] = _unit(given["unit_code"], "unit_code")
        if values["unit"] is None:
            raise ValidationFailed.on("unit_code", _("请填写所在单位编码"))
    if "leader_id" in given:
        values["leader"] = _leader(given["leader_id"])
    version = require_version(request, payload.expected_version, subject)
    services.user_update(actor=request.user, user=subject, expected_version=version, **values)
    return _user_answer(request, user_id)


@router.post("/users/{user_id}/roles", response=UserOut, summary="授予角色")
def user_role_grant(request, user_id: int, payload: RoleIn):
    services.role_grant(actor=request.user, user=_user(request, user_id), role=payload.role)
    return _user_answer(request, user_id)


@router.delete("/users/{user_id}/roles/{role}", response=UserOut, summary="撤销角色")
def user_role_revoke(request, user_id: int, role: str):
    services.role_revoke(actor=request.user, user=_user(request, user_id), role=role)
    return _user_answer(request, user_id)


@router.post("/users/{user_id}/active", response=UserOut, summary="启用或停用账号")
def user_active(request, user_id: int, payload: ActiveIn):
    services.user_set_active(
        actor=request.user,
        user=_user(request, user_id),
        active=payload.active,
        reason=payload.reason,
    )
    return _user_answer(request, user_id)


@router.post(
    "/users/{user_id}/password-reset",
    response={204: None},
    summary="设置临时密码（安全管理员；用户下次登录时须修改。管理员账号须改用 "
    "POST /password-resets 申请，经另一名管理员批准）",
)
def user_password_reset(request, user_id: int, payload: PasswordIn):
    # No transaction around the service: a refusal is recorded in one of its own and must
    # outlive the error.
    password_reset(
        actor=request.user, user=_user(request, user_id), new_password=payload.new_password
    )
    return Reply(204, None)


@router.post("/users/{user_id}/unlock", response=UserOut, summary="解除登录锁定（安全管理员）")
def user_unlock(request, user_id: int):
    account_unlock(actor=request.user, user=_user(request, user_id))
    return _user_answer(request, user_id)


@router.delete("/users/{user_id}/posts/{post_id}", response=UserOut, summary="撤销兼职")
def user_post_remove(request, user_id: int, post_id: int):
    subject = _user(request, user_id)
    post = Post.objects.filter(user=subject, pk=post_id, active=True).select_related("unit").first()
    if post is None:
        raise NotFound(_("该兼职不存在"))
    services.post_remove(actor=request.user, post=post)
    return _user_answer(request, user_id)
