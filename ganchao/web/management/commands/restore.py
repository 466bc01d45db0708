from pathlib import Path

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.web.backup import BackupError, restore


class Command(GanchaoCommand):
    help = (
        "恢复：ganchao restore DIR 先按清单校验备份，再恢复数据库、存储文件和密钥，"
        "最后校验审计链和存储文件；数据库已有数据时须加 --force"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="ganchao backup 生成的备份目录")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据的数据库")

    def handle(self, *args, **options):
        try:
            report = restore(Path(options["folder"]), force=options["force"])
        except BackupError as exc:
            raise CommandFailed(str(exc).splitlines()) from exc
        self.stdout.write(
            f"恢复完成：数据库 {report.database}，存储文件 {report.files} 个，"
            f"密钥与检查点 {report.data_files} 个"
        )
        self.stdout.write(report.audit)
        self.stdout.write(report.stored)
        if not (report.audit_ok and report.stored_ok):
            raise CommandFailed("恢复后的校验未通过，请检查上面的提示")
