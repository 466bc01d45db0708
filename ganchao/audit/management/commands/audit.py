from ganchao.audit.models import AuditVerifyRun
from ganchao.audit.services import audit_verify_run
from ganchao.common.command import CommandFailed, GanchaoCommand


class Command(GanchaoCommand):
    help = "审计链：ganchao audit verify 校验全部审计事件（结果记入校验记录）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify")
        sub.add_parser("verify", help="校验审计链是否完整")

    def handle(self, *args, **options):
        result, _run = audit_verify_run(source=AuditVerifyRun.Source.COMMAND)
        if not result.ok:
            raise CommandFailed([f"审计链校验失败：已校验 {result.checked} 条事件", result.problem])
        self.stdout.write(f"审计链完整：已校验 {result.checked} 条事件")
