"""Who may do what with the working-day calendar: every staff user reads it; the system
administrator enters a year's holidays and sets single-day overrides. Pages show the
"calendar to confirm" banner and link only to those who can act on it."""

from ganchao.orgs.choices import Role


def can_read_calendar(scope) -> bool:
    return scope.reads_directory


def can_edit_calendar(scope) -> bool:
    return scope.has(Role.SYSTEM_ADMIN)
