"""bench/run: the province benchmark of issue 13. Every figure beside its floor, measured in
the same run, and the ratio; a table on the terminal and the same rows as JSON.

    bench/run                         # restore (or seed, then dump) the province, measure all
    bench/run --quick                 # shorter wrk runs, for trying
    bench/run --only statuses_red,tick
    bench/run --keep --database-url postgresql://…/gc_copy --data-dir /tmp/copy_data

Steps: (1) the database — by default ganchao_bench on the local PostgreSQL (DATABASE_URL or
--database-url; only a database whose name contains "bench" is ever dropped and re-created):
restored from the dump an earlier run left in the cache folder (~/.cache/ganchao-bench), or
migrated, seeded (`ganchao seed --scale province --seed 1`), its audit chain topped up to
1,000,000 events and dumped with pg_dump -Fc next to a copy of its data folder (the audit
chain key lives there); a dump is named after a hash of the migration files, so a new
migration makes a new one. ANALYZE runs after the restore or seed. --keep uses the database
and data folder as they are (no restore, no drop; pending migrations are applied).
(2) bench/prepare.py: tokens and signed-in sessions of a vice-mayor, a street liaison and
the office, and the SELECTs each measured URL runs (the floors replay them). (3) `ganchao
serve` (2 workers × 4 threads) on a free loopback port with bench.settings (the normal
URLs plus /__floor__/…). (4) wrk, 2 threads and 16 connections, per URL and per floor: a
warm-up, then a measured run with --latency; then one connection alone (a third of the time,
at least 2 s) for the latency of a request that queues behind no other; every
answer must be 200. (5) the server's PSS (master + workers) after the load. (6) the timers of
bench/timers.py and the CLI, each in a process of its own. (7) the table and JSON.

Every process it starts caches its bytecode (in <cache>/pycache, whatever
PYTHONDONTWRITEBYTECODE says), as an installed server does: otherwise each `ganchao tick` or
CLI timer would first compile the project's ~500 modules, a second of CPU no deployment spends.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report, wrk  # noqa: E402
from bench.report import Row, Target  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ganchao_bench"
ENDPOINT_TARGET = {"min_ratio": 0.5}
ENDPOINTS = {
    # key: (what, target)
    "statuses_red": ("/api/v1/statuses?status=red&limit=25 (vice-mayor)",
                     Target(**ENDPOINT_TARGET, max_p99_ms=100, note="≥20× Redmine")),
    "statuses_unit": ("/api/v1/statuses?unit=<street>&limit=25 (street liaison)",
                      Target(**ENDPOINT_TARGET, max_p99_ms=100, note="≥20× Redmine")),
    "reports": ("/api/v1/assignments/{id}/reports?limit=25 (liaison)",
                Target(**ENDPOINT_TARGET, note="≥20× Redmine")),
    "workbench_liaison": ("/goals/workbench/ (liaison)", Target(**ENDPOINT_TARGET, max_p50_ms=100)),
    "workbench_leader": ("/goals/workbench/ (vice-mayor)", Target(**ENDPOINT_TARGET, max_p50_ms=100)),
    "home_liaison": ("/ liaison home page", Target(**ENDPOINT_TARGET, note="≥10× Redmine")),
    "tree_office": ("/goals/tree/ office goal tree", Target(**ENDPOINT_TARGET, note="≥10× Redmine")),
}  # fmt: skip
TIMERS = ["memory", "recompute", "tick", "scoring", "import", "audit", "files"]
ALL_ROWS = [*ENDPOINTS, *TIMERS]
AUDIT_EVENTS = 1_000_000


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


# ---- database --------------------------------------------------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def libpq_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql")) if parts.scheme == "postgres" else url


def psql(url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", libpq_url(url), "-XAtqc", sql], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def migrations_hash() -> str:
    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("ganchao/*/migrations/[0-9]*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def recreate(url: str) -> None:
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(
            f"bench/run 只会删除并重建名称含 bench 的数据库；{name} 不是。"
            "请用 --keep 沿用它，或换一个 …bench… 的库名"
        )
    psql(admin_url(url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(admin_url(url), f'CREATE DATABASE "{name}"')


def ganchao(env, *args, quiet=True) -> float:
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "ganchao.cli", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )  # fmt: skip
    return time.perf_counter() - started


def timer(env, *args) -> dict:
    """Run bench/timers.py with the arguments; its figures (the `BENCH {json}` line)."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "timers.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        last = " ".join(" / ".join(done.stderr.strip().splitlines()[-3:]).split())
        raise RuntimeError(f"timers.py {args[0]} failed: {last[-600:]}")
    return json.loads(lines[-1].removeprefix("BENCH "))


