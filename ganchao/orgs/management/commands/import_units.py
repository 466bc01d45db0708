"""`ganchao import-units FILE [--dry-run]`: the unit sheet (DESIGN.md 3.1, 3.4)."""

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.orgs.imports import unit_sheet_import


class Command(GanchaoCommand):
    help = "导入单位及领导分工表（.xlsx）；--dry-run 只检查、不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="单位及领导分工表（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并输出汇总，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandFailed(_("找不到文件：%(path)s") % {"path": path}) from None
        except OSError as exc:
            raise CommandFailed(
                _("无法读取文件 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror}
            ) from None
        result = unit_sheet_import(
            actor=None, data=data, filename=path.name, dry_run=options["dry_run"]
        )
        if result.errors:
            raise CommandFailed([str(error) for error in result.errors])
        for warning in result.warnings:
            sys.stderr.write(_("提示：%(warning)s") % {"warning": warning} + "\n")
        for line in result.summary_lines():
            self.stdout.write(line)
        if options["dry_run"]:
            sys.stderr.write(_("试运行：未写入任何数据。") + "\n")
