"""Background jobs of notifications: only the outside call (SMTP, webhook) runs here."""

from django.utils import timezone
from django_tasks import task

from ganchao.notifications.services import delivery_send_due


@task()
def send_deliveries(delivery_ids: list[int]) -> None:
    delivery_send_due(at=timezone.now(), ids=delivery_ids)