def prepare_database(args, env) -> dict:
    """Restore, seed or keep the database; returns what was done (for the JSON)."""
    url, cache = args.database_url, Path(args.cache)
    info = {"database": database_name(url), "analyze": False}
    if args.keep:
        info["source"] = "kept as it is (--keep)"
    else:
        cache.mkdir(parents=True, exist_ok=True)
        stem = cache / f"province-seed{args.seed}-{migrations_hash()}"
        dump, data = stem.with_suffix(".dump"), Path(f"{stem}.data")
        recreate(url)
        work = Path(env["GANCHAO_DATA_DIR"])
        if dump.exists() and data.exists():
            say(f"从 {dump} 恢复数据库 {info['database']}")
            started = time.perf_counter()
            subprocess.run(
                ["pg_restore", "--no-owner", "-d", libpq_url(url), str(dump)], check=True
            )
            info["source"] = f"restored from {dump} in {time.perf_counter() - started:.0f} s"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(data, work)
        else:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            say(f"数据库 {info['database']}：迁移并生成省级演示数据（首次运行，约 10–20 分钟）")
            started = time.perf_counter()
            ganchao(env, "migrate", "-v0")
            ganchao(env, "seed", "--scale", "province", "--seed", str(args.seed))
            say(f"审计链补足到 {AUDIT_EVENTS:,} 条事件")
            timer(env, "audit-topup", "--events", str(AUDIT_EVENTS))
            info["source"] = f"seeded in {time.perf_counter() - started:.0f} s"
            psql(url, "ANALYZE")
            subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq_url(url)], check=True)
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(work, data)
            say(f"已保存 {dump} 及数据目录 {data}（下次直接恢复）")
    # The code measured is the working tree's: its migrations apply first (a no-op on a dump
    # made with the same migration set; a kept database may lag behind).
    ganchao(env, "migrate", "-v0")
    if not args.no_analyze:
        started = time.perf_counter()
        psql(url, "ANALYZE")
        info["analyze"] = True
        info["analyze_seconds"] = round(time.perf_counter() - started, 1)
    return info


# ---- server and wrk ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers: dict, timeout: float = 120) -> tuple[int, float, int]:
    """(status, seconds, bytes) of one GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as r:
            body = r.read()
            return r.status, time.perf_counter() - started, len(body)
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - started, 0


def wait_for(url: str, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(url, {}, timeout=5)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"服务器在 {seconds} 秒内没有响应：{url}")


def alone_seconds(args) -> int:
    """How long each page and floor is measured over one connection: a third of the loaded
    run, at least 2 s."""
    return max(2, args.duration // 3)


def run_wrk(
    url: str, script: Path, seconds: int, timeout: int, latency=True, connections=16
) -> dict:
    threads = min(2, connections)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s",
        "-s", str(script),
    ]  # fmt: skip
    if latency:
        command.append("--latency")
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return wrk.parse(done.stdout) | {"output": done.stdout}


def drain(figures: dict, first_seconds: float) -> None:
    """After a run of slow requests, wait for those wrk left in flight or queued (the server
    finishes them after wrk has gone) so that they do not slow down the next measurement."""
    slowest = max(first_seconds, (figures.get("p50_ms") or 0) / 1000)
    if slowest > 1:
        time.sleep(min(90, 2 * slowest + 1))


def pss_mib(pid: int) -> tuple[float, int]:
    """PSS of a process and its children (gunicorn master + workers) in MiB, and how many."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    total_kib = 0
    for one in pids:
        for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total_kib += int(line.split()[1])
    return total_kib / 1024, len(pids)


