from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.web.stored_files import files_verify


class Command(GanchaoCommand):
    help = "存储文件：ganchao files verify 按上传时记录的 SHA-256 重新校验全部存储文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify")
        sub.add_parser("verify", help="重新校验全部存储文件")

    def handle(self, *args, **options):
        result = files_verify()
        if not result.ok:
            raise CommandFailed(
                [f"文件校验失败：共校验 {result.checked} 个文件，{len(result.problems)} 个有问题"]
                + result.problems
            )
        self.stdout.write(f"文件校验通过：共校验 {result.checked} 个文件")
