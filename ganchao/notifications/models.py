"""In-app notifications (the inbox) and their outside deliveries (e-mail, chat-robot webhook).

The in-app copy is written in the business transaction; deliveries are rows that a job
sends, retried with backoff, and shown to administrators after 5 failures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message in a user's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    kind = models.CharField(max_length=32, blank=True)
    alert = models.ForeignKey(
        "supervision.Alert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        verbose_name = _("消息")

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One outside delivery of a notification; retried with backoff."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WEBHOOK = "webhook", _("群机器人")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息投递")

    def __str__(self) -> str:
        return f"{self.channel} {self.state} #{self.notification_id}"


class MutedKind(models.Model):
    """A kind of notification a user has muted: it still reaches the inbox, but is not e-mailed
    or pushed to the group robot and does not count in the unread badge."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="muted_kinds"
    )
    kind = models.CharField(_("消息类别"), max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="muted_kind_unique"),
        ]
        verbose_name = _("静音的消息类别")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
