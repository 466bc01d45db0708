"""Password rules of DESIGN.md part 4: 3 of 4 character classes, not containing the username,
not one of the last five, at least 8 characters, not a common password (Django's list of
20,000) and not built on the city's own words (LEGAL_RULES C1)."""

import re

from django.conf import settings
from django.contrib.auth import password_validation
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


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's maintained list of common passwords (Password1, P@ssw0rd, Qwerty123…), with
    a message that says what to do."""

    def validate(self, password, user=None):
        if password.lower().strip() in self.passwords:
            raise ValidationError(
                _("该密码过于常见，容易被猜中，请换一个不常见的密码"),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("不能是常见密码")


# Words anyone guesses first for a government system here: the platform's name, the
# government's and the Party's bodies in pinyin, and the words of every default password
# (the demo's Ganchao@2026 among them; a test keeps the two in step).
LOCAL_WORDS = (
    "ganchao",
    "gc",
    "赶超",
    "zhengfu",
    "dangwei",
    "renmin",
    "zhongguo",
    "china",
    "beijing",
    "dangzheng",
    "ducha",
    "duchashi",
    "bangongshi",
    "bangong",
    "gongzuo",
    "shizhengfu",
    "shiwei",
    "zhengwu",
    "admin",
    "welcome",
    "huanying",
    "mima",
    "woaini",
    "aini",
)
# Leading and trailing digits and symbols ("Ganchao2026!", "@zhengfu123") do not make a
# password of a guessable word any harder to guess.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def local_words() -> set[str]:
    """The local word list, the city's configured name and the root unit's name."""
    from ganchao.orgs.models import Unit

    words = {w.lower() for w in LOCAL_WORDS}
    for name in [str(settings.GANCHAO_CITY_NAME), *_root_names(Unit)]:
        name = name.strip().lower()
        if name:
            words.update({name, name.removesuffix("市"), name.removesuffix("省")})
    words.discard("")
    return words


def _root_names(unit_model) -> list[str]:
    return list(unit_model.objects.filter(parent__isnull=True).values_list("name", flat=True))


def _core(password: str) -> str:
    return _DECORATION.sub("", password.strip()).lower()


class LocalWordsValidator:
    """Refuses a password that is only a local word (the platform's or city's name, the
    government's bodies in pinyin, the demo password) decorated with digits or symbols."""

    def __init__(self, words=()):
        self.extra = {w.lower() for w in words}

    def validate(self, password, user=None):
        core = _core(password)
        words = local_words() | self.extra
        if core in words or _core(password.replace(" ", "")) in words:
            raise ValidationError(
                _(
                    "密码不能用本平台、本市名称或“zhengfu”“dangwei”等常用词"
                    "加数字或符号组成，这类密码容易被猜中"
                ),
                code="password_local_word",
            )

    def get_help_text(self):
        return _("不能用平台名称、本市名称或常用拼音词加数字组成")


def password_expired(user) -> bool:
    if user.password_policy_exempt or user.password_changed_at is None:
        return False
    age = timezone.now() - user.password_changed_at
    return age.days >= settings.PASSWORD_MAX_AGE_DAYS


def needs_password_change(user) -> bool:
    if user.password_policy_exempt:
        return False
    return user.must_change_password or password_expired(user)
