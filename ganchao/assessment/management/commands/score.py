"""`ganchao score --scheme CODE --period P [--version N] [--publish]` (DESIGN.md 3.1, 3.10):
computes the draft results and prints them; with --publish freezes the next result revision."""

from django.db import transaction

from ganchao.assessment import selectors, services
from ganchao.assessment.periods import mismatch_message, parse
from ganchao.common.command import GanchaoCommand, UsageError


def resolve(options):
    """(scheme, period) from the options; a period of the wrong shape is a usage error."""
    scheme = selectors.scheme_get(options["scheme"], options.get("version"))
    period = parse(options["period"], scheme.period_type)
    if period is None:
        raise UsageError(mismatch_message(options["period"], scheme.period_type))
    return scheme, period


class Command(GanchaoCommand):
    help = "计算考核得分（--publish 发布并冻结结果）"

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` is the scheme version here (DESIGN.md 3.1), not Django's version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="考核方案编码")
        parser.add_argument("--period", required=True, help="考核期间：YYYY、YYYY-Qn 或 YYYY-MM")
        parser.add_argument("--version", type=int, default=None, help="方案版本，默认最新版")
        parser.add_argument("--publish", action="store_true", help="发布并冻结结果")

    def handle(self, *args, **options):
        scheme, period = resolve(options)
        if options["publish"]:
            with transaction.atomic():
                result, changes = services.result_publish(
                    actor=None, scheme=scheme, period=period.code
                )
            if result is None:
                self.stdout.write(f"{scheme.code} {period.code}：结果与已发布版本相同，未新增版本")
                return
            self._print_rows(result.snapshot, result.unassessed)
            self.stdout.write(
                f"已发布 {scheme.code} {period.code} 第{result.result_revision}版"
                f"（方案第{scheme.scheme_version}版，截止 {result.cutoff.isoformat()}）"
            )
            for change in changes:
                self.stdout.write(_change_line(change))
            return
        draft = selectors.draft_outcome(scheme, period)
        rows, cutoff = draft.rows, draft.cutoff
        self._print_rows(rows, draft.unassessed)
        self.stdout.write(
            f"草稿：{scheme.code} {period.code}（方案第{scheme.scheme_version}版，"
            f"截止 {cutoff.isoformat()}），{len(rows)} 个单位，未发布"
        )

    def _print_rows(self, rows, unassessed=()):
        for row in rows:
            veto = " 一票否决" if row["veto"] else ""
            self.stdout.write(
                f"{row['rank']}\t{row['unit_code']}\t{row['unit']}\t{row['total']}"
                f"\t{row['grade']}{veto}"
            )
        for row in unassessed:  # not ranked: after the table, without rank, total or grade
            self.stdout.write(f"—\t{row['unit_code']}\t{row['unit']}\t—\t本期无考核内容")


def _change_line(change: dict) -> str:
    if "before" not in change:
        return f"变化：{change['unit_code']} {change['unit']} {change['field']}"
    return (
        f"变化：{change['unit_code']} {change['unit']} {change['field']}："
        f"{change['before']} → {change['after']}"
    )
