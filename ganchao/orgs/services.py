"""Writes on units, categories, leaders, users, roles and posts. Each runs in one transaction
and records its audit event there.

三员分立 (LEGAL_RULES C5): the system administrator manages units, leaders and accounts and may
give an account business roles, but never an administrator role, and no role to itself; the
security administrator grants and revokes every role, administrator roles included, but never
its own; no account holds two administrator roles or one with a business role. A refused grant,
revocation or account creation is recorded (success=false) in a transaction of its own before
the refusal is raised, so that the record survives it."""

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff, in_transaction_record
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import (
    EXCLUSIVE_ROLES,
    ROOT_TYPES,
    WORD_BY_UNIT_TYPE,
    Role,
    UnitType,
    parent_allowed,
)
from ganchao.orgs.models import Leader, LeaderArea, Post, RoleGrant, Unit, UnitCategory, User
from ganchao.orgs.scoping import scope_of

UNIT_FIELDS = (
    "code",
    "name",
    "type",
    "parent_id",
    "category_id",
    "aliases",
    "sort_order",
    "active",
)
USER_FIELDS = ("username", "full_name", "phone", "email", "unit_id", "leader_id", "is_active")


def _require(actor, *roles) -> None:
    if actor is not None and not scope_of(actor).has(*roles):
        raise Forbidden(_("您没有执行此操作的权限"))


def _refuse(*, actor, action: str, user, message: str, changes: dict | None = None):
    """Record the refused administrative action, then raise Forbidden with `message`."""
    target = Target.of(user, "user") if user is not None and user.pk else None
    in_transaction_record(
        actor=actor, action=action, target=target, changes=changes, reason=message, success=False
    )
    raise Forbidden(message)


def _snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


# ---- units -----------------------------------------------------------------------------


def generate_unit_code(parent: Unit | None, taken: set[str]) -> str:
    """A new stable code: the parent's code plus a 3-digit sequence (root: "U" + random)."""
    if parent is None:
        while (code := f"U{secrets.randbelow(10**6):06d}") in taken:
            pass
        return code
    number = 1
    while f"{parent.code}{number:03d}" in taken:
        number += 1
    return f"{parent.code}{number:03d}"


