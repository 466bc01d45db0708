"""What the 服务企业 pages share: clock rows with their colour and word, the refusal text."""

from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.enterprises import clocks
from ganchao.enterprises.choices import ClockState

ERRORS = (ValidationFailed, Conflict, Forbidden)

# A clock is a colour and a word (STYLE.md: never colour alone).
CLOCK_COLORS = {
    ClockState.RUNNING: "green",
    ClockState.DUE_SOON: "yellow",
    ClockState.OVERDUE: "red",
    ClockState.MET: "green",
    ClockState.LATE: "orange",
}


def clock_row(clock) -> dict:
    return {
        "tier": clock.tier,
        "label": clock.label,
        "due": clock.due,
        "done_at": clock.done_at,
        "state": clock.state,
        "state_label": clock.state_label,
        "color": CLOCK_COLORS[clock.state],
    }


def running_clock(appeal, now) -> dict | None:
    clock = clocks.next_clock(appeal, now)
    return clock_row(clock) if clock else None


def error_text(exc) -> str:
    return exc.message or _("操作未完成")
