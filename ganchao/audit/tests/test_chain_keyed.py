"""Issue 12 item 5 (LEGAL_RULES C7): an audit chain that cannot be rewritten unseen.

What the probe saw on SQLite: editing event #900 and recomputing the chain passed verify, as
did deleting the newest events; `serve` never wrote a checkpoint; a deleted or moved
checkpoint file passed silently; a restore changed the checkpoint file's name. Each test below
plays the attacker with write access to the database (and, on SQLite, the file: the triggers
are dropped first) but without the chain key kept in the data folder.
"""

import datetime as dt
import importlib
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from config import env
from ganchao.accounts.services import token_create
from ganchao.audit import keys
from ganchao.audit.chain import HASH_ALG, HASHED_FIELDS, event_hash
from ganchao.audit.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
    AuditIdentity,
    AuditVerifyRun,
)
from ganchao.audit.services import (
    Target,
    audit_checkpoint_export,
    audit_record,
    checkpoint_path,
    database_identity,
)
from ganchao.audit.tests.test_chain import raw, triggers_off, verify_cli
from ganchao.audit.verify import audit_verify
from ganchao.cli import main
from ganchao.scheduler import runner
from ganchao.scheduler.management.commands import serve
from ganchao.scheduler.services import tick_run

__all__ = ["triggers_off"]  # the fixture, used by name
SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def write_many(n):
    """n events in one transaction (quicker than one each; the chain is the same)."""
    with transaction.atomic():
        for i in range(n):
            audit_record(
                actor=None,
                action="unit.update",
                target=Target("unit", str(i), f"单位{i}"),
                changes={"name": {"before": f"旧{i}", "after": f"新{i}"}},
            )


def recompute_chain(*, from_seq=1, hash_alg="sha256"):
    """What someone without the key can do: recompute every hash from `from_seq` on with plain
    sha256, relink the chain and fix the head row."""
    columns = [*HASHED_FIELDS, "hash"]
    prev = None
    for values in AuditEvent.objects.order_by("seq").values_list(*columns):
        event = dict(zip(columns, values, strict=True))
        if event["seq"] < from_seq:
            prev = event["hash"]
            continue
        event["prev_hash"] = prev or event["prev_hash"]
        event["hash_alg"] = "sha256"
        plain = event_hash(event)
        raw(
            "UPDATE audit_auditevent SET hash_alg = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [hash_alg, event["prev_hash"], plain, event["seq"]],
        )
        prev = plain
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_new_events_are_keyed_with_a_key_kept_outside_the_database(settings):
    write_many(2)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.hash_alg == HASH_ALG == "hmac-sha256"
    key_file = settings.DATA_DIR / "audit" / "chain.key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert key_file.read_text().strip() not in json.dumps(
        list(AuditEvent.objects.values()), default=str
    )
    assert audit_verify().ok


def test_edit_event_900_and_recompute_the_whole_chain_with_plain_sha256_fails(triggers_off, capsys):
    write_many(1000)
    assert audit_verify().ok
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = 900", ["篡改"])
    recompute_chain()
    code, _out, err = verify_cli(capsys)
    assert code == 1
    assert "#1" in err and "sha256" in err and "密钥" in err


def test_edit_event_900_and_recompute_from_there_keeping_the_label_fails(triggers_off, capsys):
    write_many(1000)
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = 900", ["篡改"])
    recompute_chain(from_seq=900, hash_alg="hmac-sha256")
    code, _out, err = verify_cli(capsys)
    assert code == 1 and "#900" in err and "修改" in err


def test_delete_the_newest_events_and_fix_the_head_fails_thanks_to_a_checkpoint(
    triggers_off, capsys
):
    write_many(10)
    sealed = audit_checkpoint_export()["seq"]  # 11: the checkpoint seals its own event
    write_many(5)
    raw("DELETE FROM audit_auditevent WHERE seq > 8")
    survivor = AuditEvent.objects.get(seq=8)
    AuditHead.objects.filter(pk=1).update(last_seq=8, last_hash=survivor.hash)
    code, _out, err = verify_cli(capsys)
    assert code == 1 and f"#{sealed}" in err and "最新事件被删除" in err


def test_deleting_only_the_checkpoint_event_is_caught_too(triggers_off):
    write_many(3)
    sealed = audit_checkpoint_export()["seq"]
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [sealed])
    previous = AuditEvent.objects.get(seq=sealed - 1)
    AuditHead.objects.filter(pk=1).update(last_seq=previous.seq, last_hash=previous.hash)
    result = audit_verify()
    assert not result.ok and f"#{sealed}" in result.problem


