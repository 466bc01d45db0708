"""The audit chain: written with the change, append-only, and verify catches every tampering."""

import threading

import pytest
from django.db import connection, connections, transaction

from ganchao.audit.models import AuditEvent, AuditHead, AuditImmutableError
from ganchao.audit.services import Target, audit_checkpoint_export, audit_record
from ganchao.audit.triggers import APPEND_ONLY_TABLES, sqlite_drop
from ganchao.audit.verify import audit_verify
from ganchao.cli import main
from ganchao.common.errors import ValidationFailed
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit


def write_events(n, action="unit.update"):
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=action,
                target=Target("unit", str(i), f"单位{i}"),
                changes={"name": {"before": f"旧{i}", "after": f"新{i}"}},
            )


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def triggers_off():
    """Someone with the database file or the table owner's role can lift the triggers (SQLite:
    drop them; PostgreSQL: disable them); the chain must still catch edits. Both are undone
    with the test's transaction."""
    if connection.vendor == "postgresql":
        for table in APPEND_ONLY_TABLES:
            raw(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        for sql in sqlite_drop():
            raw(sql)
    yield
    if connection.vendor == "postgresql":
        for table in APPEND_ONLY_TABLES:
            raw(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def verify_cli(capsys):
    code = main(["audit", "verify"])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.django_db
def test_service_writes_its_event_in_the_same_transaction(city):
    before = AuditEvent.objects.count()
    org_services.unit_create(
        actor=city.admin, name="新区", type=UnitType.DISTRICT, parent=city.root
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "unit.create" and event.actor_username == "city_admin"
    assert event.actor_unit_name == "市政府办公室"
    assert event.changes["name"] == {"before": None, "after": "新区"}


@pytest.mark.django_db
def test_a_failed_service_leaves_neither_change_nor_event(city):
    before_units, before_events = Unit.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        org_services.unit_create(
            actor=city.admin, name="西湖镇", type=UnitType.TOWN, parent=city.root
        )
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (before_units, before_events)


@pytest.mark.django_db
def test_when_the_event_cannot_be_written_the_change_fails(city, monkeypatch):
    import ganchao.orgs.services as services

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.unit_create(
            actor=city.admin, name="新区", type=UnitType.DISTRICT, parent=city.root
        )
    assert not Unit.objects.filter(name="新区").exists()


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(city):
    event = AuditEvent.objects.first()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="改")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        event.delete()
    event.reason = "改"
    with pytest.raises(AuditImmutableError):
        event.save()


@pytest.mark.django_db
def test_deleting_a_business_object_keeps_its_events(city):
    unit = org_services.unit_create(
        actor=None, name="临时园区", type=UnitType.PARK, parent=city.root
    )
    unit_id = unit.pk
    Unit.objects.filter(pk=unit_id).delete()
    assert AuditEvent.objects.filter(object_type="unit", object_id=str(unit_id)).count() == 1


@pytest.mark.django_db
def test_untouched_chain_verifies(city, capsys):
    write_events(3)
    code, out, err = verify_cli(capsys)
    assert code == 0, err
    assert f"已校验 {AuditEvent.objects.count()} 条" in out


@pytest.mark.django_db
def test_edited_event_is_named(city, capsys, triggers_off):
    write_events(5)
    target = AuditEvent.objects.order_by("seq")[3].seq
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["篡改", target])
    code, _out, err = verify_cli(capsys)
    assert code == 1
    assert f"#{target}" in err and "修改" in err


@pytest.mark.django_db
def test_deleted_middle_event_is_named(city, capsys, triggers_off):
    write_events(5)
    target = AuditEvent.objects.order_by("seq")[2].seq
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [target])
    code, _out, err = verify_cli(capsys)
    assert code == 1 and f"#{target}" in err


@pytest.mark.django_db
def test_deleted_newest_event_is_caught_by_the_head(city, capsys, triggers_off):
    write_events(3)
    newest = AuditEvent.objects.order_by("-seq").first().seq
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [newest])
    code, _out, err = verify_cli(capsys)
    assert code == 1 and f"#{newest}" in err


@pytest.mark.django_db
def test_deleted_newest_event_with_forged_head_is_caught_by_the_checkpoint(
    city, capsys, triggers_off
):
    write_events(3)
    audit_checkpoint_export()
    newest = AuditEvent.objects.order_by("-seq").first()
    previous = AuditEvent.objects.get(seq=newest.seq - 1)
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [newest.seq])
    AuditHead.objects.filter(pk=1).update(last_seq=previous.seq, last_hash=previous.hash)
    code, _out, err = verify_cli(capsys)
    assert code == 1 and f"#{newest.seq}" in err


@pytest.mark.django_db
def test_reordered_events_are_caught(city, capsys, triggers_off):
    write_events(4)
    a, b = [e.seq for e in AuditEvent.objects.order_by("seq")[1:3]]
    raw("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", [a])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [b])
    code, _out, err = verify_cli(capsys)
    assert code == 1 and f"#{a}" in err


@pytest.mark.django_db
def test_database_level_protection(city):
    """The triggers refuse raw changes on SQLite and PostgreSQL alike."""
    from django.db import DatabaseError

    for sql in ("UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql)
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(capsys):
    errors = []

    def writer():
        try:
            write_events(15)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 61))
    assert audit_verify().ok
