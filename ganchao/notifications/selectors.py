"""Reads of the inbox and of failed deliveries."""

from ganchao.common.errors import NotFound
from ganchao.notifications.models import Delivery, Notification
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def inbox(*, actor, unread_only: bool = False):
    query = Notification.objects.filter(user=actor)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query.order_by("-created_at", "-id")


def unread_count(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()


def failed_deliveries(*, actor):
    """Deliveries that gave up after 5 attempts; system administrators only."""
    if not scope_of(actor).has(Role.SYSTEM_ADMIN):
        raise NotFound("页面不存在")
    return (
        Delivery.objects.filter(state=Delivery.State.FAILED)
        .select_related("notification__user")
        .order_by("-id")
    )
