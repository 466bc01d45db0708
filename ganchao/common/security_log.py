"""The security log's lines about authentication (LEGAL_RULES C9): a login, a failed login and
a lockout, one line each, from Django's and django-axes' signals (the one use of signals
STYLE.md allows). The audit chain records the same events; this log is what a syslog
collector or an operator reads."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from ganchao.common.middleware import client_ip

log = logging.getLogger("ganchao.security")


def _address(request) -> str:
    return client_ip(request) if request is not None else "-"


def on_login(sender, request, user, **kwargs):
    log.info("login user=%s address=%s", user.get_username(), _address(request))


def on_logout(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "-"
    log.info("logout user=%s address=%s", name, _address(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    log.warning("login failed user=%s address=%s", username, _address(request))


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log.warning("locked out user=%s address=%s", username or "-", ip_address or _address(request))


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="ganchao.security_log.login")
    user_logged_out.connect(on_logout, dispatch_uid="ganchao.security_log.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="ganchao.security_log.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="ganchao.security_log.locked")
