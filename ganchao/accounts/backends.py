"""Authentication backend that loads the user's unit with the user (one query per request)."""

from django.contrib.auth.backends import ModelBackend

from ganchao.common.prepared import Prepared


def _build_user(user_id):
    from ganchao.orgs.models import User

    return User.objects.select_related("unit", "leader").filter(pk=user_id)[:1]


# Compiled once per process (common.prepared): every signed-in page loads its user.
_USER_BY_ID = Prepared("orgs.User", _build_user, user_id=int)


class UnitAwareModelBackend(ModelBackend):
    def get_user(self, user_id):
        if isinstance(user_id, str) and user_id.isdigit():
            user_id = int(user_id)  # as the session stores it
        found = _USER_BY_ID.fetch(user_id=user_id)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str:
    """The username django-axes counts failures under: lower-cased, as usernames are unique
    without regard to case (ZhangSan and zhangsan are one account, one lockout)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()
