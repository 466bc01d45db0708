"""Idle timeout counted from the user's own requests, and the forced password change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.accounts.passwords import needs_password_change

LAST_ACTIVITY_KEY = "ganchao_last_activity"
# Requests a page makes by itself (polling an unread counter) send this header and do not
# count as activity, so an open tab cannot keep a session alive for ever.
BACKGROUND_HEADER = "HTTP_X_GANCHAO_BACKGROUND"


# The last activity is written at most this often (seconds): a session row is not rewritten,
# nor its cookie re-sent, by every page and API call of a busy user (at month's end that was
# one UPDATE and one WAL flush per read). The time-out allows for the step, so a session ends
# between 30 minutes and 30 minutes 30 seconds after the user's last own request, never before.
ACTIVITY_STEP = 30


def is_background(request) -> bool:
    return request.META.get(BACKGROUND_HEADER) == "1"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = timezone.now().timestamp()
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle_limit = settings.IDLE_TIMEOUT.total_seconds() + ACTIVITY_STEP
            if last is not None and now - last > idle_limit:
                from ganchao.accounts.services import record_logout

                record_logout(user, idle=True)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request, _("您已超过 30 分钟未操作，为保护账号安全已自动退出，请重新登录。")
                )
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
            if not is_background(request) and (last is None or now - last >= ACTIVITY_STEP):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


ALLOWED_WHILE_CHANGING = ("accounts:password_change", "accounts:logout")


class PasswordPolicyMiddleware:
    """Sends a user who must change their password (first login, reset, expiry) to the form."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/api/")
            and user is not None
            and user.is_authenticated
            and needs_password_change(user)
        ):
            # A browser session may not use the API before the password is changed either
            # (bearer tokens are refused by token_user).
            from ganchao.accounts.services import password_change_required_error

            error = password_change_required_error()
            body = {"code": error.code, "message": error.message, "errors": []}
            return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/static/", "/api/"))
            and needs_password_change(user)
        ):
            if self._allowed is None:
                self._allowed = tuple(reverse(name) for name in ALLOWED_WHILE_CHANGING)
            if request.path not in self._allowed:
                return redirect("accounts:password_change")
        return self.get_response(request)
