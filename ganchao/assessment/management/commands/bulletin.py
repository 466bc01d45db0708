"""`ganchao bulletin --scheme CODE --period P -o FILE.docx` (DESIGN.md 3.1): the bulletin (通报)
of the latest published result of the period. Its 文号 is taken once per result revision from
the gap-free counter and reused when the bulletin is generated again."""

from pathlib import Path

from ganchao.assessment import services_bulletins
from ganchao.assessment.management.commands.score import resolve
from ganchao.common.command import CommandFailed, GanchaoCommand, UsageError


class Command(GanchaoCommand):
    help = "生成考核通报（Word 文档）"

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="考核方案编码")
        parser.add_argument("--period", required=True, help="考核期间：YYYY、YYYY-Qn 或 YYYY-MM")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.docx）")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.suffix.lower() != ".docx":
            raise UsageError(f"输出文件“{output}”应以 .docx 结尾")
        if not output.parent.is_dir():
            raise CommandFailed(f"输出目录“{output.parent}”不存在")
        scheme, period = resolve({**options, "version": None})
        generated = services_bulletins.bulletin_generate(
            actor=None, scheme_code=scheme.code, period=period.code
        )
        output.write_bytes(generated.content)
        issue = generated.issue
        how = "新编文号" if generated.created else "沿用文号"
        self.stdout.write(
            f"已生成通报 {issue.number}（{how}，{scheme.code} {period.code} "
            f"第{issue.result.result_revision}版结果）：{output}"
        )
