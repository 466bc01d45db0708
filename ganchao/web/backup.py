"""Backups that restore (DESIGN.md 3.1 `ganchao backup -o DIR` / `ganchao restore DIR`).

A backup folder holds:
- `database.sqlite3` (SQLite's online backup API: a consistent copy that includes what is still
  in the write-ahead log) or `database.pgdump` (`pg_dump --format=custom`, one snapshot);
- `files/`: every stored file (evidence, appeal files, bulletins, decision and case files…),
  copied from the file storage;
- `data/`: the keys and witnesses kept outside the database in the data folder (the secret
  key, the audit chain's key and checkpoints, the field-encryption key): without them a
  restored chain cannot be verified nor encrypted fields read, so the folder must be kept as
  safely as the database itself;
- `manifest.json`: the SHA-256 and size of every file above, the database vendor, the
  migrations applied and the audit chain's head at backup time.

Restore verifies the manifest before it changes anything, refuses a database that already holds
data unless forced, loads the database, puts the files and keys in place, and checks the result
with `audit verify` and `files verify`.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext_lazy as _

from ganchao.audit.registry import register, register_object_type
from ganchao.common.db import refresh_statistics

register("system.backup_created", _("创建备份"))
register("system.restored", _("从备份恢复"))
register_object_type("backup", _("备份"))

FORMAT = 1
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# What of the data folder travels with a backup: keys and the audit witnesses. The database
# file, uploads (copied as files/), collected static files, waiting imports and logs do not.
DATA_ENTRIES = ("secret_key", "audit", "keys")
DATA_SUFFIXES = (".key",)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in Chinese."""


