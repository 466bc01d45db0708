import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ganchao.common.command import CommandFailed, GanchaoCommand, UsageError
from ganchao.demodata.console import format_table, seed_summary
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.demodata.selectors import demo_accounts
from ganchao.demodata.services import demo_seed
from ganchao.orgs.models import Unit
from ganchao.scheduler import runner

HOST = "127.0.0.1"


class Command(GanchaoCommand):
    help = (
        "演示：准备数据库、收集静态文件，数据库为空时生成一个市的演示数据，列出全部演示账号，"
        "然后在 127.0.0.1:端口 上提供服务，并每 60 秒运行一次 tick、运行后台任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="端口（默认 8000）")

    def handle(self, *args, **options):
        port = _port(options["port"])
        out = self.stdout
        out.write(f"数据目录：{settings.DATA_DIR}")
        out.write(f"数据库：{_database_label()}")
        out.write("正在准备数据库和静态文件……")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not Unit.objects.exists():
            started = time.perf_counter()
            result = demo_seed(scale="city", seed=1, as_of=timezone.localdate())
            for line in seed_summary(result, time.perf_counter() - started):
                out.write(line)
        self._accounts()
        url = f"http://{HOST}:{port}/"
        out.write(f"\n请用浏览器打开 {url} ，用上面任一账号登录。按 Ctrl+C 停止。")
        runner.start_tick_thread()
        if runner.start_worker_thread() is None:
            out.write("（任务后端不是数据库后端，未启动后台任务线程）")
        self._serve(port)

    def _accounts(self) -> None:
        accounts = demo_accounts()
        self.stdout.write(f"\n演示账号（共 {len(accounts)} 个，密码均为 {DEMO_PASSWORD}）：")
        rows = [
            [
                a["username"],
                DEMO_PASSWORD,
                a["roles"] + (f"（{a['leader_title']}）" if a["leader_title"] else ""),
                a["full_name"],
                a["unit"],
                a["unit_code"],
            ]
            for a in accounts
        ]
        headers = ["用户名", "密码", "角色", "姓名", "所在单位", "单位编码"]
        for line in format_table(headers, rows):
            self.stdout.write(line)
        self.stdout.write("（账号登录后若改了密码，以新密码为准。）")

    def _serve(self, port: int) -> None:
        import waitress

        from config.wsgi import application

        try:
            waitress.serve(application, host=HOST, port=port, threads=8, ident="ganchao")
        except OSError as exc:
            raise CommandFailed(
                f"无法在 {HOST}:{port} 上提供服务（{exc.strerror or exc}），请用 --port 换一个端口"
            ) from exc
        self.stdout.write("演示服务已停止。")


def _port(raw) -> int:
    try:
        port = int(raw)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise UsageError(f"--port “{raw}”不是 1 到 65535 之间的端口号")
    return port


def _database_label() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