def measure_endpoints(args, env, work: Path, rows: dict[str, Row]) -> None:
    wanted = [key for key in ENDPOINTS if key in args.only]
    if not wanted and "memory" not in args.only:
        return
    say("准备令牌、登录会话并捕获各地址的查询（bench/prepare.py）")
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "prepare.py")],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"bench/prepare.py 失败：\n{done.stderr[-2000:]}")
    targets = json.loads(lines[-1].removeprefix("BENCH "))["rows"]
    floors = work / "floors.json"
    floors.write_text(
        json.dumps({k: v["floor"] for k, v in targets.items()}, ensure_ascii=False), "utf-8"
    )
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings",
                  "GANCHAO_BENCH_FLOORS": str(floors)}  # fmt: skip
    say(f"启动 ganchao serve（{base}，2 个工作进程 × 4 线程，bench.settings）")
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "ganchao.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(f"{base}/accounts/login/")
        for key in wanted:
            what, target = ENDPOINTS[key]
            row = rows[key] = Row(key, what, "rps", target=target)
            spec = targets[key]
            row.extra["path"] = spec["path"]
            row.extra["queries"] = spec["queries"]
            row.extra["floor_statements"] = len(spec["floor"])
            url, floor_url = base + spec["path"], f"{base}/__floor__/{key}/"
            status, seconds, size = get(url, spec["headers"])
            floor_status, floor_s, floor_size = get(floor_url, {})
            row.extra |= {"first_request_ms": round(seconds * 1000), "bytes": size,
                          "floor_first_ms": round(floor_s * 1000), "floor_bytes": floor_size}  # fmt: skip
            if status != 200 or floor_status != 200:
                row.error = f"HTTP {status} (floor {floor_status}): not measured"
                print(
                    f"!! {key}: {spec['path']} answered {status}, floor {floor_status}", flush=True
                )
                continue
            script = work / f"{key}.lua"
            script.write_text(wrk.lua_script(spec["headers"]), "utf-8")
            bare = work / "bare.lua"
            bare.write_text(wrk.lua_script({}), "utf-8")
            timeout = max(30, int(seconds * 4) + 5)
            print(
                f"   {key}: 首次请求 {seconds * 1000:.0f} ms，底线 {floor_s * 1000:.0f} ms",
                flush=True,
            )
            results = {}
            for name, target_url, lua in (("endpoint", url, script), ("floor", floor_url, bare)):
                run_wrk(target_url, lua, args.warmup, timeout, latency=False)
                results[name] = run_wrk(target_url, lua, args.duration, timeout)
                drain(results[name], seconds)
            # one connection: the latency of a request that waits for no other (at 16
            # connections on 2 cores, p50 is mostly the queue: 16 / throughput, Little's law)
            for name, target_url, lua in (("endpoint", url, script), ("floor", floor_url, bare)):
                results[f"{name}_alone"] = run_wrk(
                    target_url, lua, alone_seconds(args), timeout, connections=1
                )
            measured, floor = results["endpoint"], results["floor"]
            row.measured, row.floor = measured["rps"], floor["rps"]
            for name in ("p50_ms", "p99_ms", "requests", "non200", "errors", "timeouts"):
                row.extra[name] = measured[name]
                row.extra[f"floor_{name}"] = floor[name]
            for name in ("p50_ms", "p99_ms"):
                row.extra[f"alone_{name}"] = results["endpoint_alone"][name]
                row.extra[f"floor_alone_{name}"] = results["floor_alone"][name]
            if results["endpoint_alone"]["non200"] or results["endpoint_alone"]["errors"]:
                row.error = f"answered non-200 {results['endpoint_alone']['non200']}× alone"
            if floor["non200"] or floor["errors"]:
                row.error = f"floor answered non-200 {floor['non200']}×"
        if "memory" in args.only:
            pss, processes = pss_mib(server.pid)
            rows["memory"] = Row(
                "memory", "server memory after the load (PSS, master + workers)", "mib",
                measured=pss, target=Target(max_value=250),
                extra={"processes": processes},
            )  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# ---- timers --------------------------------------------------------------------------------


