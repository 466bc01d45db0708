"""Bridging service errors into Django forms."""

from ganchao.common.errors import GanchaoError


def apply_error(form, error: GanchaoError) -> None:
    """Attach a service error to the named fields of a form (or to the form as a whole)."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for item in error.errors:
        field = item.field if item.field in form.fields else None
        form.add_error(field, item.message)
