"""The login flow: password first, then any further steps (a second factor plugs in here).

settings.LOGIN_STEPS lists URL names of step views. After the password, the user is kept
"pending" in the session until every step calls step_passed(); only then are they logged in.
"""

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ganchao.accounts.middleware import LAST_ACTIVITY_KEY
from ganchao.accounts.services import record_login

PENDING_KEY = "ganchao_pending_login"


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def begin(request, user, next_url: str):
    steps = list(settings.LOGIN_STEPS)
    if not steps:
        return complete(request, user, next_url)
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "steps": steps,
        "next": next_url,
    }
    return redirect(steps[0])


def pending_user(request):
    from ganchao.orgs.models import User

    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


def step_passed(request, step: str):
    pending = request.session.get(PENDING_KEY)
    if not pending or not pending["steps"] or pending["steps"][0] != step:
        return redirect(settings.LOGIN_URL)
    pending["steps"].pop(0)
    request.session[PENDING_KEY] = pending
    if pending["steps"]:
        return redirect(pending["steps"][0])
    user = pending_user(request)
    user.backend = pending["backend"]
    del request.session[PENDING_KEY]
    return complete(request, user, pending["next"])


def complete(request, user, next_url: str):
    auth_login(request, user)
    request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    record_login(user)
    return redirect(next_url)