def timed_process(command: list[str], env) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, output) of a command run to completion; fails on error.
    The CPU seconds it used (user + system) are left in timed_process.cpu_seconds."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        timed_process.cpu_seconds = usage.ru_utime + usage.ru_stime
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        last = " ".join(" / ".join(text.strip().splitlines()[-3:]).split())
        raise RuntimeError(f"{' '.join(command[2:])} exited {process.returncode}: {last[-600:]}")
    return seconds, usage.ru_maxrss / 1024, text


def cli(*args) -> list[str]:
    return [PYTHON, "-m", "ganchao.cli", *args]


def measure_timers(args, env, rows: dict[str, Row]) -> None:
    def guarded(key, what, kind, target, body):
        row = rows[key] = Row(key, what, kind, target=target)
        say(what)
        try:
            body(row)
        except Exception as error:  # noqa: BLE001 - the row says what failed, the run goes on
            row.error = f"failed: {str(error)[:300]}"
            print(f"!! {key}: {error}", flush=True)

    if "recompute" in args.only:

        def recompute(row):
            figures = timer(env, "recompute", "--repeat", str(args.repeat))
            row.measured, row.floor = figures["seconds"], figures["floor_seconds"]
            row.extra["plans"] = figures["plans"]

        guarded("recompute", "status recompute of the province (every issued plan)", "seconds",
                Target(max_ratio=3, max_value=10), recompute)  # fmt: skip

    if "tick" in args.only:

        def tick(row):
            at = args.at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            first, _, _ = timed_process(cli("tick", "--at", at), env)
            second, peak, _ = timed_process(cli("tick", "--at", at), env)
            cpu = timed_process.cpu_seconds
            row.measured = second
            row.extra |= {"first_run_s": round(first, 1), "at": at, "peak_mb": peak,
                          "cpu_s": round(cpu, 2)}  # fmt: skip
            # on a shared machine the wall time is mostly waiting for a core: say the CPU too
            row.what = f"`ganchao tick` with nothing new (second run, same --at; {cpu:.1f} s CPU)"

        guarded("tick", "`ganchao tick` with nothing new (second run, same --at)", "seconds",
                Target(max_value=5), tick)  # fmt: skip

    if "scoring" in args.only:

        def scoring(row):
            figures = timer(env, "scoring", "--repeat", str(args.repeat),
                            *(["--as-of", args.as_of] if args.as_of else []))  # fmt: skip
            row.measured, row.floor = figures["draft_seconds"], figures["floor_seconds"]
            row.extra |= {"units": figures["units"], "schemes": figures["schemes"]}
            publish = rows["scoring_publish"] = Row(
                "scoring_publish", f"scoring: publish one period ({figures['units']} units)",
                "seconds", measured=figures["publish_seconds"], floor=figures["floor_seconds"],
                target=Target(max_ratio=3, max_value=5),
            )  # fmt: skip
            row.what = f"scoring: draft one period ({figures['units']} units)"
            publish.extra["units"] = figures["units"]

        guarded("scoring", "scoring: draft one period for every unit", "seconds",
                Target(max_ratio=3, max_value=5), scoring)  # fmt: skip

    if "import" in args.only:

        def import_goals(row):
            year_now = int(psql(args.database_url, "SELECT coalesce(max(year), 2026) FROM goals_plan "
                                "WHERE state = 'issued'") or 2026)  # fmt: skip
            used = psql(args.database_url, "SELECT p.year FROM goals_plan p JOIN orgs_unit u "
                        f"ON u.id = p.owner_id WHERE u.code = '{args.city}'").split()  # fmt: skip
            year = max([year_now, *map(int, used)]) + 1
            # ganchao.goals.bench_sheet's sheet (the units and leaders of the database), its
            # milestones in the year of the plan it is imported into
            name = f"goal-sheet-{args.import_rows}-{year}-seed{args.seed}-{migrations_hash()}.xlsx"
            sheet = Path(args.cache) / name
            if not sheet.exists():
                Path(args.cache).mkdir(parents=True, exist_ok=True)
                timer(env, "goal-sheet", "--year", str(year), "--rows", str(args.import_rows),
                      "-o", str(sheet))  # fmt: skip
            seconds, peak, output = timed_process(
                cli("import-goals", str(sheet), "--plan", str(year), "--owner", args.city), env
            )
            row.measured = seconds
            row.extra |= {"peak_mb": peak, "plan": year}
            floor = timer(env, "import-floor", "--sheet", str(sheet), "--plan", str(year),
                          "--owner", args.city)  # fmt: skip
            row.floor = floor["seconds"]
            row.extra |= {"sheet_rows": floor["sheet_rows"],
                          "items": floor["items"], "assignments": floor["assignments"],
                          "rows_per_s": round(floor["items"] / seconds, 1)}  # fmt: skip
            row.what = (f"import-goals of {args.import_rows:,} rows "
                        f"({floor['assignments']:,} assignments)")  # fmt: skip

        guarded("import", f"import-goals of a {args.import_rows:,}-row goal sheet", "seconds",
                Target(max_value=10, max_peak_mb=300), import_goals)  # fmt: skip

    if "audit" in args.only:

        def audit(row):
            events = int(psql(args.database_url, "SELECT count(*) FROM audit_auditevent"))
            if events < AUDIT_EVENTS:
                say(f"审计链只有 {events:,} 条事件，补足到 {AUDIT_EVENTS:,}")
                timer(env, "audit-topup", "--events", str(AUDIT_EVENTS))
            seconds, peak, _ = timed_process(cli("audit", "verify"), env)
            floor = timer(env, "audit-floor")
            row.measured, row.floor = seconds, floor["seconds"]
            row.extra |= {"events": floor["events"], "peak_mb": peak}
            row.what = f"`ganchao audit verify` of {floor['events']:,} events"

        guarded("audit", "`ganchao audit verify` of 1,000,000 events", "seconds", Target(), audit)

    if "files" in args.only:

        def files(row):
            seconds, peak, _ = timed_process(cli("files", "verify"), env)
            floor = timer(env, "files-floor")
            row.measured, row.floor = seconds, floor["seconds"]
            row.extra |= {"files": floor["files"], "bytes": floor["bytes"], "peak_mb": peak}
            row.what = f"`ganchao files verify` ({floor['files']:,} files)"

        guarded("files", "`ganchao files verify`", "seconds", Target(), files)


