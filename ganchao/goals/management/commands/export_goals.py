"""`ganchao export-goals --plan YEAR [--owner CODE] -o FILE`: the goal sheet (DESIGN.md 3.1, 3.5)."""

from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.goals.exports import goal_sheet_export
from ganchao.goals.management.commands._sheet_args import add_plan_arguments
from ganchao.goals.report_imports import find_plan


class Command(GanchaoCommand):
    help = "导出年度计划的目标任务分解表（.xlsx），格式与导入相同"

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, **options):
        plan = find_plan(options["plan"], options["owner"])
        path = Path(options["output"])
        data = goal_sheet_export(plan)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandFailed(
                _("无法写入文件 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror}
            ) from None
        self.stdout.write(_("已导出到 %(path)s") % {"path": path})
