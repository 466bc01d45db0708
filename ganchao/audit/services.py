"""Writing the audit chain. Every service calls audit_record inside its own transaction.

Besides the events: the database identity (created with the chain), the signed checkpoints
(a row here, a line in the data folder's checkpoint file, and a copy off the host when
GANCHAO_AUDIT_COPY is set) and the record of each verification run (LEGAL_RULES C7).
"""

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit import offhost
from ganchao.audit.chain import (
    GENESIS_HASH,
    HASH_ALG,
    canonical_datetime,
    checkpoint_signature,
    event_hash,
    identity_seal,
    jsonable,
)
from ganchao.audit.keys import audit_key
from ganchao.audit.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
    AuditIdentity,
    AuditVerifyRun,
)
from ganchao.audit.registry import ACTIONS
from ganchao.audit.triggers import append_only_suspended  # noqa: F401 - for database resets
from ganchao.common.middleware import current_request_context

logger = logging.getLogger(__name__)
CHECKPOINT_ACTION = "audit.checkpoint"


class AuditIdentityMissing(Exception):
    """The chain has events but its database identity row is gone."""


@dataclass(frozen=True)
class Target:
    """The object an event is about, by type, id and display name."""

    type: str
    id: str
    name: str

    @classmethod
    def of(cls, obj, type_name: str | None = None) -> "Target":
        return cls(type_name or obj._meta.model_name, str(obj.pk), str(obj)[:300])


