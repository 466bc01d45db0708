"""`ganchao export-units -o FILE`: the unit sheet (DESIGN.md 3.1, 3.4)."""

from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.orgs.exports import unit_sheet_export


class Command(GanchaoCommand):
    help = "导出单位及领导分工表（.xlsx），格式与导入相同"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, **options):
        path = Path(options["output"])
        data = unit_sheet_export()
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandFailed(
                _("无法写入文件 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror}
            ) from None
        self.stdout.write(_("已导出到 %(path)s") % {"path": path})
