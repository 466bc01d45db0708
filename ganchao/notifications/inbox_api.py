"""API of the inbox: /notifications (one's own messages, newest first), mark one read, mark all
read — the same services as the inbox page."""

from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.notifications import selectors, services

router = Router(tags=["消息"])


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    kind: str
    created_at: LocalDatetime
    read_at: LocalDatetime | None = None


class ReadAllOut(Schema):
    marked: int


def notification_out(notification) -> dict:
    return {
        "id": notification.pk,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "kind": notification.kind,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get(
    "/notifications", response=list[NotificationOut], summary="我的消息（unread=true 只看未读）"
)
@paginate(Page)
def notifications(request, unread: bool = False):
    return PageRows(selectors.inbox(actor=request.user, unread_only=unread), notification_out)


@router.post("/notifications/read-all", response=ReadAllOut, summary="全部标为已读")
def mark_all_read(request):
    return {"marked": services.notification_mark_all_read(actor=request.user)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="标为已读")
def mark_read(request, notification_id: int):
    notification = services.notification_mark_read(
        actor=request.user, notification_id=notification_id
    )
    return notification_out(notification)
