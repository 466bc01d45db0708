"""Pure rules of supervised matters: default deadlines by urgency tier, the substantive-feedback
test and the matter's colour (DESIGN.md 3.9). Plain inputs, plain outputs.

The tiers are configurable through the setting GANCHAO_MATTER_DEADLINES, a dict that may
override any of DEFAULT_DEADLINES' entries, e.g.
    {"extra_urgent": {"receipt_hours": 2}}
`receipt_hours` counts office hours, `*_days` working days; a long-term matter's response falls
due on its milestones. Stop phrases are the setting GANCHAO_MATTER_STOP_PHRASES (a list; "…"
matches any text between its two ends).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ganchao.supervision.matter_choices import Urgency

DEFAULT_DEADLINES = {
    Urgency.EXTRA_URGENT: {"receipt_hours": 4, "response_days": 1},
    Urgency.URGENT: {"receipt_days": 1, "response_days": 3},
    Urgency.NORMAL: {"receipt_days": 1, "response_days": 5},
    Urgency.LONG_TERM: {"receipt_days": 1, "response_days": None},
}
DEFAULT_STOP_PHRASES = ("已阅", "收到", "拟同意", "同意", "转…办理", "请…阅处")
SUBSTANTIVE_MIN_CHARS = 20
YELLOW_WITHIN_DAYS = 1

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"


def deadline_table() -> dict:
    table = {str(k): dict(v) for k, v in DEFAULT_DEADLINES.items()}
    for tier, values in (getattr(settings, "GANCHAO_MATTER_DEADLINES", None) or {}).items():
        if tier not in table:
            raise ValueError(f"GANCHAO_MATTER_DEADLINES: 未知的紧急程度 {tier!r}")
        table[tier].update(values)
    return table


def _working_days(cal, n) -> dt.timedelta:
    return dt.timedelta(microseconds=cal.day_micros * n)


def receipt_due(urgency: str, at: dt.datetime, cal) -> dt.datetime:
    rule = deadline_table()[urgency]
    if rule.get("receipt_hours"):
        return cal.add_working_time(at, rule["receipt_hours"])
    return cal.add_working_time(at, _working_days(cal, rule.get("receipt_days") or 1))


def response_due(
    urgency: str, at: dt.datetime, cal, milestones: list[dt.date] = ()
) -> dt.datetime | None:
    """When a response is due for a clock started at `at`; a long-term matter answers at its
    next milestone (end of that day), or has no clock when none is left."""
    days = deadline_table()[urgency].get("response_days")
    if days:
        return cal.add_working_time(at, _working_days(cal, days))
    local = timezone.localtime(at)
    upcoming = sorted(m for m in milestones if m >= local.date())
    if not upcoming:
        return None
    end = dt.datetime.combine(upcoming[0], dt.time(23, 59, 59), tzinfo=local.tzinfo)
    return end


# ---- substantive feedback ---------------------------------------------------------------------


def stop_phrases() -> tuple[str, ...]:
    return tuple(getattr(settings, "GANCHAO_MATTER_STOP_PHRASES", None) or DEFAULT_STOP_PHRASES)


def _phrase_pattern(phrase: str) -> str:
    parts = [re.escape(p) for p in re.split(r"…+|\.\.\.", phrase)]
    return ".*?".join(parts)


def _strip(text: str, names) -> str:
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, "")
    return text


def remaining_text(text: str, names=()) -> str:
    """What is left after removing stop phrases, names, punctuation and whitespace.

    Names go first (so that "转李庄村办理" loses the village before the phrase test), then the
    stop phrases, longest first; punctuation and whitespace last."""
    rest = _strip(unicodedata.normalize("NFKC", text or ""), names)
    for phrase in sorted(stop_phrases(), key=len, reverse=True):
        rest = re.sub(_phrase_pattern(phrase), "", rest, flags=re.S)
    return "".join(ch for ch in rest if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ"))


@dataclass(frozen=True)
class Substance:
    substantive: bool
    remaining: int
    reason: str = ""


def judge_feedback(text: str, *, has_attachment: bool, names=()) -> Substance:
    """A feedback without an attachment is non-substantive when fewer than 20 characters remain
    once punctuation, whitespace, unit and person names and the stop phrases are removed."""
    remaining = len(remaining_text(text, names))
    if has_attachment or remaining >= SUBSTANTIVE_MIN_CHARS:
        return Substance(True, remaining)
    reason = (
        f"去除标点、空白、单位和人员名称及“已阅”“收到”“转…办理”等套话后仅余 {remaining} 个字"
        f"（不足 {SUBSTANTIVE_MIN_CHARS} 字）且无附件，不计为实质性反馈，答复时限继续计算。"
        "请反馈具体措施、进展或结果。"
    )
    return Substance(False, remaining, reason)


# ---- colour -----------------------------------------------------------------------------------


def colour(
    *,
    open_: bool,
    now: dt.datetime,
    cal,
    receipt_due: dt.datetime | None,
    received: bool,
    response_due: dt.datetime | None,
    responded: bool,
) -> str:
    """DESIGN.md 3.9: red when the response is overdue; yellow when receipt is overdue or the
    response falls due within 1 working day (of office time, on the working-day calendar);
    green otherwise. Not yet assigned (or finished): grey.

    The receipt deadline turns a matter yellow only once it has passed: it is at most one
    working day after the 交办 by construction, so counting it as "due within a day" would mark
    every matter 临期 from the moment it is assigned."""
    if not open_:
        return GREY
    waiting_response = response_due is not None and not responded
    if waiting_response and response_due < now:
        return RED
    if receipt_due is not None and not received and receipt_due < now:
        return YELLOW
    soon = _working_days(cal, YELLOW_WITHIN_DAYS)
    if waiting_response and cal.working_time_between(now, response_due) <= soon:
        return YELLOW
    return GREEN


LIGHT_WORDS = {GREEN: "正常", YELLOW: "临期", RED: "超期"}
