"""What the public may see of a party (DESIGN.md 3.13, 《个人信息保护法》): a natural person's
name as surname + 某 (张三 → 张某, 欧阳娜娜 → 欧阳某), never an ID, phone or credit code of a
person; an organisation's name in full. Every public page and public API field goes through
these functions."""

import re
from decimal import Decimal, InvalidOperation

from ganchao.enforcement.choices import PartyKind

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "令狐",
    "慕容",
    "尉迟",
    "公孙",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "端木",
    "司空",
    "独孤",
    "南宫",
    "澹台",
    "呼延",
)
MASK = "***"

# 18-digit (last may be X) or 15-digit resident ID numbers.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# The unified social credit code (GB 32100-2015): 18 characters of 0-9 and A-Z without I O S V Z.
CREDIT_CODE = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
# A landline with its area code: 0531-12345678, (0531)1234567, 010 12345678.
LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[\s-]?)\d{7,8}(?!\d)")


def mask_person(name: str) -> str:
    """张三 → 张某; 欧阳娜娜 → 欧阳某; an empty name → 某."""
    name = re.sub(r"\s+", "", name or "")
    if not name:
        return "某"
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return f"{surname}某"
    return f"{name[0]}某"


def scrub(text: str, *, person: bool = True) -> str:
    """The text with every ID number, mobile and landline number replaced by ***; a unified
    social credit code too when the text is about a person (an organisation's own code is
    public, a 个体工商户's is the person's)."""
    text = text or ""
    text = ID_NUMBER.sub(MASK, text)
    if person:
        text = CREDIT_CODE.sub(MASK, text)
    text = MOBILE.sub(MASK, text)
    return LANDLINE.sub(MASK, text)


def party_public(case) -> str:
    """The party as published: an organisation's name in full, a person masked."""
    if case.party_kind == PartyKind.PERSON:
        return mask_person(case.party_name)
    return (case.party_name or "").strip()


def public_text(case, text: str) -> str:
    """Text about the case as the public may read it: scrubbed, and a person's full name (and
    their ID or phone as recorded on the case) replaced by the masked name."""
    person = case.party_kind == PartyKind.PERSON
    text = text or ""
    if person:
        full = (case.party_name or "").strip()
        if full:
            text = text.replace(full, mask_person(full))
        for secret in (case.party_id_no, case.party_phone):
            secret = (secret or "").strip()
            if len(secret) >= 5:
                text = text.replace(secret, MASK)
    return scrub(text, person=person)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


def _section(number: int) -> str:
    """0 < number < 10000 in capitals, zeros collapsed (1005 → 壹仟零伍)."""
    out, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[position]
    return out


def amount_in_words(amount) -> str:
    """An amount of yuan in the capitals of financial documents: 5000 → 伍仟元整,
    12345.60 → 壹万贰仟叁佰肆拾伍元陆角."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    if value < 0 or value >= Decimal("1e16"):
        return ""
    yuan = int(value)
    fen_total = int((value - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    words = ""
    if yuan:
        sections, n = [], yuan
        while n:
            sections.append(n % 10000)
            n //= 10000
        need_zero = False
        for index in range(len(sections) - 1, -1, -1):
            part = sections[index]
            if part == 0:
                need_zero = bool(words)
                continue
            if words and (need_zero or part < 1000):
                words += "零"
            words += _section(part) + BIG_UNITS[index]
            need_zero = False
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words
