"""`ganchao backup` → `ganchao restore` into an empty database (issue 12 item 11): the restored
platform passes `audit verify` and `files verify` and exports the same unit sheet; an altered
byte in a stored file is named by `files verify`, an altered backup is refused before anything
changes, and a database holding data is not overwritten without --force.

The commands run as separate processes on two fresh databases of the suite's own vendor
(SQLite files, or two PostgreSQL databases created for the test), as an operator would."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _postgres_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgresql://{auth}@{host}/{name}"


@pytest.fixture
def two_databases(tmp_path, migrated_database):
    """(env of the original site, migrated and empty, env of the empty site to restore into).
    The original is a copy of the suite's migrated template (the migrations ran once for the
    whole run), or migrated here when the run has none."""
    sites = []
    created = []
    for side in ("a", "b"):
        data = tmp_path / side
        data.mkdir()
        env = {
            **os.environ,
            "GANCHAO_DATA_DIR": str(data),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        env.pop("PYTEST_XDIST_WORKER", None)
        if connection.vendor == "postgresql":
            name = f"gc_restore_{uuid.uuid4().hex[:10]}_{side}"
            migrated = side == "a" and migrated_database(name)
            if not migrated:
                _admin_sql(f'CREATE DATABASE "{name}"')
            created.append(name)
            env["DATABASE_URL"] = _postgres_url(name)
        else:
            migrated = side == "a" and migrated_database(data / "site.sqlite3")
            env["DATABASE_URL"] = f"sqlite:///{data / 'site.sqlite3'}"
        if side == "a" and not migrated:
            ok(env, "migrate", "-v0")
        sites.append(env)
    yield sites
    for name in created:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_sql(statement: str) -> None:
    """CREATE/DROP DATABASE outside any transaction, on the server the suite uses."""
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    ) as admin:
        admin.execute(statement)


def ganchao(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "ganchao.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def ok(env, *args) -> str:
    done = ganchao(env, *args)
    assert done.returncode == 0, f"ganchao {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


def sheet_cells(path: Path):
    workbook = openpyxl.load_workbook(path)
    return [(ws.title, [[c.value for c in row] for row in ws.iter_rows()]) for ws in workbook]


def first_file(folder: Path) -> Path:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert files, f"no files under {folder}: the town seed stores evidence files"
    return files[0]


@pytest.mark.heavy
def test_backup_restores_into_an_empty_database(two_databases, tmp_path):
    original, empty = two_databases
    ok(original, "seed", "--scale", "town")
    ok(original, "export-units", "-o", str(tmp_path / "before.xlsx"))
    backup_dir = tmp_path / "backup"
    out = ok(original, "backup", "-o", str(backup_dir))
    assert "备份完成" in out
    assert (backup_dir / "manifest.json").is_file()

    # A backup folder with one altered byte is refused before anything changes.
    tampered = tmp_path / "tampered"
    subprocess.run(["cp", "-a", str(backup_dir), str(tampered)], check=True)
    victim = first_file(tampered / "files")
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    refused = ganchao(empty, "restore", str(tampered))
    assert refused.returncode == 1
    assert "备份校验失败" in refused.stderr
    assert victim.name in refused.stderr

    # Into an empty database (still empty: the refused restore wrote nothing, or this one would
    # ask for --force): everything back, and both verifications pass.
    out = ok(empty, "restore", str(backup_dir))
    assert "审计链校验通过" in out and "文件校验通过" in out
    assert "审计链完整" in ok(empty, "audit", "verify")
    assert "文件校验通过" in ok(empty, "files", "verify")
    ok(empty, "export-units", "-o", str(tmp_path / "after.xlsx"))
    assert sheet_cells(tmp_path / "after.xlsx") == sheet_cells(tmp_path / "before.xlsx")

    # A database that holds data is not overwritten without --force.
    again = ganchao(empty, "restore", str(backup_dir))
    assert again.returncode == 1
    assert "--force" in again.stderr

    # One altered byte in any stored file: files verify exits 1 naming it.
    restored = first_file(Path(empty["GANCHAO_DATA_DIR"]) / "uploads")
    data = bytearray(restored.read_bytes())
    data[0] ^= 0x01
    restored.write_bytes(bytes(data))
    broken = ganchao(empty, "files", "verify")
    assert broken.returncode == 1
    assert restored.name in broken.stderr
