"""API of levels 1–2 (提醒, 催办): /alerts in the actor's scope, one alert, and a unit's written
answer to a 催办 (书面说明) — the same service as the alert page."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.supervision import selectors, services

router = Router(tags=["盯着干：提醒与催办"])


class AlertOut(Schema):
    id: int
    level: int
    level_label: str
    trigger: str
    unit_code: str
    unit: str
    assignment_id: int | None
    item_code: str | None
    matter_id: int | None
    cause_key: str
    at: LocalDatetime
    message: str
    response_due: dt.date | None
    responded_at: LocalDatetime | None = None
    response: str


class ResponseIn(Schema):
    response: str = ""


def alert_out(alert) -> dict:
    return {
        "id": alert.pk,
        "level": alert.level,
        "level_label": str(alert.get_level_display()),
        "trigger": alert.trigger,
        "unit_code": alert.unit.code,
        "unit": alert.unit.name,
        "assignment_id": alert.assignment_id,
        "item_code": alert.assignment.item.code if alert.assignment_id else None,
        "matter_id": alert.matter_id,
        "cause_key": alert.cause_key,
        "at": alert.at,
        "message": alert.message,
        "response_due": alert.response_due,
        "responded_at": alert.responded_at,
        "response": alert.response,
    }


@router.get(
    "/alerts", response=list[AlertOut], summary="提醒与催办（status=open：待书面说明的催办）"
)
@paginate(Page)
def alerts(request, level: str = "", unit: str = "", status: str = ""):
    rows = selectors.alert_list(actor=request.user, level=level, unit=unit.strip(), status=status)
    return PageRows(rows, alert_out)


@router.get("/alerts/{alert_id}", response=AlertOut, summary="提醒或催办详情")
def alert_detail(request, alert_id: int):
    return alert_out(selectors.alert_get(actor=request.user, pk=alert_id))


@router.post(
    "/alerts/{alert_id}/respond", response=AlertOut, summary="对催办作书面说明（被催办单位）"
)
def alert_respond(request, alert_id: int, body: ResponseIn):
    services.alert_respond(actor=request.user, alert_id=alert_id, response=body.response)
    return alert_out(selectors.alert_get(actor=request.user, pk=alert_id))
