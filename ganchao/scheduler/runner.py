"""Background threads of `ganchao demo`: the tick every 60 s and the job worker; and of every
`ganchao serve` worker: the scheduled audit checkpoint.

Production runs `ganchao tick` from cron or a systemd timer and `manage.py db_worker` as its
own service; the demo runs both inside its one process, as daemon threads. The server seals
the audit chain by itself as well (LEGAL_RULES C7), so that a missing cron entry never leaves
the newest events unsealed: each worker process checks once a minute, and the first to find
a checkpoint due (new events, and the last checkpoint older than AUDIT_CHECKPOINT_MINUTES)
writes it under the chain's lock; the others then find it written.
"""

import logging
import os
import sys
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from ganchao.scheduler.services import TickBusy, tick_run

logger = logging.getLogger(__name__)
TICK_INTERVAL = 60
CHECKPOINT_POLL = 60
WORKER_RESTART_DELAY = 5


def start_tick_thread(interval: float = TICK_INTERVAL) -> threading.Thread:
    thread = threading.Thread(target=_tick_loop, args=(interval,), name="ganchao-tick", daemon=True)
    thread.start()
    return thread


def _tick_loop(interval: float) -> None:
    while True:
        tick_once()
        time.sleep(interval)


def tick_once() -> None:
    """One round of the demo's tick: failures go to stderr, never out of the thread."""
    try:
        report = tick_run(at=timezone.now())
        for label, message in report.failures:
            sys.stderr.write(f"定时扫描“{label}”失败：{message}\n")
    except TickBusy:
        pass  # a `ganchao tick` from cron is running; the next round will do
    except Exception:
        logger.exception("tick failed")
    finally:
        connection.close()


def checkpoint_every() -> timedelta:
    return timedelta(minutes=getattr(settings, "AUDIT_CHECKPOINT_MINUTES", 10))


def start_checkpoint_thread(poll: float = CHECKPOINT_POLL) -> threading.Thread:
    thread = threading.Thread(
        target=_checkpoint_loop, args=(poll,), name="ganchao-audit-checkpoint", daemon=True
    )
    thread.start()
    return thread


def _checkpoint_loop(poll: float) -> None:
    while True:
        time.sleep(poll)
        try:
            checkpoint_round()
        finally:
            connection.close()  # the thread's own connection; a new one each round


def checkpoint_round(now=None) -> dict | None:
    """One round of the server's checkpoint thread: the checkpoint written, or None (not due,
    or it failed: logged, never out of the thread)."""
    from ganchao.audit.services import audit_checkpoint_export, checkpoint_due

    now = now or timezone.now()
    try:
        if checkpoint_due(now=now, min_interval=checkpoint_every()):
            return audit_checkpoint_export(min_interval=checkpoint_every(), now=now)
    except Exception:
        logger.exception("scheduled audit checkpoint failed")
    return None


def start_worker_thread() -> threading.Thread | None:
    """Run django-tasks-db's worker loop in a thread, without its signal handlers (only the
    main thread may install them, and Ctrl+C must stop the server, not just the worker).
    None when the task backend is not the database one."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.management.commands.db_worker import Worker

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    worker = Worker(
        queue_names=["*"],
        interval=1,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"ganchao-demo-{os.getpid()}",
        excluded_queue_names=[],
    )
    thread = threading.Thread(
        target=_worker_loop, args=(worker,), name="ganchao-worker", daemon=True
    )
    thread.start()
    return thread


def _worker_loop(worker) -> None:
    while True:
        try:
            worker.run()
            return
        except Exception:
            logger.exception("job worker stopped; restarting in %s s", WORKER_RESTART_DELAY)
            close_old_connections()
            time.sleep(WORKER_RESTART_DELAY)