def test_a_deleted_checkpoint_file_fails(capsys):
    write_many(3)
    audit_checkpoint_export()
    checkpoint_path().unlink()
    code, _out, err = verify_cli(capsys)
    assert code == 1 and "不存在" in err and "删除或移走" in err


def test_a_moved_checkpoint_file_fails(tmp_path):
    write_many(3)
    audit_checkpoint_export()
    checkpoint_path().rename(tmp_path / "elsewhere.jsonl")
    result = audit_verify()
    assert not result.ok and "删除或移走" in result.problem


def test_deleted_checkpoint_rows_fail(triggers_off):
    write_many(3)
    audit_checkpoint_export()
    raw("DELETE FROM audit_auditcheckpoint")
    result = audit_verify()
    assert not result.ok and "检查点记录被删除" in result.problem


def test_deleted_checkpoint_rows_and_file_fail_thanks_to_the_checkpoint_events(triggers_off):
    write_many(3)
    sealed = audit_checkpoint_export()["seq"]
    raw("DELETE FROM audit_auditcheckpoint")
    checkpoint_path().unlink()
    result = audit_verify()
    assert not result.ok and f"#{sealed}" in result.problem and "删除或移走" in result.problem


def test_a_truncated_checkpoint_file_fails():
    write_many(3)
    first = audit_checkpoint_export()["seq"]
    write_many(2)
    audit_checkpoint_export()
    path = checkpoint_path()
    path.write_text(path.read_text().splitlines()[0] + "\n")
    result = audit_verify()
    assert not result.ok and "被替换或截断" in result.problem and f"#{first}" not in result.problem


def test_a_checkpoint_line_forged_without_the_key_fails():
    write_many(3)
    entry = audit_checkpoint_export()
    forged = {**entry, "seq": entry["seq"] - 1, "sig": "0" * 64}
    with checkpoint_path().open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    result = audit_verify()
    assert not result.ok and "签名无效" in result.problem


def test_a_deleted_database_identity_fails(triggers_off):
    write_many(2)
    raw("DELETE FROM audit_auditidentity")
    result = audit_verify()
    assert not result.ok and "标识" in result.problem


def test_a_replaced_key_fails(settings):
    write_many(2)
    (settings.DATA_DIR / "audit" / "chain.key").write_text("ab" * 32 + "\n")
    keys.forget_key()
    result = audit_verify()
    assert not result.ok and "密钥" in result.problem


def test_an_existing_sha256_chain_still_verifies_and_continues_keyed(triggers_off):
    """A chain written before the key: its events keep plain sha256; the migration gives it an
    identity keyed from the next event on, and new events are keyed."""
    from django.apps import apps

    write_many(3)
    recompute_chain()  # as the events were before the key existed
    raw("DELETE FROM audit_auditidentity")
    migration = importlib.import_module("ganchao.audit.migrations.0003_keyed_chain")
    migration.identity_for_existing_chain(apps, None)
    assert AuditIdentity.objects.get().keyed_from_seq == 4
    write_many(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("hash_alg", flat=True)) == [
        "sha256",
        "sha256",
        "sha256",
        "hmac-sha256",
        "hmac-sha256",
    ]
    assert audit_verify().ok
    raw("UPDATE audit_auditevent SET hash_alg = 'sha256' WHERE seq = 4")
    recompute_chain(from_seq=4)
    result = audit_verify()
    assert not result.ok and "#4" in result.problem


def test_the_checkpoint_file_is_named_by_the_identity_stored_in_the_database(monkeypatch):
    """A restore under another path or database name keeps its checkpoints."""
    write_many(1)
    path = checkpoint_path()
    assert str(database_identity().uuid) in path.name
    monkeypatch.setitem(connection.settings_dict, "NAME", "/elsewhere/restored.sqlite3")
    monkeypatch.setitem(connection.settings_dict, "HOST", "db2.intranet")
    monkeypatch.setitem(connection.settings_dict, "PORT", "6543")
    assert checkpoint_path() == path


