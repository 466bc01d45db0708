"""Password rules of DESIGN.md part 4: 3 of 4 character classes, not containing the username,
not one of the last five, at least 8 characters."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    return sum(
        [
            any(c.islower() and c.isascii() for c in password),
            any(c.isupper() and c.isascii() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class MinimumLengthValidator:
    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少包含 %(n)d 个字符") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("至少 %(n)d 个字符") % {"n": self.min_length}


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类")
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类") % {"n": self.min_classes}


class NotContainingUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self):
        return _("不能包含用户名")


class HistoryValidator:
    def __init__(self, depth: int = 5):
        self.depth = depth

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = list(user.password_history.values_list("password", flat=True)[: self.depth])
        if user.password and user.password not in recent:
            recent = [user.password, *recent][: self.depth]
        if any(check_password(password, old) for old in recent):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码") % {"n": self.depth}, code="password_reused"
            )

    def get_help_text(self):
        return _("不能与最近 %(n)d 次用过的密码相同") % {"n": self.depth}


def password_expired(user) -> bool:
    if user.password_policy_exempt or user.password_changed_at is None:
        return False
    age = timezone.now() - user.password_changed_at
    return age.days >= settings.PASSWORD_MAX_AGE_DAYS


def needs_password_change(user) -> bool:
    if user.password_policy_exempt:
        return False
    return user.must_change_password or password_expired(user)
