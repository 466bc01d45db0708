"""Canonical serialisation and hashing of audit events (pure functions)."""

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal
from uuid import UUID

HASH_ALG = "sha256"
GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_username", "actor_name", "on_behalf_of_id",
    "on_behalf_of_name", "actor_unit_id", "actor_unit_code", "actor_unit_name", "source_ip",
    "user_agent", "action", "object_type", "object_id", "object_name", "changes", "reason",
    "request_id", "success", "hash_alg", "prev_hash",
)  # fmt: skip


def jsonable(value):
    """Plain JSON for a changed value: decimals as strings, datetimes to the microsecond, UTC."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return canonical_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)


def canonical_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime in an audit event")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_bytes(fields: dict) -> bytes:
    data = {name: fields[name] for name in HASHED_FIELDS}
    data["at"] = canonical_datetime(data["at"])
    data["changes"] = jsonable(data["changes"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def checkpoint_signature(secret: str, seq: int, hash_value: str) -> str:
    return hmac.new(secret.encode(), f"{seq}:{hash_value}".encode(), hashlib.sha256).hexdigest()
