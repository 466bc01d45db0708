"""Verify reads the chain in chunks (a fixed number of queries whatever its length) and hashes
each stored event exactly as it was recorded."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.audit import verify
from ganchao.audit.chain import (
    HASH_ALG,
    LEGACY_HASH_ALG,
    event_hash,
    jsonable,
    stored_changes,
    stored_event_hash,
)
from ganchao.audit.models import AuditEvent
from ganchao.audit.tests.test_chain import raw, triggers_off, write_events  # noqa: F401
from ganchao.audit.verify import audit_verify

KEY = b"k" * 32


def verify_queries():
    with CaptureQueriesContext(connection) as queries:
        result = audit_verify()
    assert result.ok, result.problem
    return result.checked, len(queries)


@pytest.mark.django_db
def test_verify_runs_the_same_queries_for_50_and_500_events(city):
    write_events(50)
    checked_small, small = verify_queries()
    write_events(450)
    checked_large, large = verify_queries()
    assert checked_large == checked_small + 450 == AuditEvent.objects.count()
    assert large == small


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 1])
def test_chunked_reading_checks_every_event(city, monkeypatch, extra):
    """A chain of exactly three chunks, and one more event: nothing skipped, nothing read twice."""
    monkeypatch.setattr(verify, "CHUNK", 7)
    while AuditEvent.objects.count() < 21 + extra:
        write_events(1)
    assert AuditEvent.objects.count() == 21 + extra
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked == 21 + extra


@pytest.mark.django_db
@pytest.mark.usefixtures("triggers_off")
def test_edit_in_a_later_chunk_is_named(city, monkeypatch):
    monkeypatch.setattr(verify, "CHUNK", 7)
    write_events(30)
    target = AuditEvent.objects.order_by("seq")[22].seq
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["篡改", target])
    result = audit_verify()
    assert result.broken_seq == target and "修改" in result.problem
    assert result.checked == target - 1


def fields(changes, alg=HASH_ALG):
    at = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return {
        "seq": 7, "at": at, "actor_id": 3, "actor_username": "wang", "actor_name": "王伟",
        "on_behalf_of_id": None, "on_behalf_of_name": "", "actor_unit_id": 2,
        "actor_unit_code": "C01", "actor_unit_name": "市督查室", "source_ip": "10.0.0.1",
        "user_agent": "ua", "action": "unit.update", "object_type": "unit", "object_id": "9",
        "object_name": "单位", "changes": changes, "reason": "理由", "request_id": "r",
        "success": True, "hash_alg": alg, "prev_hash": "a" * 64,
    }  # fmt: skip


CHANGES = [
    {},
    {"name": {"before": "旧", "after": "新"}},
    {"z": 1, "a": [3, {"y": None, "b": True}], "中文": "值"},
    {"amount": Decimal("12.50"), "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)},
    # floats reach the stored JSON only from events written around audit_record (bench
    # top-ups, imports of old chains): jsonable hashes them as their repr
    {"ratio": 0.1, "big": 1e300, "neg": -0.0, "list": [1.5, 2, "3"]},
    [1.25, {"k": 2.0}],
    "text",
    12.5,
    None,
]


@pytest.mark.parametrize("changes", CHANGES)
@pytest.mark.parametrize("alg", [HASH_ALG, LEGACY_HASH_ALG])
def test_stored_event_hash_is_the_recorded_hash(changes, alg):
    """The stored JSON (as the JSONField writes it: floats stay numbers) hashes to event_hash."""
    recorded = event_hash(fields(changes, alg), KEY)
    stored_text = json.dumps(jsonable(changes) if not _has_float(changes) else changes, default=str)
    data = fields(stored_changes(stored_text), alg)
    assert stored_event_hash(data, KEY) == recorded


def test_a_changed_stored_value_changes_the_hash():
    recorded = event_hash(fields({"ratio": 0.1}), KEY)
    assert stored_event_hash(fields(stored_changes('{"ratio": 0.2}')), KEY) != recorded
    assert stored_event_hash(fields(stored_changes('{"ratio": "0.1"}')), KEY) == recorded


def test_unknown_or_unkeyed_algorithm_is_refused():
    with pytest.raises(ValueError):
        stored_event_hash(fields({}, "md5"), KEY)
    with pytest.raises(ValueError):
        stored_event_hash(fields({}), None)


def _has_float(value):
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)
