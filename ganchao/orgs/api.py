"""API: /me, /units, /units/tree, /units/{id}, /leaders."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.common.api import Page, PageRows
from ganchao.common.errors import NotFound
from ganchao.orgs import selectors
from ganchao.orgs.choices import UNIT_TYPE_BY_WORD
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

router = Router(tags=["单位与账号"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    type: str
    type_label: str
    parent_code: str | None
    category: str | None
    aliases: list[str]
    active: bool
    depth: int
    version: int


def unit_out(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "type_label": str(unit.get_type_display()),
        "parent_code": unit.parent.code if unit.parent_id else None,
        "category": unit.category.name if unit.category_id else None,
        "aliases": unit.aliases or [],
        "active": unit.active,
        "depth": unit.depth,
        "version": unit.version,
    }


class UnitDetailOut(UnitOut):
    ancestors: list[dict]
    children_count: int
    leaders: list[dict]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    unit_code: str | None
    unit: str | None
    roles: list[str]
    posts: list[str]
    leader: str | None
    principal: bool  # a principal leader (主要领导): reads their whole city


class AreaOut(Schema):
    unit_code: str
    unit: str
    start_date: dt.date


class LeaderOut(Schema):
    id: int
    name: str
    title: str
    principal: bool
    areas: list[AreaOut]


class TreeNode(Schema):
    id: int
    code: str
    name: str
    type: str
    active: bool
    children: list["TreeNode"]


def _staff(request):
    if not scope_of(request.user).reads_directory:
        raise Http404


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    scope = scope_of(user)
    posts = list(user.posts.filter(active=True).values_list("unit__code", flat=True))
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "unit_code": user.unit.code if user.unit_id else None,
        "unit": user.unit.name if user.unit_id else None,
        "roles": sorted(scope.roles),
        "posts": posts,
        "leader": user.leader.name if user.leader_id else None,
        "principal": scope.is_principal,
    }


@router.get("/units", response=list[UnitOut], summary="单位列表")
@paginate(Page)
def units(
    request,
    q: str = "",
    type: str = "",
    parent_code: str = "",
    category: str = "",
    active: bool | None = None,
):
    _staff(request)
    type = UNIT_TYPE_BY_WORD.get(type, type)
    units = selectors.unit_list(
        actor=request.user,
        q=q,
        type=type,
        parent_code=parent_code,
        category=category,
        active=active,
    )
    return PageRows(units, unit_out)


@router.get("/units/tree", response=list[TreeNode], summary="单位树")
def units_tree(request, active_only: bool = False):
    _staff(request)
    rows = selectors.unit_directory(actor=request.user, active_only=active_only)
    slim = ({k: r[k] for k in ("id", "code", "name", "type", "active", "parent_id")} for r in rows)
    return _strip(selectors.build_tree(slim))


def _strip(nodes):
    return [
        {
            "id": n["id"],
            "code": n["code"],
            "name": n["name"],
            "type": n["type"],
            "active": n["active"],
            "children": _strip(n["children"]),
        }
        for n in nodes
    ]


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="单位详情")
def unit_detail(request, unit_id: int):
    try:
        unit = selectors.unit_get(actor=request.user, pk=unit_id)
    except NotFound as exc:
        raise Http404 from exc
    leaders = [
        {"name": row["name"], "title": row["title"]}
        for row in selectors.leader_rows(actor=request.user)
        if any(a["id"] == unit.pk for a in row["areas"])
    ]
    return unit_out(unit) | {
        "ancestors": [{"code": a.code, "name": a.name} for a in selectors.unit_ancestors(unit)],
        "children_count": unit.children.count(),
        "leaders": leaders,
    }


@router.get("/leaders", response=list[LeaderOut], summary="市级领导及分管单位")
@paginate(Page)
def leaders(request):
    _staff(request)
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "title": row["title"],
            "principal": row["principal"],
            "areas": [
                {"unit_code": a["code"], "unit": a["name"], "start_date": a["since"]}
                for a in row["areas"]
            ],
        }
        for row in selectors.leader_rows(actor=request.user)
    ]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    unit_code: str | None
    unit: str | None
    roles: list[str]
    active: bool
    version: int


def user_out(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "unit_code": user.unit.code if user.unit_id else None,
        "unit": user.unit.name if user.unit_id else None,
        "roles": sorted(g.role for g in user.role_grants.all()),
        "active": user.is_active,
        "version": user.version,
    }


@router.get("/users", response=list[UserOut], summary="用户列表（本人查看范围内）")
@paginate(Page)
def users(request, q: str = "", unit_code: str = "", role: str = "", active: bool | None = None):
    return PageRows(
        selectors.user_list(actor=request.user, q=q, unit_code=unit_code, role=role, active=active),
        user_out,
    )


@router.get("/users/{user_id}", response=UserOut, summary="用户详情")
def user_detail(request, user_id: int):
    try:
        return user_out(selectors.user_get(actor=request.user, pk=user_id))
    except NotFound as exc:
        raise Http404 from exc
