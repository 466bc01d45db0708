"""`ganchao demo` and `ganchao serve`, with the servers and threads replaced by recorders."""

import gc

import pytest
import waitress

from ganchao.cli import main
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.demodata.management.commands import demo
from ganchao.orgs.models import Unit, User
from ganchao.scheduler import runner
from ganchao.scheduler.management.commands import serve

# One worker for the module: its demo runs share that worker's one seed of the city (below).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_command")]


@pytest.fixture
def recorder(monkeypatch, demo_snapshots):
    """Replaces the server, the threads and the slow set-up commands; records their calls. The
    demo's seed writes what `demo_seed` writes with the same arguments, restored from the
    worker's copy of that seed (ganchao/conftest.py `demo_snapshots`) instead of seeded again."""
    calls = {"serve": [], "commands": [], "threads": []}
    monkeypatch.setattr(
        demo,
        "demo_seed",
        lambda *, scale, seed, as_of: demo_snapshots.restore(scale=scale, seed=seed, as_of=as_of),
    )
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls["serve"].append(kw))
    monkeypatch.setattr(demo, "call_command", lambda name, **kw: calls["commands"].append(name))
    monkeypatch.setattr(runner, "start_tick_thread", lambda: calls["threads"].append("tick"))
    monkeypatch.setattr(runner, "start_worker_thread", lambda: calls["threads"].append("worker"))
    return calls


def test_demo_seeds_an_empty_database_and_prints_every_account(recorder, capsys, settings):
    assert main(["demo", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert f"数据目录：{settings.DATA_DIR}" in out
    assert recorder["commands"] == ["migrate", "collectstatic"]
    assert "已生成演示数据：一个市" in out
    assert Unit.objects.count() == 382
    for user in User.objects.select_related("unit"):
        line = next(line for line in out.splitlines() if line.startswith(user.username + " "))
        assert DEMO_PASSWORD in line and user.unit.name in line and user.full_name in line
    assert "市级领导（市长）" in out and "督查室" in out and "审计管理员" in out
    assert "http://127.0.0.1:8123/" in out
    assert recorder["serve"] == [
        {"host": "127.0.0.1", "port": 8123, "threads": 8, "ident": "ganchao"}
    ]
    assert recorder["threads"] == ["tick", "worker"]


def test_demo_keeps_existing_data_and_still_lists_the_accounts(recorder, capsys):
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "已生成演示数据" not in out
    assert "演示账号（共 44 个" in out
    assert recorder["serve"][-1]["port"] == 8000


def test_demo_rejects_a_bad_port(recorder, capsys):
    assert main(["demo", "--port", "70000"]) == 2
    assert "端口" in capsys.readouterr().err
    assert recorder["serve"] == []


def test_demo_reports_a_port_in_use(monkeypatch, recorder, capsys):
    def busy(app, **kwargs):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(waitress, "serve", busy)
    assert main(["demo", "--port", "8124"]) == 1
    assert "请用 --port 换一个端口" in capsys.readouterr().err


def test_serve_runs_gunicorn_with_gthread_workers(monkeypatch, capsys, settings):
    started = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: started.append(name))
    monkeypatch.setattr(serve.GanchaoServer, "run", lambda self: started.append(self.cfg))
    assert main(["serve", "--bind", "127.0.0.1:9001", "--workers", "3"]) == 0
    assert f"数据目录：{settings.DATA_DIR}" in capsys.readouterr().out
    assert started[0] == "collectstatic"
    cfg = started[1]
    assert cfg.bind == ["127.0.0.1:9001"]
    assert cfg.workers == 3
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == 4


def test_serve_loads_the_project_wsgi_application():
    from config.wsgi import application

    server = serve.GanchaoServer(serve.server_options("127.0.0.1:9002", 1, 1))
    try:
        assert server.load() is application
    finally:
        # load() warms up as a server does before forking, freezing the objects made so far
        # (serve.warm_up): this test process is no server, and later tests need them back
        gc.unfreeze()


@pytest.mark.parametrize("args", [["--bind", "nowhere"], ["--workers", "0"], ["--threads", "many"]])
def test_serve_rejects_bad_options(args, monkeypatch, capsys):
    monkeypatch.setattr(serve.GanchaoServer, "run", lambda self: pytest.fail("must not start"))
    assert main(["serve", *args]) == 2
    assert capsys.readouterr().err