def test_raw_deletes_and_updates_are_refused_on_every_audit_table():
    write_many(2)
    audit_checkpoint_export()
    with transaction.atomic():
        AuditVerifyRun(at=dt.datetime.now(dt.UTC), source="command", ok=True, checked=3).save(
            force_insert=True
        )
    for table in (
        "audit_auditevent",
        "audit_auditcheckpoint",
        "audit_auditidentity",
        "audit_auditverifyrun",
    ):
        for sql in (f"DELETE FROM {table}", f"UPDATE {table} SET id = id"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                raw(sql)  # through connection.cursor()
    assert audit_verify().ok


def test_recording_an_event_stays_three_queries(django_assert_num_queries):
    write_many(1)
    # the savepoint is taken before counting starts: lock the head, insert, move the head
    with transaction.atomic(), django_assert_num_queries(3):
        audit_record(actor=None, action="unit.update")


# ---- the server's schedule ------------------------------------------------------------------


def test_the_server_writes_checkpoints_on_a_schedule(settings):
    settings.AUDIT_CHECKPOINT_MINUTES = 10
    now = dt.datetime(2026, 12, 6, 9, 0, tzinfo=SHANGHAI)
    assert runner.checkpoint_round(now=now) is None  # an empty log: nothing to seal
    write_many(2)
    first = runner.checkpoint_round(now=now)
    assert first is not None and first["seq"] == 3
    assert runner.checkpoint_round(now=now + dt.timedelta(minutes=30)) is None  # nothing new
    write_many(1)
    assert runner.checkpoint_round(now=now) is None  # the last one is younger than 10 minutes
    later = runner.checkpoint_round(now=now + dt.timedelta(minutes=11))
    assert later is not None and later["seq"] == 5
    assert list(AuditCheckpoint.objects.order_by("seq").values_list("seq", flat=True)) == [3, 5]
    assert audit_verify().ok


def test_serve_starts_the_checkpoint_thread_in_each_worker(monkeypatch):
    started = []
    monkeypatch.setattr(runner, "start_checkpoint_thread", lambda: started.append("thread"))
    options = serve.server_options("127.0.0.1:9003", 2, 2)
    hook = options["post_fork"]
    assert hook is serve.start_checkpoint_thread_in_worker
    hook(None, None)
    assert started == ["thread"]
    assert serve.GanchaoServer(options).cfg.post_fork is hook


def test_a_failing_checkpoint_round_never_leaves_the_thread(monkeypatch):
    from ganchao.audit import services

    def broken(**kwargs):
        raise OSError("disk full")

    write_many(1)
    monkeypatch.setattr(services, "audit_checkpoint_export", broken)
    assert runner.checkpoint_round() is None


def test_the_tick_writes_a_checkpoint_only_when_the_head_moved():
    write_many(2)
    at = dt.datetime(2026, 12, 6, 2, 0, tzinfo=SHANGHAI)
    tick_run(at=at)
    tick_run(at=at + dt.timedelta(minutes=1))
    assert AuditCheckpoint.objects.count() == 1


# ---- the off-host copy ----------------------------------------------------------------------


def test_the_off_host_copy_to_a_directory_gets_the_same_line(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    copy_dir = tmp_path / "offhost"
    copy_dir.mkdir()
    settings.AUDIT_COPY = {"kind": "directory", "path": str(copy_dir)}
    write_many(2)
    with django_capture_on_commit_callbacks(execute=True):
        audit_checkpoint_export()
    local = checkpoint_path().read_text()
    assert (copy_dir / checkpoint_path().name).read_text() == local
    assert json.loads(local)["seq"] == 3


def test_a_failing_off_host_copy_never_blocks_the_checkpoint(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.AUDIT_COPY = {"kind": "directory", "path": str(tmp_path / "unmounted")}
    write_many(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_checkpoint_export() is not None
    assert AuditCheckpoint.objects.count() == 1 and audit_verify().ok


@pytest.mark.parametrize(
    ("raw_value", "expected"),
    [
        ("", None),
        ("syslog", {"kind": "syslog", "address": "/dev/log"}),
        ("syslog://10.0.0.5:1514", {"kind": "syslog", "address": ["10.0.0.5", 1514]}),
        ("syslog://logs.intranet", {"kind": "syslog", "address": ["logs.intranet", 514]}),
        ("https://siem.intranet/ingest", {"kind": "http", "url": "https://siem.intranet/ingest"}),
    ],
)
def test_audit_copy_values_are_parsed(monkeypatch, raw_value, expected):
    monkeypatch.setenv("GANCHAO_AUDIT_COPY", raw_value)
    assert env.audit_copy() == expected


def test_an_existing_directory_is_an_audit_copy(monkeypatch, tmp_path):
    monkeypatch.setenv("GANCHAO_AUDIT_COPY", str(tmp_path))
    assert env.audit_copy() == {"kind": "directory", "path": str(tmp_path)}


@pytest.mark.parametrize(
    "raw_value",
    [
        "relative/dir",
        "/no/such/directory",
        "ftp://logs.intranet/",
        "syslog://",
        "syslog://logs:notaport",
        "syslog://logs:514/path",
        "http://",
        "sysl0g",
    ],
)
def test_a_bad_audit_copy_is_refused_naming_the_variable(monkeypatch, raw_value):
    monkeypatch.setenv("GANCHAO_AUDIT_COPY", raw_value)
    with pytest.raises(env.ConfigError, match="GANCHAO_AUDIT_COPY"):
        env.audit_copy()


def test_a_bad_audit_copy_stops_start_up(tmp_path):
    environment = {"GANCHAO_DATA_DIR": str(tmp_path), "GANCHAO_AUDIT_COPY": "ftp://x/"}
    process = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={**os.environ, **environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2 and "GANCHAO_AUDIT_COPY" in process.stderr


# ---- the daily verification and its result -------------------------------------------------


def test_the_daily_scan_records_a_run_once_a_day(city):
    at = dt.datetime(2026, 12, 6, 3, 0, tzinfo=SHANGHAI)
    tick_run(at=at - dt.timedelta(hours=2))  # 01:00: not yet
    assert not AuditVerifyRun.objects.exists()
    report = tick_run(at=at)
    run = AuditVerifyRun.objects.get()
    assert run.ok and run.source == "tick" and run.at == at and run.checked > 0
    assert ("审计链每日校验", f"审计链完整：已校验 {run.checked} 条事件") in report.summaries
    tick_run(at=at + dt.timedelta(hours=5))
    assert AuditVerifyRun.objects.count() == 1
    tick_run(at=at + dt.timedelta(days=1))
    assert AuditVerifyRun.objects.count() == 2


def test_the_auditors_page_shows_the_last_run(city, login):
    at = dt.datetime(2026, 12, 6, 3, 0, tzinfo=SHANGHAI)
    tick_run(at=at)
    run = AuditVerifyRun.objects.get()
    page = login(city.auditor).get("/audit/").content.decode()
    assert f"最近一次校验：</strong>2026年12月6日 03:00，通过，共 {run.checked:,} 条" in page


def test_the_auditors_page_shows_a_failed_run_in_red(city, login, triggers_off):
    raw("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 2")
    tick_run(at=dt.datetime(2026, 12, 6, 3, 0, tzinfo=SHANGHAI))
    run = AuditVerifyRun.objects.get()
    assert not run.ok and run.broken_seq == 2
    page = login(city.auditor).get("/audit/").content.decode()
    assert 'class="alert alert-danger' in page and "未通过" in page and "#2" in page
    assert "最近 20 次" in login(city.auditor).get("/audit/verify/").content.decode()


def test_the_cli_keeps_its_contract_and_records_a_run(city, capsys):
    code, out, _err = verify_cli(capsys)
    assert code == 0 and "已校验" in out
    assert AuditVerifyRun.objects.get().source == "command"


def test_the_verify_page_records_a_run(city, login):
    response = login(city.auditor).post("/audit/verify/")
    assert response.status_code == 200 and "审计链完整" in response.content.decode()
    run = AuditVerifyRun.objects.get()
    assert run.source == "page" and run.actor_name == city.auditor.display_name


def test_verify_runs_in_the_api_for_the_auditor_only(city):
    _token, key = token_create(actor=None, user=city.auditor)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    created = api.post("/api/v1/audit/verify-runs")
    assert created.status_code == 200 and created.json()["ok"] is True
    body = api.get("/api/v1/audit/verify-runs").json()
    assert body["count"] == 1 and body["items"][0]["source"] == "page"
    assert body["items"][0]["at"].endswith("+08:00")
    _token, office_key = token_create(actor=None, user=city.office)
    office = Client(headers={"Authorization": f"Bearer {office_key}"})
    assert office.get("/api/v1/audit/verify-runs").status_code == 404
    assert office.post("/api/v1/audit/verify-runs").status_code == 404
    assert AuditVerifyRun.objects.count() == 1


def test_main_cli_entry_is_unchanged():
    assert main(["audit", "verify"]) == 0
