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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.notifications.kinds import DIGEST_KINDS, KINDS, kind_label
from ganchao.notifications.models import Delivery, MutedKind, Notification

MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT = 10
CLAIM = dt.timedelta(minutes=5)
DIGEST_DELAY = dt.timedelta(minutes=30)
DIGEST_LINES = 20

register("notification.read_all", _("全部消息标为已读"))
register("notification.settings", _("修改消息提醒设置"))


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
    per distinct message (title and body). A kind the user muted gets no e-mail, and the robot
    posts a message only when some recipient has not muted its kind. Digest kinds wait
    DIGEST_DELAY and then go out as one message per recipient and channel."""
    at = at or timezone.now()
    rows = [Notification(user=user, created_at=at, **fields) for user, fields in entries]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    muted = _muted_pairs({user.pk for user, _fields in entries})
    deliveries, webhook_seen = [], set()
    for notification, (user, _fields) in zip(created, entries, strict=True):
        if (user.pk, notification.kind) in muted:
            continue
        when = at + DIGEST_DELAY if notification.kind in DIGEST_KINDS else at
        if settings.EMAIL_ENABLED and user.email:
            deliveries.append(_delivery(notification, Delivery.Channel.EMAIL, when))
        message_key = (notification.title, notification.body, notification.alert_id)
        if settings.WEBHOOK_URL and message_key not in webhook_seen:
            webhook_seen.add(message_key)
            deliveries.append(_delivery(notification, Delivery.Channel.WEBHOOK, when))
    if deliveries:
        saved = Delivery.objects.bulk_create(deliveries, batch_size=1000)
        ids = [d.pk for d in saved if d.pk and d.next_attempt_at <= at]
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _muted_pairs(user_ids) -> set[tuple[int, str]]:
    return set(MutedKind.objects.filter(user_id__in=user_ids).values_list("user_id", "kind"))


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


@transaction.atomic
def notification_settings_set(*, actor, muted) -> list[str]:
    """Mute exactly the kinds in `muted` for the actor (the others are unmuted); an unknown kind
    is an error naming it and changes nothing. Audited with the before and after."""
    wanted = sorted({str(kind).strip() for kind in (muted or [])})
    unknown = [kind for kind in wanted if kind not in KINDS]
    if unknown:
        raise ValidationFailed.on(
            "muted", _("消息类别：没有“%(kind)s”这一类") % {"kind": "、".join(unknown)}
        )
    before = sorted(MutedKind.objects.filter(user=actor).values_list("kind", flat=True))
    if before == wanted:
        return wanted
    MutedKind.objects.filter(user=actor).exclude(kind__in=wanted).delete()
    MutedKind.objects.bulk_create(
        [MutedKind(user=actor, kind=kind) for kind in wanted if kind not in before]
    )
    audit_record(
        actor=actor,
        action="notification.settings",
        target=Target("user", str(actor.pk), str(actor)),
        changes={"muted": {"before": before, "after": wanted}},
    )
    return wanted


# ---- sending -------------------------------------------------------------------------------


def delivery_send_due(*, at: dt.datetime, ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Attempt every pending delivery due by `at` (or the given ones); (sent, failed now).
    Deliveries of digest kinds go out together, one message per recipient and channel."""
    query = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=at)
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    sent = failed = 0
    due = list(query.order_by("pk").values_list("pk", "notification__kind"))
    for delivery_id, kind in due:
        if kind in DIGEST_KINDS:
            continue
        outcome = delivery_attempt(delivery_id=delivery_id, at=at)
        sent += outcome == Delivery.State.SENT
        failed += outcome == Delivery.State.FAILED
    digests = [pk for pk, kind in due if kind in DIGEST_KINDS]
    if digests:
        digest_sent, digest_failed = _send_digests(digests, at)
        sent, failed = sent + digest_sent, failed + digest_failed
    return sent, failed


def _send_digests(due_ids: list[int], at: dt.datetime) -> tuple[int, int]:
    """Group the due digest deliveries with every pending one of the same recipient, channel and
    kind (so what arrived since joins them), claim the group and send it as one message."""
    rows = Delivery.objects.filter(pk__in=due_ids).values_list(
        "channel", "notification__kind", "notification__user_id"
    )
    # The robot's digest is one per kind whoever the recipients were: keying it by user would
    # only re-query groups the first one already claimed.
    groups = {
        (channel, kind, user_id if channel == Delivery.Channel.EMAIL else 0)
        for channel, kind, user_id in rows
    }
    sent = failed = 0
    for channel, kind, user_id in sorted(groups):
        members = Delivery.objects.filter(
            state=Delivery.State.PENDING, channel=channel, notification__kind=kind
        ).filter(next_attempt_at__lte=at + DIGEST_DELAY)
        if channel == Delivery.Channel.EMAIL:
            members = members.filter(notification__user_id=user_id)
        member_ids = list(members.values_list("pk", flat=True))
        claimed = Delivery.objects.filter(pk__in=member_ids, state=Delivery.State.PENDING).update(
            next_attempt_at=at + CLAIM
        )
        if not claimed:
            continue
        batch = list(
            Delivery.objects.filter(pk__in=member_ids, next_attempt_at=at + CLAIM)
            .select_related("notification__user")
            .order_by("notification__created_at", "pk")
        )
        outcome = _digest_attempt(batch, kind, at)
        sent += outcome == Delivery.State.SENT
        failed += outcome == Delivery.State.FAILED
    return sent, failed


def digest_text(kind: str, notifications: list[Notification]) -> tuple[str, str]:
    """(subject, text) of a digest: the count, then one line per message (at most 20)."""
    subject = _("%(kind)s（%(n)d条）") % {"kind": kind_label(kind), "n": len(notifications)}
    lines = [f"· {n.title}" for n in notifications[:DIGEST_LINES]]
    if len(notifications) > DIGEST_LINES:
        lines.append(
            _("……另有%(n)d条，请登录平台查看。") % {"n": len(notifications) - DIGEST_LINES}
        )
    return subject, "\n".join([subject, *lines])


def _digest_attempt(batch: list[Delivery], kind: str, at: dt.datetime) -> str | None:
    if not batch:
        return None
    subject, text = digest_text(kind, [d.notification for d in batch])
    try:
        if batch[0].channel == Delivery.Channel.EMAIL:
            user = batch[0].notification.user
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        else:
            webhook_post(settings.WEBHOOK_URL, text)
    except Exception as exc:  # any transport error counts as a failed attempt for the batch
        states = [_record_failure(d, at, f"{type(exc).__name__}: {exc}") for d in batch]
        return Delivery.State.FAILED if Delivery.State.FAILED in states else None
    Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
        state=Delivery.State.SENT, sent_at=at, next_attempt_at=None, attempts=F("attempts") + 1
    )
    return Delivery.State.SENT


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
