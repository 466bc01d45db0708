"""`ganchao ranking --scheme CODE --period P --format json|csv|xlsx [-o FILE]` (DESIGN.md 3.1,
3.10): the latest published result, or the draft when none is published; stdout by default,
`-o` required for xlsx."""

from pathlib import Path

from ganchao.assessment import exports, selectors
from ganchao.assessment.management.commands.score import resolve
from ganchao.common.command import GanchaoCommand, UsageError


class Command(GanchaoCommand):
    help = "输出考核排名（JSON、CSV 或 Excel）"

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="考核方案编码")
        parser.add_argument("--period", required=True, help="考核期间：YYYY、YYYY-Qn 或 YYYY-MM")
        parser.add_argument("--format", required=True, choices=["json", "csv", "xlsx"])
        parser.add_argument("-o", "--output", default=None, help="输出文件")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and not output:
            raise UsageError("导出 xlsx 时必须用 -o 指定输出文件")
        scheme, period = resolve({**options, "version": None})
        published = selectors.latest_result(scheme.code, period.code)
        if published:
            rows, unranked = published.snapshot, published.unassessed
        else:
            draft = selectors.draft_outcome(scheme, period)
            rows, unranked = draft.rows, draft.unassessed
        if fmt == "xlsx":  # units with nothing to assess under the table; JSON and CSV omit them
            title = f"{scheme.code} {period.code}"
            Path(output).write_bytes(exports.ranking_xlsx(rows, title, unassessed=unranked))
            self.stdout.write(f"已导出 {len(rows)} 个单位的排名到 {output}")
            return
        text = exports.ranking_json(rows) if fmt == "json" else exports.ranking_csv(rows)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出 {len(rows)} 个单位的排名到 {output}")
        else:
            self.stdout.write(text, ending="" if fmt == "csv" else "\n")
