"""The second factor on the web (LEGAL_RULES C4): the login step (code, or first enrolment),
the user's own section of "my account", and the security administrator's reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ganchao.accounts import login_flow, mfa, throttle
from ganchao.accounts.forms_mfa import CodeForm, EnrolCodeForm
from ganchao.accounts.views import lockout_response
from ganchao.common.errors import GanchaoError
from ganchao.common.forms import apply_error

STEP = "accounts:second_factor"
ENROLLED = "mfa_enrolled"


def _pending(request):
    """The user who passed the password and now stands at this step, or None."""
    if login_flow.current_step(request) != STEP:
        return None
    return login_flow.pending_user(request)


def _locked(request):
    login_flow.abandon(request)
    return lockout_response(request)


# ---- the login step -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    """After the password: ask for the code, or send a user who must have one to enrolment."""
    user = _pending(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    if not mfa.mfa_enrolled(user):
        if mfa.mfa_required(user):
            return redirect("accounts:second_factor_enrol")
        return login_flow.step_passed(request, STEP)
    if mfa.is_locked(user, request):
        return _locked(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        # Wrong codes count per address as wrong passwords do (the login page's own limit).
        address = throttle.source_address(request)
        found = throttle.address_throttled(address)
        if found is not None:
            login_flow.abandon(request)
            form.add_error(None, throttle.throttled_message(found))
            response = render(
                request, "accounts/mfa_login.html", {"form": form, "person": user}, status=429
            )
            response["Retry-After"] = str(found.retry_after)
            return response
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_device(user, form.cleaned_data["code"], request=request)
        if device is not None:
            return login_flow.step_passed(request, STEP, otp_device=device)
        throttle.address_failure_record(address, user.username)
        if getattr(request, "axes_locked_out", False):
            return _locked(request)
        form.add_error(
            "code", _("动态验证码不正确或已过期，请重新输入。连续输错 5 次，账号将被锁定 15 分钟。")
        )
    return render(request, "accounts/mfa_login.html", {"form": form, "person": user})


@require_http_methods(["GET", "POST"])
def second_factor_enrol_view(request):
    """First login of an account the policy requires a second factor of: bind an authenticator."""
    user = _pending(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    if mfa.mfa_enrolled(user):
        return redirect(STEP)
    if mfa.is_locked(user, request):
        return _locked(request)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrol_confirm(
                actor=user, code=form.cleaned_data["code"], request=request
            )
        except GanchaoError as exc:
            if getattr(request, "axes_locked_out", False):
                return _locked(request)
            apply_error(form, exc)
        else:
            login_flow.remember(request, ENROLLED, True)
            return render(
                request,
                "accounts/mfa_codes.html",
                {"codes": codes, "continue_url": "accounts:second_factor_done", "login": True},
            )
    device = mfa.mfa_enrol_start(actor=user)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {**_enrol_context(device), "form": form, "login": True, "person": user},
    )


@require_POST
def second_factor_done_view(request):
    """The user has seen the recovery codes of the authenticator just bound: log them in."""
    user = _pending(request)
    if user is None or not login_flow.recalled(request, ENROLLED):
        return redirect(settings.LOGIN_URL)
    device = mfa.TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return login_flow.step_passed(request, STEP, otp_device=device)


def _enrol_context(device) -> dict:
    return {"qr_svg": mfa.qr_svg(device), "secret": mfa.secret_of(device)}


# ---- my account -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol_view(request):
    """Bind an authenticator from "my account" (voluntarily, or ahead of the policy)."""
    if mfa.mfa_enrolled(request.user):
        messages.info(request, _("您已启用双因素认证。"))
        return redirect("accounts:profile")
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrol_confirm(actor=request.user, code=form.cleaned_data["code"])
        except GanchaoError as exc:
            apply_error(form, exc)
        else:
            return render(
                request,
                "accounts/mfa_codes.html",
                {"codes": codes, "continue_url": "accounts:profile"},
            )
    device = mfa.mfa_enrol_start(actor=request.user)
    return render(request, "accounts/mfa_enrol.html", {**_enrol_context(device), "form": form})


@login_required
@require_POST
def mfa_recovery_codes_view(request):
    """New recovery codes (a current code is needed); the old ones stop working."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = mfa.recovery_codes_regenerate(
                actor=request.user, code=form.cleaned_data["code"]
            )
        except GanchaoError as exc:
            messages.error(request, _("未生成新的恢复码：") + exc.message)
        else:
            return render(
                request,
                "accounts/mfa_codes.html",
                {"codes": codes, "continue_url": "accounts:profile"},
            )
    else:
        messages.error(request, _("未生成新的恢复码：请填写动态验证码"))
    return redirect("accounts:profile")


@login_required
@require_POST
def mfa_disable_view(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            mfa.mfa_disable(actor=request.user, code=form.cleaned_data["code"])
        except GanchaoError as exc:
            messages.error(request, _("未停用双因素认证：") + exc.message)
        else:
            messages.success(request, _("双因素认证已停用，登录时只需输入密码。"))
    else:
        messages.error(request, _("未停用双因素认证：请填写动态验证码"))
    return redirect("accounts:profile")


# ---- the security administrator -------------------------------------------------------------


@login_required
@require_POST
def mfa_reset_view(request, user_id: int):
    """A user lost the phone: clear their authenticator; they enrol again at next login."""
    from ganchao.orgs import selectors

    try:
        subject = selectors.user_get(actor=request.user, pk=user_id)
        mfa.mfa_reset(actor=request.user, user=subject)
    except GanchaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重置双因素认证，该用户下次登录时须重新绑定验证器。"))
    return redirect("orgs:user_detail", pk=user_id)
