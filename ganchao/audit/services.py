"""Writing the audit chain. Every service calls audit_record inside its own transaction."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ganchao.audit.chain import GENESIS_HASH, HASH_ALG, checkpoint_signature, event_hash, jsonable
from ganchao.audit.models import AuditEvent, AuditHead
from ganchao.audit.registry import ACTIONS
from ganchao.common.middleware import current_request_context


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
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
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
    event = AuditEvent(**fields, hash=event_hash(fields))
    event.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def audit_checkpoint_export() -> dict | None:
    """Append a signed (sequence, hash) of the head to the data folder's checkpoint file."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    entry = {
        "seq": head.last_seq,
        "hash": head.last_hash,
        "written_at": timezone.now().isoformat(),
        "sig": checkpoint_signature(settings.SECRET_KEY, head.last_seq, head.last_hash),
    }
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
    return entry


def checkpoint_path():
    """One checkpoint file per database, so that two databases never share a chain's witness."""
    db = connection.settings_dict
    identity = f"{connection.vendor}:{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:12]
    return settings.DATA_DIR / "audit" / f"checkpoints-{digest}.jsonl"


def in_transaction_record(**kwargs) -> AuditEvent:
    """audit_record in a transaction of its own, for events with no business write (logins)."""
    with transaction.atomic():
        return audit_record(**kwargs)
