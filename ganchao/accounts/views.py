"""Login, logout, password change, my account and API tokens."""

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.accounts import login_flow, selectors, services, throttle
from ganchao.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    SecurityPolicyForm,
    TokenForm,
)
from ganchao.accounts.models import SecurityPolicy
from ganchao.accounts.passwords import password_expired
from ganchao.common.errors import Forbidden, GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import scoped
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    next_url = login_flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        # An address with too many recent failures is paused before any password is checked.
        address = throttle.source_address(request)
        found = throttle.address_throttled(address)
        if found is not None:
            form.add_error(None, throttle.throttled_message(found))
            response = render(
                request, "accounts/login.html", {"form": form, "next": next_url}, status=429
            )
            response["Retry-After"] = str(found.retry_after)
            return response
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None:
                return login_flow.begin(request, user, next_url)
            throttle.address_failure_record(address, form.cleaned_data["username"])
            form.add_error(None, _("用户名或密码不正确。连续输错 5 次，账号将被锁定 15 分钟。"))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.record_logout(request.user)
    logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("web:home")
    reason = ""
    if request.user.must_change_password and not request.user.password_policy_exempt:
        reason = _("首次登录或密码被重置后，须先设置新密码。")
    elif password_expired(request.user):
        reason = _("密码已使用超过 90 天，请设置新密码。")
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


def tokens_context(request, *, form=None, new_token=None) -> dict:
    """What accounts/_tokens_section.html needs: the user's tokens, the form, a new key."""
    return {
        "token_rows": selectors.tokens_of(request.user),
        "token_form": form or TokenForm(),
        "new_token": new_token,
        "token_days": SecurityPolicy.current().token_days,
        "max_active_tokens": services.MAX_ACTIVE_TOKENS,
    }


@login_required
def profile_view(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        token, key = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        new_token = {"key": key, "name": token.name, "expires_at": token.expires_at}
        form = TokenForm()
    context = tokens_context(request, form=form, new_token=new_token)
    context["new_key"] = new_token["key"] if new_token else None
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    try:
        services.token_revoke(actor=request.user, token_id=token_id)
    except GanchaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("令牌已吊销，使用它的程序将无法再访问。"))
    return redirect("accounts:profile")


@login_required
@scoped
def policy_view(request):
    """The security administrator edits the security policy (API twin PUT /auth/policy)."""
    if not scope_of(request.user).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以查看和修改安全策略"))
    policy = SecurityPolicy.current()
    status = 200
    if request.method == "POST":
        form = SecurityPolicyForm(request.POST)
        if form.is_valid():
            try:
                policy = services.security_policy_update(actor=request.user, **form.cleaned_data)
            except GanchaoError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("安全策略已保存，修改已记入审计日志。"))
                return redirect("accounts:policy")
        status = 422
    else:
        initial = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
        form = SecurityPolicyForm(initial={**initial, "expected_version": policy.version})
    context = {"form": form, "policy": policy, "warnings": services.policy_warnings(policy)}
    return render(request, "accounts/policy.html", context, status=status)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout: the API error body for the API, a Chinese page otherwise (403)."""
    message = _("连续 5 次登录失败，账号已锁定 15 分钟，请稍后再试或联系安全管理员解锁。")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": message, "errors": []}, status=403)
    return render(request, "accounts/locked.html", {"message": message}, status=403)
