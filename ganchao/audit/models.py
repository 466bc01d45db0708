"""The append-only, hash-chained audit log (DESIGN.md 3.11).

Nothing here has a foreign key: an event keeps the names it was written with, and deleting or
renaming a business object never touches its history.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every bulk change: rows of these tables are only ever added."""

    def update(self, **kwargs):
        raise AuditImmutableError("审计记录只能追加，不能修改")

    def delete(self):
        raise AuditImmutableError("审计记录只能追加，不能删除")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("审计记录只能追加，不能修改")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A row written once (force_insert) and never changed nor deleted through the ORM; the
    database's triggers refuse raw UPDATE and DELETE too (migration 0003)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or not kwargs.get("force_insert"):
            raise AuditImmutableError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("审计记录只能追加，不能删除")


AuditEventQuerySet = AppendOnlyQuerySet


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


class AuditIdentity(AppendOnlyModel):
    """The database's identity, stored in the database itself: a random id written once, which
    names the checkpoint file (so that a restore under another path or database name keeps its
    checkpoints), and the first sequence number that must be hashed with the chain key. The
    seal (an HMAC with the chain key) stops anyone without the key from changing either."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    uuid = models.UUIDField(unique=True)
    keyed_from_seq = models.BigIntegerField(_("自此序号起以密钥计算哈希"))
    seal = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("审计数据库标识")

    def __str__(self) -> str:
        return str(self.uuid)


class AuditCheckpoint(AppendOnlyModel):
    """One checkpoint written: the event it seals and that event's hash. The signed copy is a
    line of the checkpoint file in the data folder (and of the off-host copy, if configured);
    verify requires every checkpoint recorded here to be in the file, and the other way round."""

    seq = models.BigIntegerField(_("事件序号"), unique=True)
    hash = models.CharField(max_length=128)
    written_at = models.DateTimeField(_("写出时间"))

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计检查点")

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"


class AuditVerifyRun(AppendOnlyModel):
    """One run of the chain verification (the daily tick, `ganchao audit verify` or the
    auditor's page) and its result."""

    class Source(models.TextChoices):
        TICK = "tick", _("每日定时校验")
        COMMAND = "command", _("命令行校验")
        PAGE = "page", _("页面校验")

    at = models.DateTimeField(_("校验时间"), db_index=True)
    source = models.CharField(_("方式"), max_length=16, choices=Source.choices)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    ok = models.BooleanField(_("是否通过"))
    checked = models.BigIntegerField(_("已校验事件数"))
    problem = models.TextField(_("问题"), blank=True)
    broken_seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计链校验记录")

    def __str__(self) -> str:
        return f"verify @ {self.at}: {'ok' if self.ok else 'failed'}"
