"""The one allowed use of signals (STYLE.md): recording authentication failures and lockouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from ganchao.accounts.services import record_login_failure


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # recorded once as a lockout by on_locked_out
    record_login_failure(credentials.get("username", ""))


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, **kwargs):
    record_login_failure(username or "", locked=True)
