"""Canonical serialisation and hashing of audit events (pure functions; the key is passed in).

Each event records the algorithm of its own hash (`hash_alg`): "hmac-sha256" (keyed with the
chain key kept outside the database, ganchao.audit.keys) for every new event, "sha256" for the
events written before the chain was keyed. Verify checks each event by its own algorithm, and
the signed database identity says from which sequence number on the key is required, so that
recomputing the chain with plain sha256 is caught.
"""

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal
from uuid import UUID

from ganchao.audit.keys import forget_key  # noqa: F401 - a restore calls chain.forget_key()

HASH_ALG = "hmac-sha256"
LEGACY_HASH_ALG = "sha256"
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


def event_hash(fields: dict, key: bytes | None = None) -> str:
    """The hash of an event by its own `hash_alg`; the keyed algorithm needs the key."""
    data = canonical_bytes(fields)
    alg = fields["hash_alg"]
    if alg == LEGACY_HASH_ALG:
        return hashlib.sha256(data).hexdigest()
    if alg == HASH_ALG:
        if not key:
            raise ValueError("the keyed audit hash needs the chain key")
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {alg!r}")


# Verification helpers: the same canonical text and hashes as canonical_bytes/event_hash, from
# the stored row (the `changes` column's JSON text, the `at` datetime) with less work per event:
# one reused encoder, no walk over the decoded `changes` (a float is turned into its repr string
# while parsing, as jsonable does), and the key's HMAC in one call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_STORED_JSON = json.JSONDecoder(
    parse_float=lambda text: repr(float(text)), parse_constant=lambda text: repr(float(text))
)


def stored_changes(text: str | None):
    """The stored JSON text of `changes` as jsonable() makes it from the decoded value."""
    return None if text is None else _STORED_JSON.decode(text)


def stored_event_hash(data: dict, key: bytes | None) -> str:
    """event_hash of a stored event whose `changes` comes from stored_changes(); `data` holds
    the HASHED_FIELDS and is changed in place (its `at` becomes the canonical text)."""
    data["at"] = canonical_datetime(data["at"])
    payload = _CANONICAL.encode(data).encode()
    alg = data["hash_alg"]
    if alg == HASH_ALG:
        if not key:
            raise ValueError("the keyed audit hash needs the chain key")
        return hmac.digest(key, payload, "sha256").hex()
    if alg == LEGACY_HASH_ALG:
        return hashlib.sha256(payload).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {alg!r}")


def _sign(key: bytes, purpose: str, data: dict) -> str:
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, f"{purpose}\n{payload}".encode(), hashlib.sha256).hexdigest()


def checkpoint_signature(key: bytes, *, db: str, seq: int, hash_value: str, written_at: str):
    """The signature of one checkpoint line: which database, which event, its hash, when."""
    data = {"db": db, "seq": seq, "hash": hash_value, "written_at": written_at}
    return _sign(key, "ganchao-audit-checkpoint", data)


def identity_seal(key: bytes, *, uuid: str, keyed_from_seq: int) -> str:
    """The signature of the database identity: its id and the first event that must be keyed."""
    return _sign(key, "ganchao-audit-identity", {"uuid": uuid, "keyed_from_seq": keyed_from_seq})


def signatures_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(str(a), str(b))
