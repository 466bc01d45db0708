"""`ganchao import-reports FILE --plan YEAR [--owner CODE] [--dry-run]`: the report-values sheet
(DESIGN.md 3.1, 3.6). Reports are recorded as submitted by the system."""

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.goals.management.commands._sheet_args import add_plan_arguments, read_file
from ganchao.goals.report_imports import find_plan, report_sheet_import


class Command(GanchaoCommand):
    help = "导入进展数据（.xlsx）；--dry-run 只检查、不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="进展数据导入表（.xlsx）")
        add_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="只检查并输出汇总，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_file(path)
        plan = find_plan(options["plan"], options["owner"])
        result = report_sheet_import(
            actor=None, data=data, plan=plan, filename=path.name, dry_run=options["dry_run"]
        )
        if result.errors:
            raise CommandFailed([str(error) for error in result.errors])
        for line in result.summary_lines():
            self.stdout.write(line)
        if options["dry_run"]:
            sys.stderr.write(_("试运行：未写入任何数据。") + "\n")
