"""ganchao calendar: working days and office hours from the command line (DESIGN.md 3.11).

Answers go to stdout, one value a line, for scripts; when an answer rests on a year whose
holidays are not yet entered, a warning line goes to stderr (texts.warn_provisional).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from ganchao.common import workdays
from ganchao.common.command import GanchaoCommand, UsageError, parse_moment
from ganchao.workcal import selectors, texts
from ganchao.workcal.texts import weekday_name

ACTIONS = "add-days、between、hours、add-hours、show"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"日期“{text}”不是 YYYY-MM-DD 格式（如 2026-09-24）") from exc


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise UsageError(f"{what}“{text}”须为整数") from exc


def _hours(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise UsageError(f"小时数“{text}”须为数字（如 4 或 2.5）") from exc
    if not value.is_finite() or abs(value) > 10000:
        raise UsageError("小时数须在 -10000 至 10000 之间")
    return value


class Command(GanchaoCommand):
    help = "工作日历：推算第 N 个工作日、计算工作日数和工作时间、查看某年的节假日安排"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar=ACTIONS)
        add_days = sub.add_parser("add-days", help="DATE 之后第 N 个工作日（N 为负数则往前）")
        add_days.add_argument("date", help="起算日期，如 2026-09-24（不计当天）")
        add_days.add_argument("days", help="工作日数 N")
        between = sub.add_parser("between", help="START 之后至 END（含）之间的工作日数")
        between.add_argument("start")
        between.add_argument("end")
        hours = sub.add_parser("hours", help="两个时间之间的工作时间（小时）")
        hours.add_argument("start", help="如 2026-09-30T16:00（北京时间）")
        hours.add_argument("end", help="如 2026-10-08T09:00")
        add_hours = sub.add_parser("add-hours", help="START 之后（之前）N 个工作小时的时刻")
        add_hours.add_argument("start")
        add_hours.add_argument("hours")
        show = sub.add_parser("show", help="某年的节假日、调休和单日调整")
        show.add_argument("year")
        show.add_argument("--all", action="store_true", help="列出全年每一天")

    def handle(self, *args, **options):
        with workdays.calendar_session():
            answer = getattr(self, "_" + options["action"].replace("-", "_"))(options)
        texts.warn_provisional(self.stderr, answer.get("provisional_years", []))

    def _add_days(self, options) -> dict:
        answer = selectors.add_days_answer(
            _date(options["date"]), _integer(options["days"], "工作日数")
        )
        self.stdout.write(answer["result"].isoformat())
        return answer

    def _between(self, options) -> dict:
        answer = selectors.working_days_answer(_date(options["start"]), _date(options["end"]))
        self.stdout.write(str(answer["result"]))
        return answer

    def _hours(self, options) -> dict:
        answer = selectors.working_time_answer(
            parse_moment(options["start"]), parse_moment(options["end"])
        )
        self.stdout.write(str(answer["hours"]))
        return answer

    def _add_hours(self, options) -> dict:
        answer = selectors.add_hours_answer(
            parse_moment(options["start"]), _hours(options["hours"])
        )
        self.stdout.write(answer["result"].isoformat())
        return answer

    def _show(self, options) -> dict:
        summary = selectors.year_summary(actor=None, year=_integer(options["year"], "年度"))
        notes = {row.date: row.note for row in summary["overrides"]}
        days = summary["days"]
        working = sum(day.working for day in days)
        sessions = "、".join(
            f"{s['start']}–{s['end']}" for s in selectors.office_hours()["sessions"]
        )
        self.stdout.write(f"{summary['year']}年：{summary['source_label']}")
        self.stdout.write(
            f"工作日 {working} 天，休息日 {len(days) - working} 天；作息时间 {sessions}"
        )
        for day in days:
            if options["all"] or day.kind not in (
                workdays.DayKind.WORKDAY,
                workdays.DayKind.WEEKEND,
            ):
                self.stdout.write(self._day_line(day, notes.get(day.date, "")))
        return summary

    @staticmethod
    def _day_line(day: workdays.Day, note: str) -> str:
        parts = [
            day.date.isoformat(),
            weekday_name(day.date),
            "上班" if day.working else "休息",
            str(texts.KIND_LABELS[day.kind]),
            day.name,
            note,
        ]
        line = " ".join(part for part in parts if part)
        if day.base_kind is not None:
            line += f"（原为{texts.KIND_LABELS[day.base_kind]}）"
        return line
