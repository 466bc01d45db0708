"""Reads of the inbox and of failed deliveries."""

from django.db.models import Exists, OuterRef

from ganchao.common.errors import NotFound
from ganchao.notifications.kinds import kind_choices
from ganchao.notifications.models import Delivery, MutedKind, Notification
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def inbox(*, actor, unread_only: bool = False):
    """The actor's messages, newest first, each marked `muted` when the actor muted its kind."""
    muted = MutedKind.objects.filter(user=actor, kind=OuterRef("kind"))
    query = Notification.objects.filter(user=actor).annotate(muted=Exists(muted))
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query.order_by("-created_at", "-id")


def unread_count(*, actor) -> int:
    """Unread messages of kinds the actor has not muted (muted ones stay in the inbox)."""
    muted = MutedKind.objects.filter(user=actor).values("kind")
    return (
        Notification.objects.filter(user=actor, read_at__isnull=True)
        .exclude(kind__in=muted)
        .count()
    )


def muted_kinds(*, actor) -> set[str]:
    return set(MutedKind.objects.filter(user=actor).values_list("kind", flat=True))


def notification_settings(*, actor) -> list[dict]:
    """Every kind with its label, who gets it, and whether the actor muted it."""
    muted = muted_kinds(actor=actor)
    return [
        {"kind": code, "label": label, "audience": audience, "muted": code in muted}
        for code, label, audience in kind_choices()
    ]


def failed_deliveries(*, actor):
    """Deliveries that gave up after 5 attempts; system administrators only."""
    if not scope_of(actor).has(Role.SYSTEM_ADMIN):
        raise NotFound("页面不存在")
    return (
        Delivery.objects.filter(state=Delivery.State.FAILED)
        .select_related("notification__user")
        .order_by("-id")
    )
