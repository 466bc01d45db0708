"""Pure helpers of the official documents: the 文号 and dates in Chinese numerals (GB/T 9704)."""

import datetime as dt

from ganchao.ladder.choices import NUMBER_PREFIX

DIGITS = "〇一二三四五六七八九"


def document_number(doc_type: str, year: int, seq: int) -> str:
    """赶督〔2026〕7号 — the year in 六角括号, the sequence without leading zeros."""
    return f"{NUMBER_PREFIX[doc_type]}〔{year}〕{seq}号"


def _small_number(n: int) -> str:
    """1–31 as 一 … 十 … 二十一 … 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}"


def chinese_date(day: dt.date) -> str:
    """2026-05-11 → 二〇二六年五月十一日 (the issuing date of an official document)."""
    year = "".join(DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_small_number(day.month)}月{_small_number(day.day)}日"


def plain_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
