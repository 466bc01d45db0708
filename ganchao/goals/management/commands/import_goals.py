"""`ganchao import-goals FILE --plan YEAR [--owner CODE] [--dry-run]`: the goal sheet (DESIGN.md
3.1, 3.5)."""

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.management.commands._sheet_args import add_plan_arguments, read_file


class Command(GanchaoCommand):
    help = "导入目标任务分解表（.xlsx）；计划不存在时新建；--dry-run 只检查、不写入"

    # Django's system checks import every URL and API router (about 3 s of CPU) to guard the
    # web application's configuration, which reading a sheet does not need (as for `tick`);
    # `ganchao check` still runs them on demand.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="目标任务分解表（.xlsx）")
        add_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="只检查并输出汇总，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        result = goal_sheet_import(
            actor=None,
            data=read_file(path),
            year=options["plan"],
            owner_code=options["owner"],
            filename=path.name,
            dry_run=options["dry_run"],
        )
        if result.errors:
            raise CommandFailed([str(error) for error in result.errors])
        for warning in result.warnings:
            sys.stderr.write(_("提示：%(warning)s") % {"warning": warning} + "\n")
        for line in result.summary_lines():
            self.stdout.write(line)
        if options["dry_run"]:
            sys.stderr.write(_("试运行：未写入任何数据。") + "\n")
