"""The `ganchao` console script: Django's management commands under one name (DESIGN.md 3.1).

Exit status: 0 success, 1 validation errors (nothing written), 2 usage errors.
"""

import os
import sys

COMMANDS = {
    "migrate", "demo", "serve", "seed", "import-units", "export-units", "audit", "token", "tick",
    "import-goals", "export-goals", "import-reports", "issue-plan", "status", "score", "ranking", "bulletin",
    "calendar", "files", "backup", "restore",
}  # fmt: skip
USAGE = "用法：ganchao <命令> [参数]\n命令：" + "、".join(sorted(COMMANDS)) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    command = argv[0]
    if command not in COMMANDS:
        sys.stderr.write(f"未知命令：{command}\n{USAGE}")
        return 2
    import django

    django.setup()
    from django.core.management import get_commands, load_command_class

    name = command.replace("-", "_")
    if name not in get_commands():
        sys.stderr.write(f"命令 {command} 尚未提供\n")
        return 2
    cmd = load_command_class(get_commands()[name], name)
    try:
        cmd.run_from_argv(["ganchao", name, *argv[1:]])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
