"""Base for Ganchao's management commands: Chinese errors on stderr, one per line, exit 1
for validation errors, 2 for usage errors (argparse), 0 on success."""

import sys
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, handle_default_options

from ganchao.common.errors import GanchaoError

SHANGHAI = ZoneInfo("Asia/Shanghai")


class CommandFailed(Exception):
    """Validation failed: the lines are printed to stderr and the command exits 1."""

    def __init__(self, lines):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class UsageError(Exception):
    """A usage error detected after argument parsing: exits 2."""


class GanchaoCommand(BaseCommand):
    def run_from_argv(self, argv):
        """Like Django's, but without closing connections afterwards (the process ends anyway,
        and tests call the CLI inside their own transaction)."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandFailed as exc:
            for line in exc.lines:
                sys.stderr.write(f"{line}\n")
            sys.exit(1)
        except GanchaoError as exc:
            for line in [exc.message] + [
                f"{e.field}：{e.message}" for e in exc.errors if e.message != exc.message
            ]:
                sys.stderr.write(f"{line}\n")
            sys.exit(1)
        except UsageError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)
        except CommandError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(exc.returncode)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.prog = f"ganchao {subcommand.replace('_', '-')}"
        return parser


def parse_moment(text: str) -> datetime:
    """ISO 8601; without an offset Asia/Shanghai; a date alone means 23:59:59 of that day."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = datetime.fromisoformat(value).date()
            return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"时间“{text}”不是 ISO 8601 格式（如 2026-05-11 或 2026-05-11T09:00:00+08:00）"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
