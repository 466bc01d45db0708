from django.utils import timezone

from ganchao.common.command import CommandFailed, GanchaoCommand, parse_moment
from ganchao.scheduler.services import TickBusy, tick_run


class Command(GanchaoCommand):
    help = (
        "运行全部定时扫描：ganchao tick [--at 时间]。--at 为 ISO 8601，不带时区按北京时间，"
        "只写日期表示当天 23:59:59；默认现在。另一个 tick 正在运行时立即退出（状态 1）。"
    )

    # cron runs this every minute: Django's system checks import every URL and API router
    # (about 3 s of CPU per run) to guard the web application's configuration, which no scan
    # needs; `ganchao check` still runs them on demand.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--at", help="扫描时点（ISO 8601，默认现在）")

    def handle(self, *args, **options):
        at = parse_moment(options["at"]) if options["at"] else timezone.now()
        try:
            report = tick_run(at=at)
        except TickBusy as exc:
            raise CommandFailed(str(exc)) from exc
        moment = timezone.localtime(at).isoformat()
        self.stdout.write(f"定时扫描（时点 {moment}）：共 {len(report.summaries)} 项完成")
        for label, summary in report.summaries:
            self.stdout.write(f"  {label}：{summary}")
        if report.failures:
            raise CommandFailed(
                [f"{label}：扫描失败（{message}）" for label, message in report.failures]
            )
