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
