"""The append-only, hash-chained audit log (DESIGN.md 3.11).

Nothing here has a foreign key: an event keeps the names it was written with, and deleting or
renaming a business object never touches its history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("审计事件只能追加，不能修改")

    def delete(self):
        raise AuditImmutableError("审计事件只能追加，不能删除")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("审计事件只能追加，不能修改")

    _raw_delete = delete


class AuditEvent(models.Model):
    """One recorded action: who did what to which object, when, from where, and the chain hash."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    on_behalf_of_id = models.BigIntegerField(null=True, blank=True)
    on_behalf_of_name = models.CharField(_("代为操作"), max_length=150, blank=True)
    actor_unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_unit_code = models.CharField(max_length=64, blank=True)
    actor_unit_name = models.CharField(_("操作人单位"), max_length=200, blank=True)
    source_ip = models.CharField(_("来源地址"), max_length=45, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_name = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    success = models.BooleanField(_("是否成功"), default=True)
    hash_alg = models.CharField(max_length=16, default="sha256")
    prev_hash = models.CharField(max_length=128)
    hash = models.CharField(max_length=128)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.get("force_insert"):
            raise AuditImmutableError("审计事件只能由 audit.services.audit_record 追加")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("审计事件只能追加，不能删除")


class AuditHead(models.Model):
    """The chain's head (last sequence and hash); its row lock serialises writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=128, default="")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