@dataclass
class RestoreReport:
    database: str = ""
    files: int = 0
    data_files: int = 0
    audit: str = ""
    audit_ok: bool = True
    stored: str = ""
    stored_ok: bool = True
    lines: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    """Copy a file while hashing it (one read), keeping its modification time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return digest.hexdigest(), size


def storage_root() -> Path:
    return Path(default_storage.location)


def _pg_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args() -> list[str]:
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args


def _run(command: list[str]) -> None:
    binary = shutil.which(command[0])
    if binary is None:
        raise BackupError(
            f"找不到 {command[0]}：请安装与数据库服务器同版本的 PostgreSQL 客户端（postgresql-client）"
        )
    done = subprocess.run(
        [binary, *command[1:]], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{command[0]} 失败（退出码 {done.returncode}）：" + " ".join(detail))


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / SQLITE_FILE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    if connection.vendor == "postgresql":
        target = folder / PG_FILE
        _run(
            [
                "pg_dump",
                *_pg_args(),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                connection.settings_dict["NAME"],
            ]
        )
        return target
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _data_sources() -> list[Path]:
    root = Path(settings.DATA_DIR)
    found = []
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.name in DATA_ENTRIES or entry.suffix in DATA_SUFFIXES:
            if entry.is_dir():
                found += sorted(p for p in entry.rglob("*") if p.is_file())
            elif entry.is_file():
                found.append(entry)
    return found


def _head() -> dict:
    from ganchao.audit.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    return {"last_seq": head.last_seq if head else 0, "last_hash": head.last_hash if head else ""}


def _migrations() -> dict:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def backup(folder: Path, *, actor=None) -> dict:
    """Write a backup into `folder` (created; it must be empty) and return its manifest."""
    from django.db import transaction

    from ganchao.audit.services import Target, audit_record

    folder = folder.resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"备份目录 {folder} 不是空目录：请指定一个新目录")
    folder.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="system.backup_created",
            target=Target("backup", "", str(folder)[:300]),
            changes={"folder": {"before": None, "after": str(folder)}},
        )
    head = _head()
    database = _dump_database(folder)
    entries = [
        {
            "path": database.name,
            "sha256": sha256_of(database),
            "size": database.stat().st_size,
            "kind": "database",
        }
    ]
    root = storage_root()
    if root.is_dir():
        for source in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = source.relative_to(root).as_posix()
            digest, size = _copy_hashed(source, folder / "files" / relative)
            entries.append(
                {"path": f"files/{relative}", "sha256": digest, "size": size, "kind": "file"}
            )
    data_root = Path(settings.DATA_DIR)
    for source in _data_sources():
        relative = source.relative_to(data_root).as_posix()
        digest, size = _copy_hashed(source, folder / "data" / relative)
        entries.append({"path": f"data/{relative}", "sha256": digest, "size": size, "kind": "data"})
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "vendor": connection.vendor,
        "database": database.name,
        "migrations": _migrations(),
        "audit_head": head,
        "entries": entries,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} 不是备份目录：缺少 {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        entries = manifest["entries"]
        if manifest.get("format") != FORMAT or not isinstance(entries, list):
            raise ValueError
        for entry in entries:
            if not isinstance(entry, dict) or not {"path", "sha256", "size"} <= set(entry):
                raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MANIFEST} 无法解析或版本不符") from exc
    return manifest


def verify_backup(folder: Path) -> tuple[dict, list[str]]:
    """The manifest and a line per entry that is missing, altered, or outside the folder."""
    folder = folder.resolve()
    manifest = read_manifest(folder)
    problems = []
    for entry in manifest["entries"]:
        path = (folder / entry["path"]).resolve()
        if folder not in path.parents:
            problems.append(f"{entry['path']}：路径越出备份目录")
        elif not path.is_file():
            problems.append(f"{entry['path']}：文件缺失")
        elif path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']}：校验值不符，备份文件已被改动")
    if not any(e.get("kind") == "database" for e in manifest["entries"]):
        problems.append(f"{MANIFEST}：没有数据库文件")
    return manifest, problems


def database_has_data() -> bool:
    tables = set(connection.introspection.table_names())
    for table in ("orgs_unit", "orgs_user", "audit_auditevent"):
        if table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


def _load_sqlite(source: Path) -> None:
    connection.ensure_connection()
    connection.connection.commit()
    with sqlite3.connect(source) as original:
        original.backup(connection.connection)
    original.close()
    connection.close()


def _load_postgres(source: Path) -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    _run(
        [
            "pg_restore",
            *_pg_args(),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(source),
        ]
    )


def restore(folder: Path, *, force: bool = False, actor=None) -> RestoreReport:
    """Restore a backup folder into this database, files storage and data folder."""
    from django.db import transaction

    from ganchao.audit.services import Target, audit_record
    from ganchao.audit.verify import audit_verify
    from ganchao.web.stored_files import files_verify

    folder = folder.resolve()
    manifest, problems = verify_backup(folder)
    if problems:
        raise BackupError(
            "备份校验失败，未做任何更改：\n" + "\n".join(problems[:50])
            + (f"\n……另有 {len(problems) - 50} 处" if len(problems) > 50 else "")
        )  # fmt: skip
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['vendor']} 数据库，当前数据库是 {connection.vendor}：不能直接恢复"
        )
    if database_has_data() and not force:
        raise BackupError("当前数据库已有数据：恢复会覆盖全部数据。确认无误后加 --force 重试")
    report = RestoreReport()
    public_version = _public_list_version()
    database = folder / manifest["database"]
    if connection.vendor == "sqlite":
        _load_sqlite(database)
    else:
        _load_postgres(database)
    report.database = manifest["database"]
    refresh_statistics()  # a restored database carries no planner statistics
    root = storage_root()
    data_root = Path(settings.DATA_DIR)
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    for entry in manifest["entries"]:
        kind, relative = entry.get("kind"), entry["path"]
        if kind == "file":
            _copy_hashed(folder / relative, root / relative.removeprefix("files/"))
            report.files += 1
        elif kind == "data":
            target = data_root / relative.removeprefix("data/")
            if target.is_file() and sha256_of(target) != entry["sha256"]:
                target.rename(target.with_name(f"{target.name}.before-restore-{stamp}"))
            _copy_hashed(folder / relative, target)
            if target.suffix == ".key" or target.name in ("secret_key", "chain.key"):
                target.chmod(0o600)
            report.data_files += 1
    _forget_cached_keys()
    verified = audit_verify()
    report.audit_ok = verified.ok
    report.audit = (
        f"审计链校验通过：共 {verified.checked} 条事件"
        if verified.ok
        else f"审计链校验未通过：{verified.problem}"
    )
    stored = files_verify()
    report.stored_ok = stored.ok
    report.stored = (
        f"文件校验通过：共 {stored.checked} 个文件"
        if stored.ok
        else "文件校验未通过：" + "；".join(stored.problems[:20])
    )
    with transaction.atomic():
        _raise_public_list_version(public_version)
        audit_record(
            actor=actor,
            action="system.restored",
            target=Target("backup", "", str(folder)[:300]),
            changes={
                "backup_created_at": {"before": None, "after": manifest.get("created_at")},
                "audit_ok": {"before": None, "after": report.audit_ok},
                "files_ok": {"before": None, "after": report.stored_ok},
            },
        )
    return report


def _public_list_version() -> int:
    """The public portal's list version before the restore (0 if this database has none yet)."""
    from django.db import DatabaseError, transaction

    from ganchao.enforcement.services.disclosure import public_cache_version

    try:
        with transaction.atomic():
            return public_cache_version()
    except DatabaseError:
        return 0


def _raise_public_list_version(before: int) -> None:
    """Lift the restored version past the one replaced: a server process that cached the
    public lists of the replaced data under that version must not serve them again."""
    from ganchao.enforcement.services.disclosure import public_cache_bump

    public_cache_bump(at_least=before)


def _forget_cached_keys() -> None:
    """Keys read from the data folder are cached per process; a restore may have replaced them."""
    for module_name, attribute in (
        ("ganchao.audit.keys", "forget_key"),
        ("ganchao.common.crypto", "forget_key"),
    ):
        try:
            module = __import__(module_name, fromlist=[attribute])
        except ImportError:
            continue
        forget = getattr(module, attribute, None)
        if callable(forget):
            forget()
