"""Errors that services raise and every interface (page, API, CLI, import) turns into a message.

Each carries Chinese text naming what is wrong and where; "missing" and "not yours" are the same
NotFound so that scope never leaks through an error.
"""

from dataclasses import dataclass, field


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class GanchaoError(Exception):
    message: str
    errors: list[FieldError] = field(default_factory=list)
    code = "error"
    status = 400

    def __str__(self) -> str:
        return str(self.message)  # the message may be lazy (gettext_lazy)


class ValidationFailed(GanchaoError):
    """Input that breaks a rule; nothing was written."""

    code = "invalid"
    status = 422

    @classmethod
    def on(cls, field_name: str, message: str) -> "ValidationFailed":
        return cls(message, [FieldError(field_name, message)])


class NotFound(GanchaoError):
    code = "not_found"
    status = 404


class Forbidden(GanchaoError):
    code = "forbidden"
    status = 403


class Conflict(GanchaoError):
    """A concurrent edit or a state that no longer allows the action."""

    code = "conflict"
    status = 409
