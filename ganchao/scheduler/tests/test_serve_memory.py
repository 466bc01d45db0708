"""`ganchao serve` loads the application in the master before forking (workers share its pages)
and can share one port with another server."""

import gc

from django.db import connections

from ganchao.scheduler.management.commands import serve


def test_the_app_is_loaded_before_the_fork_and_the_checkpoint_thread_after_it():
    server = serve.GanchaoServer(serve.server_options("127.0.0.1:9003", 2, 4))
    assert server.cfg.preload_app is True
    assert server.cfg.post_fork is serve.start_checkpoint_thread_in_worker
    assert server.cfg.reuse_port is False
    shared = serve.GanchaoServer(serve.server_options("127.0.0.1:9003", 2, 4, reuse_port=True))
    assert shared.cfg.reuse_port is True


def test_warm_up_leaves_no_connection_to_inherit_and_freezes_what_it_made(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    server = serve.GanchaoServer(serve.server_options("127.0.0.1:9003", 2, 4))
    application = server.load()
    assert callable(application)
    assert closed == [True] and frozen == [True]


def test_the_master_limits_malloc_arenas_for_the_workers_it_forks(monkeypatch):
    calls = []

    class FakeLibc:
        def mallopt(self, parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(serve.ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert serve.limit_malloc_arenas() is True
    assert calls == [(serve.M_ARENA_MAX, 2)]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # the operator's own setting wins
    assert serve.limit_malloc_arenas() is False
    assert calls == [(serve.M_ARENA_MAX, 2)]


def test_without_glibc_the_server_starts_all_the_same(monkeypatch):
    def missing(name):
        raise OSError("no libc")

    monkeypatch.setattr(serve.ctypes, "CDLL", missing)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert serve.limit_malloc_arenas() is False
