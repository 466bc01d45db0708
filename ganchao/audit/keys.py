"""The audit chain's key: 32 random bytes in DATA_DIR/audit/chain.key, created 0600 at first
use and kept OUTSIDE the database, so that someone who can write the database but cannot read
the data folder cannot recompute a valid chain (LEGAL_RULES C7).

The key is read once per process and cached; `forget_key()` drops the cache (a restore may
have put another key in place). Back the file up with the database: without it a restored
chain cannot be verified.
"""

import contextlib
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32
_cache: dict[Path, bytes] = {}
_lock = threading.Lock()


class AuditKeyError(Exception):
    """The key file exists but cannot be used; the message is for the operator, in Chinese."""


def key_path() -> Path:
    return Path(settings.DATA_DIR) / "audit" / "chain.key"


def audit_key() -> bytes:
    path = key_path()
    key = _cache.get(path)
    if key is None:
        with _lock:
            key = _cache.get(path) or _load_or_create(path)
            _cache[path] = key
    return key


def forget_key() -> None:
    _cache.clear()


def _load_or_create(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"审计密钥文件 {path} 内容无效（应为 {KEY_BYTES * 2} 位十六进制数）")
    return key


def _create(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: two processes
    starting at once end up with the same key, and nobody ever reads a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
