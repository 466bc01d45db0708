"""Template filters of enforcement: the party as lists show it (a person as 张某, the ID and
phone masked) and the colours of stages and clock states."""

from django import template

from ganchao.enforcement.choices import ClockState, PartyKind

register = template.Library()

CLOCK_COLORS = {
    ClockState.OVERDUE: "red",
    ClockState.DUE_SOON: "orange",
    ClockState.RUNNING: "blue",
    ClockState.MET: "green",
    ClockState.LATE: "yellow",
    ClockState.ELAPSED: "secondary",
}


def mask_name(kind: str, name: str) -> str:
    """A person's name as 张某 (the surname and 某); an organisation's name in full."""
    name = (name or "").strip()
    if kind != PartyKind.PERSON or not name:
        return name
    return name[0] + "某"


def mask_number(value: str) -> str:
    """An ID or phone number with its middle hidden: 3701**********1234."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


@register.filter
def party_masked(case) -> str:
    return mask_name(case.party_kind, case.party_name)


@register.filter
def number_masked(value) -> str:
    return mask_number(value)


@register.filter
def clock_color(state) -> str:
    return CLOCK_COLORS.get(state, "secondary")
