"""Authentication backend that loads the user's unit with the user (one query per request)."""

from django.contrib.auth.backends import ModelBackend


class UnitAwareModelBackend(ModelBackend):
    def get_user(self, user_id):
        from ganchao.orgs.models import User

        user = User.objects.select_related("unit", "leader").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str:
    """The username django-axes counts failures under: lower-cased, as usernames are unique
    without regard to case (ZhangSan and zhangsan are one account, one lockout)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()
