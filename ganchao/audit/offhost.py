"""The off-host copy of each audit checkpoint (GANCHAO_AUDIT_COPY, parsed in config/env.py):
a directory (typically another machine's share mounted here), syslog (local or a remote
collector over UDP) or an HTTP(S) endpoint receiving JSON. A copy that fails is logged and
never blocks nor undoes the checkpoint: the copy is a second witness, the data folder's file
is the first."""

import json
import logging
import logging.handlers
import os
import threading
import urllib.request
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
HTTP_TIMEOUT = 5
SYSLOG_IDENT = "ganchao-audit-checkpoint: "


def copy_checkpoint(line: str, file_name: str, entry: dict) -> None:
    target = getattr(settings, "AUDIT_COPY", None)
    if not target:
        return
    try:
        if target["kind"] == "directory":
            _to_directory(Path(target["path"]) / file_name, line)
        elif target["kind"] == "syslog":
            _to_syslog(target["address"], line)
        elif target["kind"] == "http":
            thread = threading.Thread(
                target=_to_http, args=(target["url"], {**entry, "file": file_name}), daemon=True
            )
            thread.start()
    except Exception:
        logger.exception("audit checkpoint #%s: the off-host copy failed", entry.get("seq"))


def _to_directory(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _to_syslog(address, line: str) -> None:
    handler = logging.handlers.SysLogHandler(
        address=tuple(address) if isinstance(address, list | tuple) else address,
        facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
    )
    handler.ident = SYSLOG_IDENT
    try:
        record = logging.LogRecord("ganchao.audit", logging.INFO, __file__, 0, line, None, None)
        handler.emit(record)
    finally:
        handler.close()


def _to_http(url: str, payload: dict) -> None:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            response.read(1024)
    except Exception:
        logger.exception("audit checkpoint #%s: the copy to %s failed", payload.get("seq"), url)
