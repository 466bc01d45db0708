"""The unified social credit code (统一社会信用代码) of GB 32100-2015, checked exactly.

Eighteen characters over the 31-character alphabet 0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V):

    position 1       登记管理部门代码
    position 2       机构类别代码
    positions 3-8    登记管理机关行政区划码 (six digits)
    positions 9-17   主体标识码: the organisation code of GB 11714-1997, eight characters and
                     its own check character (0-9 or X)
    position 18      the check character over positions 1-17

The 18th character: with ci the alphabet index of character i and the weights
wi = 3^(i-1) mod 31, C18 = 31 - (Σ ci·wi mod 31), where 31 becomes 0, written back through the
alphabet. Because 31 is prime and no weight is 0 mod 31, any one changed character changes the
sum and so the check character: a single typing slip is always caught.

The organisation code's check (GB 11714): digits count as themselves and letters A-Z as 10-35,
weights 3, 7, 9, 10, 5, 8, 4, 2; C9 = 11 - (Σ ci·wi mod 11), where 10 is written X and 11 is 0.
"""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


def check_character(body: str) -> str:
    """The 18th character for a 17-character body over ALPHABET."""
    if len(body) != LENGTH - 1 or any(char not in VALUE for char in body):
        raise ValueError("the body is 17 characters of the credit-code alphabet")
    total = sum(VALUE[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_check_character(body: str) -> str:
    """The 9th character of a GB 11714 organisation code for its first eight characters."""
    total = sum(_org_value(char) * w for char, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalise(raw: str) -> str:
    """As people type it: surrounding and inner spaces dropped, lower-case letters raised."""
    return "".join((raw or "").split()).upper()


def errors(code: str) -> list[str]:
    """Every fault of a credit code (already normalised), in Chinese; empty when it is valid.
    The first fault that makes later checks meaningless stops the list."""
    if len(code) != LENGTH:
        return [_("统一社会信用代码长度应为18位，现为%(n)d位") % {"n": len(code)}]
    bad = [
        _("第%(n)d位字符“%(char)s”无效（不能使用字母I、O、Z、S、V或其他符号）")
        % {"n": index, "char": char}
        for index, char in enumerate(code, start=1)
        if char not in VALUE
    ]
    if bad:
        return bad
    found = [
        _("第%(n)d位字符“%(char)s”无效（第3至8位是行政区划码，只能是数字）")
        % {"n": index, "char": char}
        for index, char in enumerate(code[2:8], start=3)
        if not char.isdigit()
    ]
    org = code[8:17]
    if org[8] not in "0123456789X":
        found.append(
            _("第17位字符“%(char)s”无效（组织机构代码校验位只能是数字或X）") % {"char": org[8]}
        )
    elif org_check_character(org[:8]) != org[8]:
        found.append(
            _("第17位（组织机构代码校验位）应为%(expected)s")
            % {"expected": org_check_character(org[:8])}
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        found.append(_("校验位（第18位）应为%(expected)s") % {"expected": expected})
    return found


def is_valid(code: str) -> bool:
    return not errors(normalise(code))
