"""Pages for the unit directory, leaders and user management. Views only parse, call a
selector or a service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.accounts import reset_approval
from ganchao.accounts.services import account_locked, account_unlock, password_reset
from ganchao.common.errors import GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, require_directory, require_roles, scoped
from ganchao.orgs import selectors, services
from ganchao.orgs.choices import EXCLUSIVE_ROLES, Role, UnitType
from ganchao.orgs.forms import (
    LeaderAreaForm,
    LeaderForm,
    PasswordResetForm,
    ReasonForm,
    ResetRequestForm,
    RoleForm,
    UnitForm,
    UserEditForm,
    UserForm,
)
from ganchao.orgs.models import Post
from ganchao.orgs.scoping import scope_of

ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


@login_required
@require_directory
def unit_tree(request):
    q = request.GET.get("q", "").strip()
    context = {"q": q, "can_edit": scope_of(request.user).has(Role.SYSTEM_ADMIN)}
    if q:
        context["results"] = selectors.unit_search(actor=request.user, q=q)
    else:
        context["tree"] = selectors.unit_tree_level(actor=request.user, depth=2)
    return render(request, "orgs/unit_tree.html", context)


@login_required
@require_directory
@scoped
def unit_children(request, pk: int):
    unit = selectors.unit_get(actor=request.user, pk=pk)
    nodes = selectors.unit_tree_level(actor=request.user, parent=unit, depth=1)
    return render(request, "orgs/_unit_nodes.html", {"nodes": nodes})


@login_required
@scoped
def unit_detail(request, pk: int):
    unit = selectors.unit_get(actor=request.user, pk=pk)
    scope = scope_of(request.user)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "children": unit.children.select_related("category").order_by("sort_order", "path"),
        "leaders": [
            row
            for row in selectors.leader_rows(actor=request.user)
            if any(a["id"] == unit.pk for a in row["areas"])
        ],
        "users": selectors.unit_users(actor=request.user, unit=unit),
        "in_scope": scope.covers_directory_path(unit.path),
        "can_edit": scope.has(Role.SYSTEM_ADMIN),
        "type_label": UnitType(unit.type).label,
    }
    return render(request, "orgs/unit_detail.html", context)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@scoped
def unit_edit(request, pk: int | None = None):
    unit = selectors.unit_get(actor=request.user, pk=pk) if pk else None
    initial = {"parent": request.GET.get("parent", "")}
    if unit:
        initial = {
            "name": unit.name,
            "code": unit.code,
            "type": unit.type,
            "parent": unit.parent.code if unit.parent else "",
            "category": unit.category_id,
            "aliases": "、".join(unit.aliases),
            "sort_order": unit.sort_order,
            "version": unit.version,
        }
    form = UnitForm(request.POST or None, initial=initial)
    if unit:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit:
                services.unit_update(
                    actor=request.user,
                    unit=unit,
                    expected_version=data["version"],
                    name=data["name"],
                    type=data["type"],
                    parent=data["parent"],
                    category=data["category"],
                    aliases=data["aliases"],
                    sort_order=data["sort_order"],
                )
            else:
                unit = services.unit_create(
                    actor=request.user,
                    name=data["name"],
                    code=data["code"],
                    type=data["type"],
                    parent=data["parent"],
                    category=data["category"],
                    aliases=data["aliases"],
                    sort_order=data["sort_order"],
                )
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("单位“%(name)s”已保存。") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
@scoped
def unit_toggle_active(request, pk: int):
    unit = selectors.unit_get(actor=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.unit_set_active(
            actor=request.user,
            unit=unit,
            active=not unit.active,
            reason=form.cleaned_data.get("reason", ""),
        )
    except GanchaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("单位已启用。") if unit.active else _("单位已停用，历史记录保留原名称。")
        )
    return redirect("orgs:unit_detail", pk=pk)


@login_required
@require_directory
@scoped
def leader_list(request):
    return render(
        request, "orgs/leader_list.html", {"leaders": selectors.leader_rows(actor=request.user)}
    )


@login_required
@require_roles(*ADMINS)
def user_list(request):
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    users = selectors.user_list(
        actor=request.user,
        q=request.GET.get("q", "").strip(),
        unit_code=request.GET.get("unit", "").strip(),
        role=request.GET.get("role", ""),
        active=active,
    )
    page = paginate(request, users)
    rows = [{"user": u, "roles": selectors.role_labels(u)} for u in page]
    return render(
        request,
        "orgs/user_list.html",
        {
            "page": page,
            "rows": rows,
            "roles": Role.choices,
            "filters": request.GET,
            "can_create": scope_of(request.user).has(Role.SYSTEM_ADMIN),
        },
    )


@login_required
@scoped
def user_detail(request, pk: int):
    user = selectors.user_get(actor=request.user, pk=pk)
    scope = scope_of(request.user)
    held = {g.role for g in user.role_grants.all()}
    context = {
        "subject": user,
        "roles": selectors.role_labels(user),
        "posts": user.posts.all(),
        "is_admin": scope.has(*ADMINS),
        "can_edit": scope.has(Role.SYSTEM_ADMIN),
        "can_secure": scope.has(Role.SECURITY_ADMIN),
        "role_form": RoleForm(),
        "held_roles": [(r, Role(r).label) for r in Role.values if r in held],
        "reset_form": PasswordResetForm(),
        "locked": scope.has(*ADMINS) and account_locked(user),
        "is_self": user.pk == request.user.pk,
        # 三员分立: an administrator's password is reset only with a second administrator's
        # approval; a business role is granted by either administrator, an admin role by the
        # security administrator only.
        "subject_is_admin": bool(held & EXCLUSIVE_ROLES),
        "reset_request_form": ResetRequestForm(),
        "pending_reset": user.reset_requests.filter(state=reset_approval.State.PENDING).first(),
    }
    if not scope.has(Role.SECURITY_ADMIN):
        context["role_form"].fields["role"].choices = [
            (value, label) for value, label in Role.choices if value not in EXCLUSIVE_ROLES
        ]
    return render(request, "orgs/user_detail.html", context)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@scoped
def user_edit(request, pk: int | None = None):
    subject = selectors.user_get(actor=request.user, pk=pk) if pk else None
    form_class = UserEditForm if subject else UserForm
    initial = {}
    if subject:
        initial = {
            "full_name": subject.full_name,
            "unit": subject.unit.code if subject.unit else "",
            "phone": subject.phone,
            "email": subject.email,
            "leader": subject.leader_id,
            "version": subject.version,
        }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if subject:
                services.user_update(
                    actor=request.user,
                    user=subject,
                    expected_version=data["version"],
                    full_name=data["full_name"],
                    unit=data["unit"],
                    phone=data["phone"],
                    email=data["email"],
                    leader=data["leader"],
                )
            else:
                subject = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    unit=data["unit"],
                    roles=data["roles"],
                    password=data["password"],
                    phone=data["phone"],
                    email=data["email"],
                    leader=data["leader"],
                )
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("用户“%(name)s”已保存。") % {"name": subject.display_name})
            return redirect("orgs:user_detail", pk=subject.pk)
    return render(request, "orgs/user_form.html", {"form": form, "subject": subject})


@login_required
@require_roles(*ADMINS)
@require_POST
@scoped
def user_action(request, pk: int, action: str):
    """The small POST verbs of the user page: grant/revoke a role, (de)activate, reset password."""
    subject = selectors.user_get(actor=request.user, pk=pk)
    try:
        _run_user_action(request, subject, action)
    except GanchaoError as exc:
        messages.error(request, exc.message)
    return redirect("orgs:user_detail", pk=pk)


def _run_user_action(request, subject, action: str) -> None:
    if action in ("grant", "revoke"):
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择角色"))
            return
        verb = services.role_grant if action == "grant" else services.role_revoke
        verb(actor=request.user, user=subject, role=form.cleaned_data["role"])
        messages.success(request, _("角色已更新。"))
    elif action == "toggle":
        services.user_set_active(
            actor=request.user,
            user=subject,
            active=not subject.is_active,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("账号已启用。") if subject.is_active else _("账号已停用。"))
    elif action == "reset":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            password_reset(
                actor=request.user, user=subject, new_password=form.cleaned_data["new_password"]
            )
            messages.success(request, _("已设置临时密码，用户下次登录时须修改。"))
        else:
            messages.error(request, _("请填写临时密码"))
    elif action == "reset-request":
        form = ResetRequestForm(request.POST)
        if form.is_valid():
            reset_approval.reset_request_create(
                actor=request.user,
                user=subject,
                new_password=form.cleaned_data["new_password"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("已提交重置申请，须由另一名管理员批准后生效。"))
        else:
            messages.error(request, _("请填写临时密码和申请原因"))
    elif action == "unlock":
        account_unlock(actor=request.user, user=subject)
        messages.success(request, _("已解除锁定，用户可以重新登录。"))
    elif action == "remove-post":
        post = (
            Post.objects.filter(user=subject, pk=request.POST.get("post"))
            .select_related("unit", "user")
            .first()
        )
        if post:
            services.post_remove(actor=request.user, post=post)
            messages.success(request, _("兼职已撤销。"))


@login_required
@scoped
def leader_detail(request, pk: int):
    leader = selectors.leader_get(actor=request.user, pk=pk)
    scope = scope_of(request.user)
    can_edit = scope.has(Role.SYSTEM_ADMIN)
    history = selectors.leader_area_history(actor=request.user, leader=leader)
    today = timezone.localdate()
    current = [
        a for a in history if a.start_date <= today and (a.end_date is None or a.end_date >= today)
    ]
    area_form = LeaderAreaForm(
        initial={"units": "、".join(a.unit.code for a in current), "on": today}
    )
    leader_form = LeaderForm(
        initial={
            "name": leader.name,
            "title": leader.title,
            "principal": leader.principal,
            "sort_order": leader.sort_order,
        }
    )
    if request.method == "POST" and can_edit:
        if "areas" in request.POST:
            area_form = LeaderAreaForm(request.POST)
            if area_form.is_valid():
                services.leader_area_set(
                    actor=request.user,
                    leader=leader,
                    units=area_form.cleaned_data["units"],
                    on=area_form.cleaned_data["on"],
                )
                messages.success(request, _("分管单位已调整，原分管记录保留其起止日期。"))
                return redirect("orgs:leader_detail", pk=pk)
        else:
            leader_form = LeaderForm(request.POST)
            if leader_form.is_valid():
                try:
                    services.leader_update(
                        actor=request.user, leader=leader, **leader_form.cleaned_data
                    )
                except GanchaoError as exc:
                    apply_error(leader_form, exc)
                else:
                    messages.success(request, _("领导信息已保存。"))
                    return redirect("orgs:leader_detail", pk=pk)
    return render(
        request,
        "orgs/leader_detail.html",
        {
            "leader": leader,
            "history": history,
            "current_ids": {a.pk for a in current},
            "can_edit": can_edit,
            "area_form": area_form,
            "form": leader_form,
        },
    )


@login_required
@require_roles(Role.SYSTEM_ADMIN)
def leader_create(request):
    form = LeaderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leader = services.leader_create(actor=request.user, **form.cleaned_data)
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("已新增市级领导“%(name)s”，请为其设置分管单位。") % {"name": leader.name}
            )
            return redirect("orgs:leader_detail", pk=leader.pk)
    return render(request, "orgs/leader_form.html", {"form": form})
