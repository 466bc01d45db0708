import ctypes
import ctypes.util
import gc
import os

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication

from ganchao.common.command import GanchaoCommand, UsageError


class GanchaoServer(BaseApplication):
    """gunicorn, configured from code (no gunicorn command-line parsing) to serve
    config.wsgi:application.

    The application is loaded once in the master before the workers are forked (preload_app):
    the modules, URL patterns and templates are then pages the workers share copy-on-write
    instead of a private copy each. Nothing that must not be shared is made in the master: the
    database connections are closed before the fork and the audit checkpoint thread starts in
    each worker (post_fork)."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self):
        from config.wsgi import application

        if self.cfg.preload_app:
            warm_up()
        return application


def warm_up() -> None:
    """Imports everything a request would import on first use (every view behind the URL
    patterns, the template engine with its tags), closes what may not cross a fork and moves
    the objects made so far out of the garbage collector's sight (gc.freeze), so that a
    collection in a worker does not write to, and so un-share, the pages holding them."""
    from django.template import engines
    from django.urls import get_resolver

    get_resolver().check()  # imports the URLconf and every view module behind it
    engines.all()  # the template engine and its tag libraries
    connections.close_all()
    gc.collect()
    gc.freeze()


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2


def limit_malloc_arenas() -> bool:
    """At most MALLOC_ARENAS glibc malloc arenas per process, set in the master so that the
    forked workers inherit it. glibc gives threads arenas of their own, up to 8 per core: a
    gthread worker's 4 threads then spread the larger allocations (query rows, page text) over
    several arenas that each keep their freed memory. Two arenas cost no measurable throughput
    and hold less (the bench's PSS after load: 228 → 217 MiB). MALLOC_ARENA_MAX in the
    environment, read by glibc itself, wins. False where there is no glibc mallopt."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to limit
        return False


def server_options(bind: str, workers: int, threads: int, reuse_port: bool = False) -> dict:
    return {
        "bind": [bind],
        # Several servers on one port (SO_REUSEPORT): the kernel shares the connections out.
        "reuse_port": reuse_port,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Workers are not recycled: under load a recycling gthread worker resets the
        # keep-alive connections it holds (bench/load saw 9 resets in 9,300 requests).
        "max_requests": 0,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "ganchao",
        "preload_app": True,
        # gunicorn ≥ 25.1 would open a control socket under $HOME; two servers would clash.
        "control_socket_disable": True,
        "post_fork": start_checkpoint_thread_in_worker,
    }


def start_checkpoint_thread_in_worker(server, worker) -> None:
    """gunicorn's post_fork hook: each worker seals the audit chain on a schedule (the thread
    lives in the worker, never in the master, whose forks must not copy a database connection)."""
    from ganchao.scheduler.runner import start_checkpoint_thread

    start_checkpoint_thread()


class Command(GanchaoCommand):
    help = (
        "生产环境应用服务器（gunicorn，gthread 工作进程）：ganchao serve [--bind 地址:端口] "
        "[--workers N] [--threads N]。前面应有反向代理（TLS）；数据库须已用 ganchao migrate 准备好。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）"
        )
        parser.add_argument("--workers", default=str(default_workers()), help="工作进程数")
        parser.add_argument("--threads", default="4", help="每个工作进程的线程数（默认 4）")
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="允许多个服务进程监听同一端口（SO_REUSEPORT，由内核分配连接）",
        )

    def handle(self, *args, **options):
        bind = options["bind"].strip()
        if not bind or (":" not in bind and not bind.startswith("unix:")):
            raise UsageError(f"--bind “{options['bind']}”应写作 地址:端口，如 127.0.0.1:8000")
        workers = _positive(options["workers"], "--workers")
        threads = _positive(options["threads"], "--threads")
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        pending = _pending_migrations()
        if pending:
            self.stderr.write(f"警告：数据库还有 {pending} 个迁移未执行，请先运行 ganchao migrate")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"在 {bind} 上提供服务：{workers} 个工作进程 × {threads} 个线程")
        connections.close_all()  # the workers are forked: none may inherit the master's socket
        limit_malloc_arenas()
        GanchaoServer(server_options(bind, workers, threads, options["reuse_port"])).run()


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def _positive(raw, name: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise UsageError(f"{name} “{raw}”应为正整数")
    return value


def _pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
