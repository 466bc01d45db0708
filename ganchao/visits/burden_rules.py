"""Pure rules of the burden meter: title normalisation, character-bigram Jaccard similarity and
the likely-duplicate rule (DESIGN.md part 1, issue 4 item 6). Plain inputs, plain outputs; the
working-day calendar is passed in.

Two requests to the same unit are likely duplicates when they were sent within 10 working days
of each other and either are linked to the same goal item or have normalised titles whose
character-bigram Jaccard similarity is at least 0.8. The window applies to both tests: a monthly
"报送3月数据" and next month's "报送4月数据" normalise alike but are not duplicates.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ganchao.visits.choices import DUPLICATE_SIMILARITY, DUPLICATE_WINDOW_WORKING_DAYS

_CN_DIGITS = "〇零一二三四五六七八九十百千两"
_DATE_PARTS = re.compile(
    rf"[0-9０-９{_CN_DIGITS}]+\s*(?:年|月份|月|日|号|季度|周)"
    r"|\d{1,4}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{1,4})?"
)
_DIGITS = re.compile(r"[0-9０-９]+")


def normalise_title(title: str) -> str:
    """Strip dates, numbers, punctuation, symbols and whitespace; full-width to half-width."""
    text = unicodedata.normalize("NFKC", title or "").lower()
    text = _DATE_PARTS.sub("", text)
    text = _DIGITS.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LM")


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams; a one-character text is its own single "bigram"."""
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets share nothing (0.0), so blank titles never match."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def title_similarity(a: str, b: str) -> float:
    return jaccard(bigrams(normalise_title(a)), bigrams(normalise_title(b)))


def titles_similar(a: str, b: str, threshold: float = DUPLICATE_SIMILARITY) -> bool:
    return title_similarity(a, b) >= threshold


@dataclass(frozen=True)
class Request:
    """One request as the rule sees it: to one unit, on one day, maybe linked to an item."""

    key: str
    unit_id: int
    day: dt.date
    title: str
    item_id: int | None = None


@dataclass(frozen=True)
class Duplicate:
    """`later` repeats `earlier` (same unit); reason is "item" or "title"."""

    earlier: Request
    later: Request
    reason: str
    similarity: float


def duplicate_reason(
    earlier: Request, later: Request, working_days: int, threshold: float = DUPLICATE_SIMILARITY
) -> tuple[str, float] | None:
    """Why `later` repeats `earlier`, given the working days between them; None if it does not."""
    if earlier.unit_id != later.unit_id or working_days > DUPLICATE_WINDOW_WORKING_DAYS:
        return None
    similarity = title_similarity(earlier.title, later.title)
    if earlier.item_id is not None and earlier.item_id == later.item_id:
        return "item", similarity
    if similarity >= threshold:
        return "title", similarity
    return None


def find_duplicates(
    requests: Iterable[Request], cal, threshold: float = DUPLICATE_SIMILARITY
) -> list[Duplicate]:
    """Each request that repeats an earlier one to the same unit, paired with the first such."""
    by_unit: dict[int, list[Request]] = {}
    for request in requests:
        by_unit.setdefault(request.unit_id, []).append(request)
    found = []
    for unit_requests in by_unit.values():
        unit_requests.sort(key=lambda r: (r.day, r.key))
        for index, later in enumerate(unit_requests):
            found.extend(_first_repeat(unit_requests[:index], later, cal, threshold))
    return found


def _first_repeat(earlier_ones: list[Request], later: Request, cal, threshold) -> list[Duplicate]:
    for earlier in reversed(earlier_ones):
        days = cal.working_days_between(earlier.day, later.day)
        if days > DUPLICATE_WINDOW_WORKING_DAYS:
            break
        reason = duplicate_reason(earlier, later, days, threshold)
        if reason is not None:
            return [Duplicate(earlier, later, *reason)]
    return []