def replica_rows(args, env) -> list[Row]:
    """bench/replica.py's run_replica(context) → {name: value}, shown as rows of their own."""
    try:
        from bench.replica import run_replica
    except ImportError:
        print("--replica: bench/replica.py is not available", flush=True)
        return [
            Row("replica", "replica demonstration", "info", error="bench/replica.py not available")
        ]
    context = {"root": str(ROOT), "database_url": args.database_url, "env": dict(env),
               "data_dir": env["GANCHAO_DATA_DIR"], "python": PYTHON, "cache": args.cache}  # fmt: skip
    result = run_replica(context) or {}
    return [Row(f"replica:{k}", str(k), "info", extra={"text": str(v)}) for k, v in result.items()]


# ---- main ----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "ganchao-bench"),
                        help="dumps, data folders, goal sheets and the JSON (default ~/.cache/ganchao-bench)")  # fmt: skip
    parser.add_argument(
        "--data-dir", help="GANCHAO_DATA_DIR of the database (default <cache>/work-data)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="use the database as it is (no restore)"
    )
    parser.add_argument("--no-analyze", action="store_true", help="do not ANALYZE before measuring")
    parser.add_argument("--quick", action="store_true", help="wrk 4 s after 1 s of warm-up")
    parser.add_argument("--only", default="", help=f"rows, comma-separated: {','.join(ALL_ROWS)}; "
                        "or the groups endpoints, timers")  # fmt: skip
    parser.add_argument("--duration", type=int, help="seconds of each measured wrk run (15)")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up before each (3)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of the recompute and scoring (best kept)"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--city", default="C01", help="city of the users and of the goal sheet")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--at", default="", help="--at of the tick (default now)")
    parser.add_argument("--as-of", default="", help="day whose period is scored (default today)")
    parser.add_argument("--replica", action="store_true", help="also run bench/replica.py")
    parser.add_argument("--json", help="write the rows here (default <cache>/bench-<time>.json)")
    args = parser.parse_args(argv)
    args.duration = args.duration or (4 if args.quick else 15)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 3)
    args.only = select_rows(args.only)
    return args


