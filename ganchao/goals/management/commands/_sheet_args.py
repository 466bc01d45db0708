"""Arguments and file reading shared by the goal-sheet commands."""

from pathlib import Path

from django.utils.translation import gettext as _

from ganchao.common.command import CommandFailed, UsageError


def year_argument(text: str) -> int:
    import argparse

    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(_("年度应为四位数字，如 2026"))
    return int(text)


def add_plan_arguments(parser) -> None:
    parser.add_argument("--plan", required=True, type=year_argument, help="计划年度，如 2026")
    parser.add_argument("--owner", default=None, help="计划编制单位的编码（默认根单位）")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandFailed(_("找不到文件：%(path)s") % {"path": path}) from None
    except IsADirectoryError:
        raise UsageError(_("%(path)s 是文件夹，请指定 .xlsx 文件") % {"path": path}) from None
    except OSError as exc:
        raise CommandFailed(
            _("无法读取文件 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror}
        ) from None