def diff(before: dict, after: dict) -> dict:
    """{"field": {"before": x, "after": y}} for the fields whose values differ."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            changes[key] = {"before": old, "after": new}
    return changes


def _actor_fields(actor, on_behalf_of) -> dict:
    unit = getattr(actor, "unit", None) if actor is not None else None
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_username": getattr(actor, "username", "") or "",
        "actor_name": (actor.display_name if actor is not None else "系统")[:150],
        "on_behalf_of_id": getattr(on_behalf_of, "pk", None),
        "on_behalf_of_name": on_behalf_of.display_name if on_behalf_of is not None else "",
        "actor_unit_id": getattr(unit, "pk", None),
        "actor_unit_code": getattr(unit, "code", "") or "",
        "actor_unit_name": getattr(unit, "name", "") or "",
    }


def audit_record(
    *,
    actor,
    action: str,
    target: Target | None = None,
    changes: dict | None = None,
    reason: str = "",
    success: bool = True,
    on_behalf_of=None,
    at=None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head, created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    if created:
        database_identity()  # a new chain gets its identity, keyed from event #1
    context = current_request_context()
    fields = {
        "seq": head.last_seq + 1,
        "at": at or timezone.now(),
        **_actor_fields(actor, on_behalf_of),
        "source_ip": context.source_ip if context else "",
        "user_agent": context.user_agent if context else "",
        "action": action,
        "object_type": target.type if target else "",
        "object_id": target.id if target else "",
        "object_name": target.name if target else "",
        "changes": json.loads(json.dumps(jsonable(changes or {}))),
        "reason": reason,
        "request_id": context.request_id if context else "",
        "success": success,
        "hash_alg": HASH_ALG,
        "prev_hash": head.last_hash or GENESIS_HASH,
    }
    if username and not fields["actor_username"]:
        fields["actor_username"] = username[:150]
        fields["actor_name"] = username[:150]
    event = AuditEvent(**fields, hash=event_hash(fields, audit_key()))
    event.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def database_identity() -> AuditIdentity:
    """This database's identity, created with the chain (keyed from event #1). A chain that
    has events but no identity lost it: that is tampering, never silently repaired."""
    identity = AuditIdentity.objects.filter(pk=1).first()
    if identity is not None:
        return identity
    if AuditEvent.objects.exists():
        raise AuditIdentityMissing(
            _("审计数据库标识缺失，而库中已有审计事件：标识记录被删除，请运行 ganchao audit verify")
        )
    value = uuid.uuid4()
    identity = AuditIdentity(
        pk=1,
        uuid=value,
        keyed_from_seq=1,
        seal=identity_seal(audit_key(), uuid=str(value), keyed_from_seq=1),
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            identity.save(force_insert=True)
    except IntegrityError:  # another process created it at the same moment
        return AuditIdentity.objects.get(pk=1)
    return identity


def checkpoint_path(identity: AuditIdentity | None = None) -> Path:
    """The checkpoint file of this database, named by the identity stored IN the database (not
    by its connection settings), so that a restore under another path keeps its checkpoints."""
    identity = identity or database_identity()
    return Path(settings.DATA_DIR) / "audit" / f"checkpoints-{identity.uuid}.jsonl"


def last_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-seq").first()


def checkpoint_due(*, now: datetime, min_interval: timedelta) -> bool:
    """Without any lock: is there something new since the last checkpoint, and is that
    checkpoint older than `min_interval`? (audit_checkpoint_export decides again, locked.)"""
    last_seq = AuditHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
    last = last_checkpoint()
    if last is None:
        return last_seq > 0
    return last_seq > last.seq and last.written_at <= now - min_interval


def audit_checkpoint_export(
    *, min_interval: timedelta | None = None, now: datetime | None = None
) -> dict | None:
    """Seal the chain's head with a signed checkpoint, when there is something new to seal.

    One transaction under the head's lock: the event "audit.checkpoint" is recorded first, and
    the checkpoint seals that very event, so that deleting it (or anything before it) is
    caught; the row and the signed line in the checkpoint file are written before the commit;
    the off-host copy after it. None when the log is empty, nothing happened since the last
    checkpoint, or (with `min_interval`) the last checkpoint is younger than that.
    """
    now = now or timezone.now()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.last_seq == 0:
            return None
        last = last_checkpoint()
        if last is not None and last.seq >= head.last_seq:
            return None
        if min_interval is not None and last is not None and last.written_at > now - min_interval:
            return None
        identity = database_identity()
        path = checkpoint_path(identity)
        event = audit_record(
            actor=None,
            action=CHECKPOINT_ACTION,
            changes={"file": {"before": None, "after": path.name}},
        )
        written_at = now
        AuditCheckpoint(seq=event.seq, hash=event.hash, written_at=written_at).save(
            force_insert=True
        )
        entry = {
            "db": str(identity.uuid),
            "seq": event.seq,
            "hash": event.hash,
            "written_at": canonical_datetime(written_at),
        }
        entry["sig"] = checkpoint_signature(
            audit_key(),
            db=entry["db"],
            seq=entry["seq"],
            hash_value=entry["hash"],
            written_at=entry["written_at"],
        )
        line = json.dumps(entry, sort_keys=True)
        _append_line(path, line)
        transaction.on_commit(lambda: offhost.copy_checkpoint(line, path.name, entry))
    return entry


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def audit_verify_run(*, source: str, actor=None, at: datetime | None = None):
    """Verify the whole chain and record the run; a failure is also logged as an error (the
    alarm for whoever watches the logs). Returns (result, run)."""
    from ganchao.audit.verify import audit_verify

    result = audit_verify()
    run = AuditVerifyRun(
        at=at or timezone.now(),
        source=source,
        actor_name=(actor.display_name if actor is not None else "")[:150],
        ok=result.ok,
        checked=result.checked,
        problem=result.problem,
        broken_seq=result.broken_seq,
    )
    with transaction.atomic():
        run.save(force_insert=True)
    if not result.ok:
        logger.error("audit chain verification failed: %s", result.problem)
    return result, run


def verify_due(at: datetime) -> bool:
    """The daily verification is due at `at`: past the hour of the day it runs at (local
    time, setting AUDIT_VERIFY_HOUR, default 3) and no scheduled run yet that day."""
    local = timezone.localtime(at)
    if local.hour < getattr(settings, "AUDIT_VERIFY_HOUR", 3):
        return False
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return not AuditVerifyRun.objects.filter(
        source=AuditVerifyRun.Source.TICK, at__gte=day_start, at__lt=day_start + timedelta(days=1)
    ).exists()


def in_transaction_record(**kwargs) -> AuditEvent:
    """audit_record in a transaction of its own, for events with no business write (logins)."""
    with transaction.atomic():
        return audit_record(**kwargs)
