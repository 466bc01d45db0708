"""Reads on the audit log: the auditor's filtered list, and object histories."""

import datetime as dt

from django.db.models import Q

from ganchao.audit.models import AuditEvent, AuditVerifyRun
from ganchao.common.errors import NotFound
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

# object_type → callable(actor, object_id) -> bool: may the actor see this object's history?
HISTORY_ACCESS: dict[str, object] = {}


def register_history_access(object_type: str, check) -> None:
    HISTORY_ACCESS[object_type] = check


def event_list(
    *,
    actor,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    user: str = "",
    unit: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    q: str = "",
):
    if not scope_of(actor).has(Role.AUDITOR):
        raise NotFound("页面不存在")
    events = AuditEvent.objects.order_by("-seq")
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    if user:
        events = events.filter(Q(actor_username=user) | Q(actor_name=user))
    if unit:
        events = events.filter(Q(actor_unit_code=unit) | Q(actor_unit_name=unit))
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if action:
        events = events.filter(action=action)
    if q:
        events = events.filter(Q(object_name__icontains=q) | Q(reason__icontains=q))
    return events


def object_history(*, actor, object_type: str, object_id: str):
    scope = scope_of(actor)
    check = HISTORY_ACCESS.get(object_type)
    allowed = scope.has(Role.AUDITOR) or (check is not None and check(actor, object_id))
    if not allowed:
        raise NotFound("页面不存在")
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by(
        "-seq"
    )


def object_name(events, object_id: str) -> str:
    """The newest name recorded for an object that is a name, not a bare number ("" when none
    among its latest events)."""
    names = events.exclude(object_name="").values_list("object_name", flat=True)[:20]
    return next((name for name in names if not name.strip().isdigit()), "")


def verify_runs(*, actor):
    """The chain verification runs, newest first (the auditor only)."""
    if not scope_of(actor).has(Role.AUDITOR):
        raise NotFound("页面不存在")
    return AuditVerifyRun.objects.order_by("-at", "-id")


def latest_verify_run(*, actor) -> AuditVerifyRun | None:
    return verify_runs(actor=actor).first()
