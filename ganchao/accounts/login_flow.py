"""The login flow: password first, then any further steps (the second factor, LEGAL_RULES C4).

settings.LOGIN_STEPS lists URL names of step views. After the password, the user is kept
"pending" in the session until every step calls step_passed(); only then are they logged in.
A step may apply to some users only: STEP_APPLIES maps its URL name to a predicate on the user,
and begin() keeps the steps that apply. A pending login expires after PENDING_SECONDS.
"""

import time

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ganchao.accounts.middleware import LAST_ACTIVITY_KEY
from ganchao.accounts.services import record_login

PENDING_KEY = "ganchao_pending_login"
PENDING_SECONDS = 10 * 60


def _second_factor_applies(user) -> bool:
    from ganchao.accounts.mfa import login_step_needed

    return login_step_needed(user)


STEP_APPLIES = {"accounts:second_factor": _second_factor_applies}


def steps_for(user) -> list[str]:
    return [step for step in settings.LOGIN_STEPS if STEP_APPLIES.get(step, bool)(user)]


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def begin(request, user, next_url: str):
    steps = steps_for(user)
    if not steps:
        return complete(request, user, next_url)
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "steps": steps,
        "next": next_url,
        "started": time.time(),
    }
    return redirect(steps[0])


def pending_user(request):
    from ganchao.orgs.models import User

    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - pending.get("started", 0) > PENDING_SECONDS:
        abandon(request)
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


def current_step(request) -> str | None:
    pending = request.session.get(PENDING_KEY)
    return pending["steps"][0] if pending and pending["steps"] else None


def abandon(request) -> None:
    """Forget a pending login (it expired, or the account was locked meanwhile)."""
    request.session.pop(PENDING_KEY, None)


def step_passed(request, step: str, *, otp_device=None):
    """The step is done; the next one runs, or the user is logged in. `otp_device` (the
    django-otp device that verified the user) is remembered in the session."""
    pending = request.session.get(PENDING_KEY)
    if not pending or not pending["steps"] or pending["steps"][0] != step:
        return redirect(settings.LOGIN_URL)
    user = pending_user(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    pending["steps"].pop(0)
    request.session[PENDING_KEY] = pending
    if pending["steps"]:
        return redirect(pending["steps"][0])
    user.backend = pending["backend"]
    if otp_device is not None:
        user.otp_device = otp_device
    del request.session[PENDING_KEY]
    return complete(request, user, pending["next"])


def complete(request, user, next_url: str):
    auth_login(request, user)
    request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    record_login(user)
    return redirect(next_url)


def remember(request, key: str, value) -> None:
    """Keep a step's own note in the pending login (e.g. that enrolment succeeded)."""
    pending = request.session.get(PENDING_KEY)
    if pending:
        pending[key] = value
        request.session[PENDING_KEY] = pending


def recalled(request, key: str):
    pending = request.session.get(PENDING_KEY) or {}
    return pending.get(key)
