"""API: /audit/events (the auditor only; everyone else gets 404)."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.audit import selectors
from ganchao.common.api import LocalDatetime, Page
from ganchao.common.errors import NotFound

router = Router(tags=["审计"])


class EventOut(Schema):
    seq: int
    at: LocalDatetime
    actor_username: str
    actor_name: str
    on_behalf_of_name: str
    actor_unit_code: str
    source_ip: str
    action: str
    object_type: str
    object_id: str
    object_name: str
    changes: dict
    reason: str
    request_id: str
    success: bool
    hash_alg: str
    prev_hash: str
    hash: str


@router.get("/events", response=list[EventOut], summary="审计事件（审计管理员）")
@paginate(Page)
def events(
    request,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    user: str = "",
    unit: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
):
    try:
        return selectors.event_list(
            actor=request.user,
            since=since,
            until=until,
            user=user,
            unit=unit,
            object_type=object_type,
            object_id=object_id,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc
