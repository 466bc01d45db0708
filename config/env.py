"""Strict parsing of Ganchao's environment variables (DESIGN.md 3.2).

A bad value stops start-up with a message naming the variable, instead of a silent default.
"""

import base64
import binascii
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ConfigError(Exception):
    """A configuration value that cannot be used; the message names the variable."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r}: 只能取 1/0/true/false/yes/no/on/off")


def trusted_proxies() -> int:
    """GANCHAO_TRUSTED_PROXIES: how many reverse proxies of our own stand in front of the app
    (0, the default: none, the client is REMOTE_ADDR; n: the n-th X-Forwarded-For hop from the
    right, the one our outermost proxy saw — hops further left are the client's own words)."""
    raw = os.environ.get("GANCHAO_TRUSTED_PROXIES", "").strip()
    if not raw:
        return 0
    if not raw.isascii() or not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"GANCHAO_TRUSTED_PROXIES={raw!r}: 须为 0 到 5 的整数")
    return int(raw)


def data_dir() -> Path:
    raw = os.environ.get("GANCHAO_DATA_DIR", "").strip() or "./var"
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"GANCHAO_DATA_DIR={raw!r}: 不是目录")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"GANCHAO_DATA_DIR={raw!r}: 无法创建目录（{exc.strerror}）") from exc
    return path


def secret_key(folder: Path) -> str:
    """The configured key, or one generated on first run and kept in the data folder."""
    raw = os.environ.get("GANCHAO_SECRET_KEY", "")
    if raw.strip():
        if len(raw.strip()) < 32:
            raise ConfigError("GANCHAO_SECRET_KEY: 至少 32 个字符")
        return raw.strip()
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def allowed_hosts() -> list[str]:
    raw = os.environ.get("GANCHAO_ALLOWED_HOSTS", "")
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    for host in hosts:
        if " " in host or "/" in host:
            raise ConfigError(f"GANCHAO_ALLOWED_HOSTS: {host!r} 不是合法的主机名")
    return hosts or ["127.0.0.1", "localhost", "[::1]"]


def database(folder: Path) -> dict:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        return _sqlite(folder / "ganchao.sqlite3")
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        # sqlite:////abs/path.sqlite3 → "/abs/path.sqlite3"; three slashes would be relative
        path = unquote(raw[len("sqlite://") :].split("?", 1)[0])[1:]
        if not path.startswith("/") or path == "/":
            raise ConfigError(
                f"DATABASE_URL={raw!r}: SQLite 须写绝对路径，如 sqlite:////srv/ganchao/db.sqlite3"
            )
        return _sqlite(Path(path))
    if parts.scheme in ("postgres", "postgresql"):
        return _postgres(raw, "DATABASE_URL")
    raise ConfigError(f"DATABASE_URL={raw!r}: 只支持 sqlite://、postgres:// 或 postgresql://")


def database_replica(primary: dict) -> dict | None:
    """DATABASE_REPLICA_URL: a streaming replica of the PostgreSQL primary that serves the
    read-only pages (ganchao/common/db_router.py). Unset: everything uses DATABASE_URL."""
    raw = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not raw:
        return None
    if urlsplit(raw).scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"DATABASE_REPLICA_URL={raw!r}: 只支持 postgres:// 或 postgresql://")
    if primary["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigError(
            f"DATABASE_REPLICA_URL={raw!r}: 只读副本须配合 PostgreSQL 主库（DATABASE_URL）使用"
        )
    replica = _postgres(raw, "DATABASE_REPLICA_URL")
    # Tests never get a database of their own for the replica: it mirrors the primary.
    replica["TEST"] = {"MIRROR": "default"}
    return replica


def _postgres(raw: str, variable: str) -> dict:
    parts = urlsplit(raw)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError(f"{variable}={raw!r}: 缺少数据库名")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{variable}={raw!r}: 端口号无效") from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # JIT compiling pays off for long reports, not for a web page's queries: a tree
        # query costed above jit_above_cost spent 614 of its 900 ms compiling (issue 13).
        "OPTIONS": {"options": "-c jit=off"},
        "TEST": {"NAME": f"test_{name}"},
    }


def _sqlite(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        # A file, not memory, so that tests with threads and live servers see one database.
        "TEST": {"NAME": str(path.with_name(f"test_{path.stem}.sqlite3"))},
    }


def email() -> dict:
    raw = os.environ.get("GANCHAO_EMAIL_URL", "").strip()
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "ENABLED": False}
    parts = urlsplit(raw)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "ENABLED": True}
    if parts.scheme not in ("smtp", "smtps", "smtp+tls"):
        raise ConfigError(
            f"GANCHAO_EMAIL_URL={raw!r}: 只支持 smtp://、smtps://、smtp+tls://、console://"
        )
    if not parts.hostname:
        raise ConfigError(f"GANCHAO_EMAIL_URL={raw!r}: 缺少服务器地址")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"GANCHAO_EMAIL_URL={raw!r}: 端口号无效") from exc
    default_port = {"smtp": 25, "smtps": 465, "smtp+tls": 587}[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ENABLED": True,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
    }


def webhook_url() -> str:
    raw = os.environ.get("GANCHAO_WEBHOOK_URL", "").strip()
    if raw and urlsplit(raw).scheme not in ("http", "https"):
        raise ConfigError(f"GANCHAO_WEBHOOK_URL={raw!r}: 须为 http:// 或 https:// 地址")
    return raw


def audit_copy() -> dict | None:
    """GANCHAO_AUDIT_COPY: where a copy of each audit checkpoint goes, off this host — an
    existing directory (absolute path, e.g. another machine's share), `syslog` (the local
    syslog), `syslog://host:port` (a remote collector, UDP, port 514 by default), or an
    http:// or https:// URL (each checkpoint POSTed as JSON). Empty: no copy."""
    raw = os.environ.get("GANCHAO_AUDIT_COPY", "").strip()
    if not raw:
        return None
    bad = f"GANCHAO_AUDIT_COPY={raw!r}"
    if raw == "syslog":
        return {"kind": "syslog", "address": "/dev/log"}
    parts = urlsplit(raw)
    if parts.scheme == "syslog":
        try:
            port = parts.port
        except ValueError as exc:
            raise ConfigError(f"{bad}: 端口号无效") from exc
        if not parts.hostname or parts.path not in ("", "/") or parts.query:
            raise ConfigError(f"{bad}: 应写作 syslog://主机:端口，如 syslog://10.0.0.5:514")
        return {"kind": "syslog", "address": [parts.hostname, port or 514]}
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ConfigError(f"{bad}: 缺少服务器地址")
        return {"kind": "http", "url": raw}
    if parts.scheme or not raw.startswith("/"):
        raise ConfigError(
            f"{bad}: 只能是绝对路径的目录、syslog、syslog://主机:端口、http:// 或 https:// 地址"
        )
    path = Path(raw)
    if not path.is_dir():
        raise ConfigError(f"{bad}: 目录不存在（异地副本目录须预先建好或挂载）")
    return {"kind": "directory", "path": str(path)}


def log_syslog() -> dict | None:
    """GANCHAO_LOG_SYSLOG: send the application and security logs to syslog instead of files
    under DATA_DIR/logs — `syslog` (the local /dev/log) or `syslog://host:port` (a remote
    collector, UDP, port 514 by default). Empty: files."""
    raw = os.environ.get("GANCHAO_LOG_SYSLOG", "").strip()
    if not raw:
        return None
    bad = f"GANCHAO_LOG_SYSLOG={raw!r}"
    if raw == "syslog":
        return {"address": "/dev/log"}
    parts = urlsplit(raw)
    if parts.scheme != "syslog":
        raise ConfigError(f"{bad}: 只能是 syslog 或 syslog://主机:端口")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{bad}: 端口号无效") from exc
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
        raise ConfigError(f"{bad}: 应写作 syslog://主机:端口，如 syslog://10.0.0.5:514")
    return {"address": (parts.hostname, port or 514)}


def field_key_checked() -> None:
    """GANCHAO_FIELD_KEY, when set, must be 64 bytes in urlsafe base64 (the AES-SIV key of the
    encrypted personal-data fields); without it the data folder's field.key is used."""
    raw = os.environ.get("GANCHAO_FIELD_KEY", "").strip()
    if not raw:
        return
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ConfigError("GANCHAO_FIELD_KEY: 不是有效的 base64（urlsafe）") from exc
    if len(key) != 64:
        raise ConfigError(f"GANCHAO_FIELD_KEY: 密钥须为 64 字节，当前为 {len(key)} 字节")


def chromium() -> str:
    return os.environ.get("GANCHAO_CHROMIUM", "").strip() or "/usr/bin/chromium"