def validate_unit_placement(
    *, type: str, parent: Unit | None, name: str, unit: Unit | None = None
) -> None:
    if type not in UnitType.values:
        raise ValidationFailed.on("type", _("单位类型无效"))
    if parent is None and type not in ROOT_TYPES:
        raise ValidationFailed.on("parent", _("只有省或市可以作为根单位"))
    if (
        parent is None
        and Unit.objects.filter(parent__isnull=True).exclude(pk=getattr(unit, "pk", None)).exists()
    ):
        raise ValidationFailed.on("parent", _("已有根单位，请选择上级单位"))
    if parent is not None and not parent_allowed(type, parent.type):
        raise ValidationFailed.on(
            "type",
            _("%(child)s不能设在%(parent)s之下")
            % {"child": WORD_BY_UNIT_TYPE[type], "parent": WORD_BY_UNIT_TYPE[parent.type]},
        )
    if unit is not None and parent is not None and parent.path.startswith(unit.path):
        raise ValidationFailed.on("parent", _("上级单位不能是本单位或其下级"))
    clash = Unit.objects.filter(parent=parent, name=name).exclude(pk=getattr(unit, "pk", None))
    if clash.exists():
        raise ValidationFailed.on(
            "name", _("同一上级单位下已有名为“%(name)s”的单位") % {"name": name}
        )


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    type: str,
    parent: Unit | None,
    code: str = "",
    category=None,
    aliases=(),
    sort_order: int = 0,
) -> Unit:
    _require(actor, Role.SYSTEM_ADMIN)
    name = name.strip()
    if not name:
        raise ValidationFailed.on("name", _("请填写单位名称"))
    validate_unit_placement(type=type, parent=parent, name=name)
    code = code.strip() or generate_unit_code(
        parent, set(Unit.objects.values_list("code", flat=True))
    )
    if Unit.objects.filter(code=code).exists():
        raise ValidationFailed.on("code", _("单位编码“%(code)s”已被使用") % {"code": code})
    unit = Unit.objects.create(
        code=code,
        name=name,
        type=type,
        parent=parent,
        category=category,
        aliases=list(aliases),
        sort_order=sort_order,
    )
    unit.path = Unit.path_for(parent.path if parent else "", unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    audit_record(
        actor=actor,
        action="unit.create",
        target=Target.of(unit, "unit"),
        changes=diff({}, _snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(
    *, actor, unit: Unit, expected_version: int | None = None, audit: bool = True, **values
) -> Unit:
    """Change a unit's fields; moving it re-roots the paths of its whole subtree."""
    _require(actor, Role.SYSTEM_ADMIN)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if expected_version is not None and unit.version != expected_version:
        raise Conflict(_("该单位已被他人修改，请刷新后重试"))
    before = _snapshot(unit, UNIT_FIELDS)
    new_parent = values.get("parent", unit.parent)
    new_type = values.get("type", unit.type)
    new_name = values.get("name", unit.name).strip()
    if (new_parent, new_type, new_name) != (unit.parent, unit.type, unit.name):
        validate_unit_placement(type=new_type, parent=new_parent, name=new_name, unit=unit)
    for key, value in values.items():
        setattr(unit, key, value.strip() if key == "name" else value)
    changes = diff(before, _snapshot(unit, UNIT_FIELDS))
    if not changes:
        return unit
    unit.version += 1
    unit.save()
    if "parent_id" in changes:
        _move_subtree(unit, new_parent)
    if audit:
        audit_record(
            actor=actor, action="unit.update", target=Target.of(unit, "unit"), changes=changes
        )
    return unit


def _move_subtree(unit: Unit, parent: Unit | None) -> None:
    old_path = unit.path
    new_path = Unit.path_for(parent.path if parent else "", unit.pk)
    depth_shift = (parent.depth + 1 if parent else 0) - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    unit.refresh_from_db(fields=["path", "depth"])


@transaction.atomic
def unit_set_active(*, actor, unit: Unit, active: bool, reason: str = "") -> Unit:
    _require(actor, Role.SYSTEM_ADMIN)
    if unit.active == active:
        return unit
    if (
        not active
        and Unit.objects.filter(path__startswith=unit.path, active=True)
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationFailed.on("active", _("请先停用其下级单位"))
    if active and unit.parent_id and not unit.parent.active:
        raise ValidationFailed.on("active", _("上级单位已停用，请先启用上级单位"))
    unit.active = active
    unit.version += 1
    unit.save(update_fields=["active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="unit.activate" if active else "unit.deactivate",
        target=Target.of(unit, "unit"),
        changes={"active": {"before": not active, "after": active}},
        reason=reason,
    )
    return unit


@transaction.atomic
def category_create(*, actor, name: str, code: str = "", sort_order: int = 0) -> UnitCategory:
    _require(actor, Role.SYSTEM_ADMIN)
    name = name.strip()
    if not name:
        raise ValidationFailed.on("name", _("请填写类别名称"))
    if UnitCategory.objects.filter(name=name).exists():
        raise ValidationFailed.on("name", _("已有名为“%(name)s”的单位类别") % {"name": name})
    code = code.strip() or f"C{UnitCategory.objects.count() + 1:03d}"
    while UnitCategory.objects.filter(code=code).exists():
        code = f"{code}x"
    category = UnitCategory.objects.create(code=code, name=name, sort_order=sort_order)
    audit_record(
        actor=actor,
        action="category.create",
        target=Target.of(category, "unitcategory"),
        changes=diff({}, {"code": code, "name": name}),
    )
    return category


# ---- leaders ---------------------------------------------------------------------------


PRINCIPAL_TITLES = ("市长", "市委书记")


def principal_by_title(title: str) -> bool:
    """The mark a leader gets from their 职务 when nobody set it: the 市长 and the 市委书记."""
    return (title or "").strip() in PRINCIPAL_TITLES


@transaction.atomic
def leader_create(
    *, actor, name: str, title: str = "", sort_order: int = 0, principal: bool | None = None
) -> Leader:
    """A new leader; `principal` (主要领导, reads the whole city) follows the title when None."""
    _require(actor, Role.SYSTEM_ADMIN)
    name = name.strip()
    if not name:
        raise ValidationFailed.on("name", _("请填写领导姓名"))
    if Leader.objects.filter(name=name, active=True).exists():
        raise ValidationFailed.on("name", _("已有在任领导“%(name)s”") % {"name": name})
    if principal is None:
        principal = principal_by_title(title)
    leader = Leader.objects.create(
        name=name, title=title.strip(), sort_order=sort_order, principal=principal
    )
    audit_record(
        actor=actor,
        action="leader.create",
        target=Target.of(leader, "leader"),
        changes=diff({}, {"name": name, "title": leader.title, "principal": principal}),
    )
    return leader


def _clean_leader_values(leader: Leader, values: dict) -> dict:
    """An API client may send null or an empty name: each field keeps its type and a name."""
    if values.get("title", "") is None:
        values["title"] = ""
    for key, value in values.items():
        if value is None:
            raise ValidationFailed.on(key, _("不能为空"))
    if "name" in values:
        values["name"] = str(values["name"]).strip()
        if not values["name"]:
            raise ValidationFailed.on("name", _("请填写领导姓名"))
        if len(values["name"]) > 50:
            raise ValidationFailed.on("name", _("最多 50 个字符"))
        taken = Leader.objects.filter(name=values["name"], active=True).exclude(pk=leader.pk)
        if taken.exists():
            raise ValidationFailed.on(
                "name", _("已有在任领导“%(name)s”") % {"name": values["name"]}
            )
    if "title" in values:
        values["title"] = str(values["title"]).strip()
        if len(values["title"]) > 100:
            raise ValidationFailed.on("title", _("最多 100 个字符"))
    return values


@transaction.atomic
def leader_update(
    *, actor, leader: Leader, expected_version: int | None = None, **values
) -> Leader:
    _require(actor, Role.SYSTEM_ADMIN)
    if expected_version is not None:
        leader = Leader.objects.select_for_update().get(pk=leader.pk)
        if leader.version != expected_version:
            raise Conflict(_("该领导信息已被他人修改，请刷新后重试"))
    fields = ("name", "title", "sort_order", "active", "principal")
    before = _snapshot(leader, fields)
    values = _clean_leader_values(leader, values)
    for key, value in values.items():
        setattr(leader, key, value)
    changes = diff(before, _snapshot(leader, fields))
    if changes:
        leader.version += 1
        leader.save()
        audit_record(
            actor=actor, action="leader.update", target=Target.of(leader, "leader"), changes=changes
        )
    return leader


@transaction.atomic
def leader_area_set(*, actor, leader: Leader, units: list[Unit], on: dt.date | None = None) -> bool:
    """Make `units` the leader's current areas from `on`: new ones start, dropped ones end."""
    _require(actor, Role.SYSTEM_ADMIN)
    on = on or timezone.localdate()
    current = {
        a.unit_id: a for a in LeaderArea.objects.filter(leader=leader, end_date__isnull=True)
    }
    wanted = {u.pk: u for u in units}
    ended = [a for uid, a in current.items() if uid not in wanted]
    started = [u for uid, u in wanted.items() if uid not in current]
    if not ended and not started:
        return False
    for area in ended:
        area.end_date = max(on - dt.timedelta(days=1), area.start_date)
        area.save(update_fields=["end_date"])
    LeaderArea.objects.bulk_create(
        [LeaderArea(leader=leader, unit=u, start_date=on) for u in started]
    )
    audit_record(
        actor=actor,
        action="leader.area_set",
        target=Target.of(leader, "leader"),
        changes={
            "areas": {
                "before": sorted(a.unit.code for a in current.values()),
                "after": sorted(u.code for u in units),
            }
        },
    )
    return True


# ---- users -----------------------------------------------------------------------------


def _check_unit_for_roles(unit: Unit | None, roles) -> None:
    if unit is None:
        raise ValidationFailed.on("unit", _("请选择所在单位"))
    if unit.parent_id is None and ({Role.OFFICE, Role.LEADER} & set(roles)):
        raise ValidationFailed.on(
            "unit", _("督查室和市级领导账号须属于其办公室单位，不能属于根单位")
        )


def _check_contact(*, full_name: str | None = None, phone=None, email=None) -> None:
    """Name, phone and e-mail as the user form checks them (an API client skips the form)."""
    if full_name is not None:
        if not full_name.strip():
            raise ValidationFailed.on("full_name", _("请填写姓名"))
        if len(full_name.strip()) > 50:
            raise ValidationFailed.on("full_name", _("姓名最多 50 个字符"))
    if phone is not None and len(phone) > 30:
        raise ValidationFailed.on("phone", _("联系电话最多 30 个字符"))
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed.on("email", _("电子邮箱格式不正确")) from None


def _check_exclusive(roles) -> None:
    admin_roles = EXCLUSIVE_ROLES & set(roles)
    if len(admin_roles) > 1:
        raise ValidationFailed.on(
            "roles", _("系统管理员、安全管理员和审计管理员不能由同一账号兼任")
        )
    if admin_roles and set(roles) - EXCLUSIVE_ROLES:
        raise ValidationFailed.on(
            "roles", _("系统管理员、安全管理员和审计管理员账号不能兼任业务角色")
        )


def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    unit: Unit,
    roles=(),
    password: str | None = None,
    phone: str = "",
    email: str = "",
    leader: Leader | None = None,
    policy_exempt: bool = False,
) -> User:
    """Create an account; it must change its password at first login (seed accounts excepted).
    The system administrator creates accounts with business roles only: an administrator role
    is granted afterwards by the security administrator (role_grant)."""
    _require(actor, Role.SYSTEM_ADMIN)
    admin_roles = sorted(EXCLUSIVE_ROLES & {str(role) for role in roles})
    if actor is not None and admin_roles:
        _refuse(
            actor=actor,
            action="user.create",
            user=None,
            message=_(
                "系统管理员不能创建持有管理员角色（系统管理员、安全管理员、审计管理员）的账号；"
                "请先创建不含管理员角色的账号，再由安全管理员授予"
            ),
            changes={"username": {"before": None, "after": username}, "roles": admin_roles},
        )
    with transaction.atomic():
        return _user_create(
            actor=actor,
            username=username,
            full_name=full_name,
            unit=unit,
            roles=roles,
            password=password,
            phone=phone,
            email=email,
            leader=leader,
            policy_exempt=policy_exempt,
        )


def _user_create(
    *, actor, username, full_name, unit, roles, password, phone, email, leader, policy_exempt
) -> User:
    username = username.strip()
    if not username:
        raise ValidationFailed.on("username", _("请填写用户名"))
    taken = User.objects.filter(username__iexact=username).values_list("username", flat=True)
    if taken:
        raise ValidationFailed.on("username", _username_taken_message(username, taken[0]))
    if len(username) > 150:
        raise ValidationFailed.on("username", _("用户名最多 150 个字符"))
    unknown = [str(role) for role in roles if role not in Role.values]
    if unknown:
        raise ValidationFailed.on("roles", _("角色无效：%(roles)s") % {"roles": "、".join(unknown)})
    _check_contact(full_name=full_name, phone=phone, email=email)
    _check_exclusive(roles)
    _check_unit_for_roles(unit, roles)
    user = User(
        username=username,
        full_name=full_name.strip(),
        unit=unit,
        phone=phone,
        email=email,
        leader=leader,
        password_policy_exempt=policy_exempt,
        must_change_password=not policy_exempt,
    )
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed.on("password", "；".join(exc.messages)) from exc
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role) for role in dict.fromkeys(roles)]
    )
    after = _snapshot(user, USER_FIELDS) | {"roles": sorted(roles)}
    audit_record(
        actor=actor, action="user.create", target=Target.of(user, "user"), changes=diff({}, after)
    )
    return user


def _username_taken_message(username: str, existing: str) -> str:
    if existing == username:
        return _("用户名“%(name)s”已被使用") % {"name": username}
    return _(
        "用户名“%(name)s”与已有账号“%(existing)s”只有大小写不同；用户名不区分大小写，请换一个用户名"
    ) % {"name": username, "existing": existing}


@transaction.atomic
def user_update(*, actor, user: User, expected_version: int | None = None, **values) -> User:
    _require(actor, Role.SYSTEM_ADMIN)
    user = User.objects.select_for_update().get(pk=user.pk)
    if expected_version is not None and user.version != expected_version:
        raise Conflict(_("该用户已被他人修改，请刷新后重试"))
    before = _snapshot(user, USER_FIELDS)
    _check_contact(**{k: values[k] for k in ("full_name", "phone", "email") if k in values})
    if "full_name" in values:
        values["full_name"] = values["full_name"].strip()
    for key, value in values.items():
        setattr(user, key, value)
    if "unit" in values:
        _check_unit_for_roles(
            user.unit, RoleGrant.objects.filter(user=user).values_list("role", flat=True)
        )
    changes = diff(before, _snapshot(user, USER_FIELDS))
    if changes:
        user.version += 1
        user.save()
        audit_record(
            actor=actor, action="user.update", target=Target.of(user, "user"), changes=changes
        )
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    _require(actor, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationFailed.on("is_active", _("不能停用自己的账号"))
    if user.is_active == active:
        return user
    if not active and (last := last_active_admin_role(user)):
        raise ValidationFailed.on(
            "is_active",
            _("%(role)s“%(name)s”是最后一名在用的%(role)s，不能停用")
            % {"role": Role(last).label, "name": user.display_name},
        )
    user.is_active = active
    user.version += 1
    user.save(update_fields=["is_active", "version"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target=Target.of(user, "user"),
        changes={"is_active": {"before": not active, "after": active}},
        reason=reason,
    )
    return user


# Roles only the security administrator grants and revokes, and that must keep a holder.
KEPT_ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def last_active_admin_role(user: User) -> str | None:
    """The system or security administrator role of which `user` is the last active holder."""
    for role in KEPT_ADMIN_ROLES:
        holders = RoleGrant.objects.filter(role=role, user__is_active=True)
        if holders.filter(user=user).exists() and not holders.exclude(user=user).exists():
            return role
    return None


def _role_refusal(actor, user: User, role: str, *, granting: bool) -> str | None:
    """Why `actor` may not grant (or revoke) `role` to (from) `user`, or None."""
    if actor is None:
        return None
    scope = scope_of(actor)
    if not scope.has(Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN):
        return _("您没有执行此操作的权限")
    if actor.pk == user.pk:
        return _("不能给自己授予角色") if granting else _("不能撤销自己的角色")
    if role in EXCLUSIVE_ROLES and not scope.has(Role.SECURITY_ADMIN):
        return (
            _("管理员角色（系统管理员、安全管理员、审计管理员）只能由安全管理员授予")
            if granting
            else _("管理员角色只能由安全管理员撤销")
        )
    return None


def role_grant(*, actor, user: User, role: str) -> RoleGrant:
    """Grant `role` to `user`: the security administrator any role, the system administrator a
    business role; never to oneself (refusals recorded)."""
    _require(actor, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN)
    if role not in Role.values:
        raise ValidationFailed.on("role", _("角色无效"))
    refusal = _role_refusal(actor, user, role, granting=True)
    if refusal:
        _refuse(
            actor=actor,
            action="user.role_grant",
            user=user,
            message=refusal,
            changes={"role": role},
        )
    held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if role in held:
        return RoleGrant.objects.get(user=user, role=role)
    try:
        _check_exclusive(held | {role})
    except ValidationFailed as exc:
        in_transaction_record(
            actor=actor,
            action="user.role_grant",
            target=Target.of(user, "user"),
            changes={"role": role},
            reason=exc.message,
            success=False,
        )
        raise
    with transaction.atomic():
        _check_unit_for_roles(user.unit, held | {role})
        grant = RoleGrant.objects.create(user=user, role=role)
        audit_record(
            actor=actor,
            action="user.role_grant",
            target=Target.of(user, "user"),
            changes={"roles": {"before": sorted(held), "after": sorted(held | {role})}},
        )
    return grant


def role_revoke(*, actor, user: User, role: str) -> None:
    """Revoke `role` from `user` under the same rules as role_grant; the last active system or
    security administrator keeps the role."""
    _require(actor, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN)
    held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if role not in held:
        raise NotFound(_("该用户没有此角色"))
    refusal = _role_refusal(actor, user, role, granting=False)
    if refusal is None and role in KEPT_ADMIN_ROLES and last_active_admin_role(user) == role:
        refusal = _("%(role)s“%(name)s”是最后一名在用的%(role)s，不能撤销") % {
            "role": Role(role).label,
            "name": user.display_name,
        }
    if refusal:
        _refuse(
            actor=actor,
            action="user.role_revoke",
            user=user,
            message=refusal,
            changes={"role": role},
        )
    with transaction.atomic():
        RoleGrant.objects.filter(user=user, role=role).delete()
        audit_record(
            actor=actor,
            action="user.role_revoke",
            target=Target.of(user, "user"),
            changes={"roles": {"before": sorted(held), "after": sorted(held - {role})}},
        )


@transaction.atomic
def post_add(*, actor, user: User, unit: Unit, title: str = "") -> Post:
    _require(actor, Role.SYSTEM_ADMIN)
    if unit.pk == user.unit_id:
        raise ValidationFailed.on("unit", _("兼职单位不能是本人所在单位"))
    post, created = Post.objects.get_or_create(user=user, unit=unit, defaults={"title": title})
    if not created and post.active:
        raise ValidationFailed.on("unit", _("已在该单位兼职"))
    if not created:
        post.active, post.title = True, title
        post.save(update_fields=["active", "title"])
    audit_record(
        actor=actor,
        action="user.post_add",
        target=Target.of(user, "user"),
        changes={"post": {"before": None, "after": f"{unit.code} {title}".strip()}},
    )
    return post


@transaction.atomic
def post_remove(*, actor, post: Post) -> None:
    _require(actor, Role.SYSTEM_ADMIN)
    post.active = False
    post.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="user.post_remove",
        target=Target.of(post.user, "user"),
        changes={"post": {"before": post.unit.code, "after": None}},
    )
