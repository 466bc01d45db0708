from pathlib import Path

from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.web.backup import BackupError, backup


class Command(GanchaoCommand):
    help = (
        "备份：ganchao backup -o DIR 把数据库（一致性快照）、全部存储文件和数据目录中的密钥、"
        "审计检查点写入一个新目录，并附带各文件的 SHA-256 清单"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份目录（须不存在或为空）")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandFailed(str(exc).splitlines()) from exc
        except OSError as exc:
            raise CommandFailed(f"写入备份目录失败：{exc}") from exc
        entries = manifest["entries"]
        files = sum(1 for e in entries if e.get("kind") == "file")
        size = sum(e["size"] for e in entries)
        self.stdout.write(
            f"备份完成：{Path(options['output']).resolve()}（数据库 {manifest['database']}，"
            f"存储文件 {files} 个，共 {size / 1024 / 1024:.1f} MB，"
            f"审计事件至 #{manifest['audit_head']['last_seq']}）"
        )