def select_rows(text: str) -> list[str]:
    if not text:
        return list(ALL_ROWS)
    chosen = []
    for name in (n.strip() for n in text.split(",") if n.strip()):
        group = {"endpoints": list(ENDPOINTS), "timers": TIMERS}.get(name, [name])
        for key in group:
            if key not in ALL_ROWS:
                raise SystemExit(f"--only: 没有 {key}；可选：{', '.join(ALL_ROWS)}")
            chosen.append(key)
    return list(dict.fromkeys(chosen))


def main(argv=None) -> int:
    args = parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        raise SystemExit("bench/run 需要 PostgreSQL：--database-url postgresql://…")
    if shutil.which("wrk") is None:
        raise SystemExit("缺少 wrk：sudo apt-get install wrk（bench/run 会自动安装）")
    started_at = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()
    data_dir = args.data_dir or str(Path(args.cache) / "work-data")
    env = {**os.environ, "DATABASE_URL": args.database_url, "GANCHAO_DATA_DIR": data_dir,
           "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as installed (see the top)
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(args.cache) / "pycache"))
    say(f"数据库：{database_name(args.database_url)}（{args.database_url}），数据目录：{data_dir}")
    say(f"开始时负载：{' '.join(f'{x:.2f}' for x in load_start)}（{os.cpu_count()} 核）")
    info = prepare_database(args, env)
    say(f"数据库来源：{info['source']}；ANALYZE：{'已运行' if info['analyze'] else '未运行'}")
    work = Path(tempfile.mkdtemp(prefix="ganchao-bench-"))
    rows: dict[str, Row] = {}
    measure_endpoints(args, env, work, rows)
    measure_timers(args, env, rows)
    order = [*ALL_ROWS[: ALL_ROWS.index("scoring") + 1], "scoring_publish",
             *ALL_ROWS[ALL_ROWS.index("scoring") + 1 :]]  # fmt: skip
    ordered = [rows[key] for key in order if key in rows]
    if args.replica:
        ordered += replica_rows(args, env)
    load_end = os.getloadavg()
    elapsed = (dt.datetime.now(dt.UTC) - started_at).total_seconds()
    print()
    print(report.table(ordered))
    print()
    print(f"数据库 {info['database']}（{info['source']}）；ANALYZE {'已运行' if info['analyze'] else '未运行'}；"
          f"wrk：2 线程 16 连接，预热 {args.warmup} 秒，测量 {args.duration} 秒；"
          f"alone = 1 个连接，测量 {alone_seconds(args)} 秒")  # fmt: skip
    print(f"负载：开始 {' '.join(f'{x:.2f}' for x in load_start)}，结束 "
          f"{' '.join(f'{x:.2f}' for x in load_end)}（{os.cpu_count()} 核）；用时 {elapsed:.0f} 秒")  # fmt: skip
    path = args.json or str(Path(args.cache) / f"bench-{started_at:%Y%m%dT%H%M%SZ}.json")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    report.write_json(
        path, ordered, started_at=started_at.isoformat(), seconds=round(elapsed),
        load_start=load_start, load_end=load_end, cores=os.cpu_count(), **info,
        wrk={"threads": 2, "connections": 16, "warmup_s": args.warmup, "duration_s": args.duration,
             "alone_connections": 1, "alone_s": alone_seconds(args)},
    )  # fmt: skip
    print(f"JSON：{path}；服务器日志及 wrk 脚本：{work}")
    return 1 if any(r.error for r in ordered) else 0


if __name__ == "__main__":
    sys.exit(main())
