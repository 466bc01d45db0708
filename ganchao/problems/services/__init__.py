"""Writes of the problem ledger (DESIGN.md 3.14): register a problem (or recognise a recurrence),
edit it, enter the plan, report the rectification with photos, verify and 销号, add photos, and
turn a visit's finding into a problem. Each is one transaction with its audit event and its
timeline event; each refuses with ValidationFailed (422, naming the field), Forbidden (403),
NotFound (404, outside scope) or Conflict (409, the state forbids the step or a stale version).
"""

from ganchao.problems.services.base import (
    SETTING_LIMITS,
    default_deadline,
    is_finder,
    is_owner,
    may_edit,
    may_handle,
    may_verify,
    place_key,
    problem_settings_update,
    settings_get,
)
from ganchao.problems.services.register import finding_to_problem, problem_create
from ganchao.problems.services.workflow import (
    problem_add_photos,
    problem_photo_open,
    problem_plan,
    problem_report,
    problem_update,
    problem_verify,
)

__all__ = [
    "SETTING_LIMITS",
    "default_deadline",
    "finding_to_problem",
    "is_finder",
    "is_owner",
    "may_edit",
    "may_handle",
    "may_verify",
    "place_key",
    "problem_add_photos",
    "problem_create",
    "problem_photo_open",
    "problem_plan",
    "problem_report",
    "problem_settings_update",
    "problem_update",
    "problem_verify",
    "settings_get",
]
