"""Login, logout, password change, my account and API tokens."""

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.accounts import login_flow, services
from ganchao.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from ganchao.accounts.models import ApiToken
from ganchao.accounts.passwords import password_expired
from ganchao.common.errors import GanchaoError
from ganchao.common.forms import apply_error


def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    next_url = login_flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            return login_flow.begin(request, user, next_url)
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


@login_required
def profile_view(request):
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    return render(
        request, "accounts/profile.html", {"tokens": tokens, "form": form, "new_key": new_key}
    )


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


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout: the API error body for the API, a Chinese page otherwise (403)."""
    message = _("连续 5 次登录失败，账号已锁定 15 分钟，请稍后再试或联系安全管理员解锁。")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": message, "errors": []}, status=403)
    return render(request, "accounts/locked.html", {"message": message}, status=403)
