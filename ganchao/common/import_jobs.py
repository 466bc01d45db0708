"""Large sheet imports as background jobs, with their progress on a page (issue 12 item 7).

A sheet with more data rows than settings.IMPORT_BACKGROUND_ROWS is not checked or written in
the request: the kept upload (named by its SHA-256, see common.uploads) and the page's import
function — a `functools.partial` of a function marked `@sheet_import`, whose arguments are plain
values or model instances — are written to a job file under DATA_DIR/imports/jobs, a
django-tasks job runs it, and the job page polls (htmx) until it is done, then returns to the
import page with `?import_job=<id>`, where the page shows the outcome as if it had run inline.

The outcome is kept as a pickle signed with the secret key, read back only when its signature
holds and only for the user who started the job.
"""

import functools
import hashlib
import hmac
import json
import os
import pickle
import re
import time
import uuid
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

from ganchao.common import excel

JOB_ID = re.compile(r"[0-9a-f]{32}")
PROGRESS_EVERY_SECONDS = 1.0
KEEP_JOBS_SECONDS = 24 * 3600


def sheet_import(func):
    """Mark an import function as one a background job may run."""
    func.sheet_import = True
    return func


def background_rows() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", 2_000))


def estimated_rows(data: bytes, filename: str) -> int:
    """The rows the workbook's sheets declare (their <dimension>, read without unpacking the
    rows); 0 when the file cannot be opened — the import itself then says why, at once."""
    try:
        excel.check_xlsx(data, filename)
        book = excel.open_read_only(data)
    except excel.ExcelFileError:
        return 0
    try:
        return max((ws.max_row or 0 for ws in book.worksheets if hasattr(ws, "max_row")), default=0)
    except Exception:  # a broken dimension element: let the import report the file
        return 0
    finally:
        book.close()


# ---- the job file ---------------------------------------------------------------------------


@dataclass
class ImportJob:
    """What a job runs and how far it got."""

    id: str
    owner_id: int
    page: str  # the import page to return to
    filename: str
    digest: str
    dry_run: bool
    function: str  # dotted path of a @sheet_import function
    arguments: dict = field(default_factory=dict)
    state: str = "queued"  # queued → running → done | failed
    rows_read: int = 0
    rows_total: int = 0
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.state in {"done", "failed"}

    @property
    def rows_read_text(self) -> str:
        return f"{self.rows_read:,}"

    @property
    def rows_total_text(self) -> str:
        return f"{self.rows_total:,}"

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_read * 100 // self.rows_total)


def job_dir():
    folder = settings.DATA_DIR / "imports" / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_save(job: ImportJob) -> None:
    path = job_dir() / f"{job.id}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def job_load(job_id: str) -> ImportJob | None:
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    path = job_dir() / f"{job_id}.json"
    if not path.is_file():
        return None
    return ImportJob(**json.loads(path.read_text(encoding="utf-8")))


def job_for(user, job_id: str) -> ImportJob | None:
    """The job, only for the user who started it ("missing" and "not yours" alike)."""
    job = job_load(job_id)
    return job if job is not None and job.owner_id == user.pk else None


def _signature(payload: bytes) -> bytes:
    key = hashlib.sha256(b"ganchao.import_jobs:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()


def _result_save(job: ImportJob, result) -> None:
    payload = pickle.dumps(result)
    (job_dir() / f"{job.id}.result").write_bytes(_signature(payload) + payload)


def job_result(job: ImportJob):
    """The import's result object, or None when missing or its signature does not hold."""
    path = job_dir() / f"{job.id}.result"
    if not path.is_file():
        return None
    blob = path.read_bytes()
    signature, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _signature(payload)):
        return None
    return pickle.loads(payload)  # noqa: S301 — written by this server, signature checked


# ---- carrying the import function --------------------------------------------------------


def _pack(value):
    if isinstance(value, models.Model):
        return {"model": value._meta.label_lower, "pk": value.pk}
    return {"value": value}


def _unpack(packed):
    if "model" in packed:
        return apps.get_model(packed["model"])._default_manager.get(pk=packed["pk"])
    return packed["value"]


def pack_run(run: functools.partial) -> tuple[str, dict]:
    """`partial(import_function, actor=…, plan=…)` as a dotted path and JSON-able arguments."""
    func = run.func
    if run.args or not getattr(func, "sheet_import", False):
        raise ValueError(f"{func!r} cannot run as a background import")
    path = f"{func.__module__}.{func.__qualname__}"
    return path, {name: _pack(value) for name, value in run.keywords.items()}


def unpack_run(path: str, arguments: dict):
    func = import_string(path)
    if not getattr(func, "sheet_import", False):
        raise ValueError(f"{path} is not a sheet import")
    return functools.partial(func, **{name: _unpack(p) for name, p in arguments.items()})


def job_start(*, user, page: str, run, data: bytes, filename: str, digest: str, dry_run: bool):
    """Write the job file and enqueue the job; the job's id."""
    from ganchao.common.tasks import run_import_job

    function, arguments = pack_run(run)
    _sweep()
    job = ImportJob(
        id=uuid.uuid4().hex, owner_id=user.pk, page=page, filename=filename, digest=digest,
        dry_run=dry_run, function=function, arguments=arguments,
        rows_total=estimated_rows(data, filename),
    )  # fmt: skip
    job_save(job)
    run_import_job.enqueue(job.id)
    return job.id


def _sweep() -> None:
    """Job files older than a day go, as kept uploads do."""
    cutoff = time.time() - KEEP_JOBS_SECONDS
    for old in job_dir().iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def job_run(job_id: str) -> None:
    """Run the job: read the kept file, call the import with a progress hook, keep the result."""
    from ganchao.common.uploads import discard_upload, kept_upload

    job = job_load(job_id)
    if job is None or job.finished:
        return
    job.state = "running"
    job_save(job)
    data = kept_upload(job.digest)
    if data is None:
        job.state, job.message = "failed", "gone"
        job_save(job)
        return
    last = [0.0]

    def progress(rows: int) -> None:
        job.rows_read = rows
        if time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = time.monotonic()
            job_save(job)

    token = excel.row_progress.set(progress)
    try:
        run = unpack_run(job.function, job.arguments)
        result = run(data=data, filename=job.filename, dry_run=job.dry_run)
    except Exception:
        job.state, job.message = "failed", "error"
        job_save(job)
        raise
    finally:
        excel.row_progress.reset(token)
    try:
        _result_save(job, result)
    except Exception:
        job.state, job.message = "failed", "unsaved" if not job.dry_run else "error"
        job_save(job)
        raise
    if not job.dry_run and not result.errors:
        discard_upload(job.digest)
    job.state = "done"
    job_save(job)
