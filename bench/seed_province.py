"""Time `ganchao seed` on a fresh database and report its peak memory.

    .venv/bin/python bench/seed_province.py                    # a temporary SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gc_seed_bench \\
        .venv/bin/python bench/seed_province.py --scales city,province

Each seed runs in its own process with --reset (the database's business tables and audit log
are emptied: point DATABASE_URL only at a scratch database). Without DATABASE_URL a SQLite
file in a temporary data folder is used and removed afterwards. Prints one line per run:
the time inside the command, the whole process's wall time, and its peak resident memory.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
from ganchao.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write("BENCH " + json.dumps({"code": code, "seconds": seconds, "peak_kib": peak_kib}) + "\\n")
sys.exit(code)
"""


def run(args: list[str], env: dict) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"ganchao {' '.join(args)} failed (exit {done.returncode})")
    return json.loads(lines[-1].removeprefix("BENCH ")) | {"wall": wall, "stdout": done.stdout}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="province", help="comma-separated: town,city,province")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", default="1")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gc_seed_bench_") as scratch:
        env = dict(os.environ)
        env.setdefault("GANCHAO_DATA_DIR", scratch)
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        backend = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        run(["migrate"], env)
        print(f"backend: {backend}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
        for scale in options.scales.split(","):
            for attempt in range(1, options.repeat + 1):
                args = ["seed", "--scale", scale, "--seed", options.seed, "--as-of", "2026-05-11"]
                result = run([*args, "--reset"], env)
                units = next(
                    (line.strip() for line in result["stdout"].splitlines() if "单位 " in line), ""
                )
                print(
                    f"{scale:8s} run {attempt}: seed {result['seconds']:.2f} s, "
                    f"process {result['wall']:.2f} s, peak RSS {result['peak_kib'] / 1024:.0f} MiB"
                    f"  [{units.split('（')[0]}]"
                )


if __name__ == "__main__":
    main()
