"""Writes of the inbox and of outside deliveries (e-mail, chat-robot webhook).

The in-app copy is written in the caller's transaction. Each outside delivery is a Delivery row
(the outbox): a django-tasks job sends it after commit, and the `notifications.retry` tick scan
sends whatever is still due, with exponential backoff (1, 2, 4, 8 … minutes after each failed
attempt); after MAX_ATTEMPTS failures the delivery is `failed` and shown to system
administrators. A failed delivery never touches the in-app copy.

A group robot (webhook) posts once per message, not once per recipient: the webhook delivery
hangs on the first recipient's copy.
"""

import datetime as dt
import json
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import NotFound
from ganchao.notifications.models import Delivery, Notification

MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT = 10
CLAIM = dt.timedelta(minutes=5)

register("notification.read_all", _("全部消息标为已读"))


def notification_create(
    *,
    users: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    alert=None,
    at: dt.datetime | None = None,
) -> list[Notification]:
    """Put a message in each user's inbox and queue its outside deliveries."""
    return notifications_create_many(
        [
            (user, {"title": title, "body": body, "url": url, "kind": kind, "alert": alert})
            for user in users
        ],
        at=at,
    )


def notifications_create_many(entries, *, at: dt.datetime | None = None) -> list[Notification]:
    """Bulk form: `entries` is [(user, {title, body, url, kind, alert})]; one webhook delivery
    per distinct message (title and body)."""
    at = at or timezone.now()
    rows = [Notification(user=user, created_at=at, **fields) for user, fields in entries]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    deliveries = []
    webhook_seen = set()
    for notification, (user, _fields) in zip(created, entries, strict=True):
        if settings.EMAIL_ENABLED and user.email:
            deliveries.append(_delivery(notification, Delivery.Channel.EMAIL, at))
        message_key = (notification.title, notification.body, notification.alert_id)
        if settings.WEBHOOK_URL and message_key not in webhook_seen:
            webhook_seen.add(message_key)
            deliveries.append(_delivery(notification, Delivery.Channel.WEBHOOK, at))
    if deliveries:
        saved = Delivery.objects.bulk_create(deliveries, batch_size=1000)
        ids = [d.pk for d in saved if d.pk]
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _delivery(notification, channel, at) -> Delivery:
    return Delivery(notification=notification, channel=channel, next_attempt_at=at)


def _enqueue(ids: list[int]) -> None:
    from ganchao.notifications.tasks import send_deliveries

    if ids:
        send_deliveries.enqueue(ids)


# ---- inbox ---------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's messages read (reading one's inbox is not audited)."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is None:
        raise NotFound(_("消息不存在"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    count = Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        audit_record(
            actor=actor,
            action="notification.read_all",
            target=Target("user", str(actor.pk), str(actor)),
            changes={"read": {"before": 0, "after": count}},
        )
    return count


# ---- sending -------------------------------------------------------------------------------


def delivery_send_due(*, at: dt.datetime, ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Attempt every pending delivery due by `at` (or the given ones); (sent, failed now)."""
    query = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=at)
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    sent = failed = 0
    for delivery_id in list(query.order_by("pk").values_list("pk", flat=True)):
        outcome = delivery_attempt(delivery_id=delivery_id, at=at)
        sent += outcome == Delivery.State.SENT
        failed += outcome == Delivery.State.FAILED
    return sent, failed


def delivery_attempt(*, delivery_id: int, at: dt.datetime) -> str | None:
    """Claim the delivery (so the job and the tick never both send it), send it, record the
    outcome. Returns the new state, or None when someone else holds it."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=at
    ).update(next_attempt_at=at + CLAIM)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__user").get(pk=delivery_id)
    try:
        _send(delivery)
    except Exception as exc:  # any transport error counts as a failed attempt
        return _record_failure(delivery, at, f"{type(exc).__name__}: {exc}")
    delivery.state, delivery.sent_at = Delivery.State.SENT, at
    delivery.attempts += 1
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "sent_at", "attempts", "next_attempt_at"])
    return delivery.state


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, 8 … minutes."""
    return dt.timedelta(minutes=2 ** (attempts - 1))


def _record_failure(delivery: Delivery, at: dt.datetime, error: str) -> str:
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
    else:
        delivery.next_attempt_at = at + backoff(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
    return delivery.state


def message_text(notification: Notification) -> str:
    parts = [notification.title, notification.body]
    return "\n".join(part for part in parts if part)


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(
            notification.title,
            message_text(notification),
            settings.DEFAULT_FROM_EMAIL,
            [notification.user.email],
        )
    else:
        webhook_post(settings.WEBHOOK_URL, message_text(notification))


def webhook_post(url: str, content: str) -> None:
    """POST the text as DingTalk and WeCom group robots accept it; raise on failure."""
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False)
    request = urllib.request.Request(
        url,
        data=payload.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
        body = response.read(65536)
    # Both robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
