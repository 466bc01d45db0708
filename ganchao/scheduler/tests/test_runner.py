"""The demo's background threads: one tick round, and the job worker's thread."""

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from ganchao.scheduler import runner
from ganchao.scheduler.models import TickState
from ganchao.scheduler.services import tick_run


@pytest.mark.django_db(transaction=True)
def test_one_tick_round_runs_the_scans_and_records_the_tick():
    runner.tick_once()
    assert TickState.objects.get().last_tick_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_tick_round_never_raises(monkeypatch):
    def fail(*, at):
        raise RuntimeError("database gone")

    monkeypatch.setattr(runner, "tick_run", fail)
    runner.tick_once()  # logged, not raised: the thread must live on


@pytest.mark.django_db(transaction=True)
def test_a_tick_round_reports_failed_scans_on_stderr(monkeypatch, capsys):
    from ganchao.scheduler import scans

    monkeypatch.setattr(scans, "_SCANS", dict(scans._SCANS))
    scans.register_scan("test.broken", lambda at: 1 / 0, label="坏扫描", order=1)
    monkeypatch.setattr(runner, "tick_run", tick_run)
    runner.tick_once()
    assert "定时扫描“坏扫描”失败" in capsys.readouterr().err


def test_no_worker_thread_without_the_database_task_backend():
    assert runner.start_worker_thread() is None  # the tests use the immediate backend


def test_worker_thread_runs_the_db_worker_on_every_queue(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    started = []

    class FakeThread:
        def __init__(self, *, target, args, name, daemon):
            started.append((target, args, name, daemon))

        def start(self):
            pass

    monkeypatch.setattr(runner.threading, "Thread", FakeThread)
    assert runner.start_worker_thread() is not None
    target, (worker,), name, daemon = started[0]
    assert target is runner._worker_loop and daemon and name == "ganchao-worker"
    assert isinstance(worker, Worker)
    assert worker.process_all_queues and worker.backend_name == "default"


def test_the_worker_loop_restarts_a_worker_that_failed(monkeypatch):
    runs = []

    class FlakyWorker:
        def run(self):
            runs.append(1)
            if len(runs) == 1:
                raise RuntimeError("lost connection")

    monkeypatch.setattr(runner.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    runner._worker_loop(FlakyWorker())
    assert len(runs) == 2
