"""Load test (issue 12 item 12): simulated reporters saving progress reports and reading their
lists for five minutes against the production server on PostgreSQL, then a check that every
acknowledged save is in the database.

    bench/load                                  # 200 reporters, 5 minutes, city seed
    bench/load --users 50 --duration 60         # a shorter run
    bench/load --reuse                          # keep the database seeded by an earlier run

Steps: (re)create the database named by --database-url and seed the city (unless --reuse finds
data), prepare one (assignment, period) slot and token per simulated reporter (liaisons of the
seeded units, each slot a report its unit may edit), start `ganchao serve` (2 workers × 4
threads) on loopback, run locust headless (bench/locustfile.py), stop the server, and compare
the acknowledged saves with the database (each save's marker must be in the audit chain's
report.save_draft events, and each slot's last acknowledged marker must be its report's text).
Prints a table per request type (count, failures, median, p95, p99, max in ms) and writes the
figures as JSON (--json). Exits 1 when a request failed or a save is missing.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PREPARE = r"""
import json, sys, django
django.setup()
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from ganchao.accounts.services import token_create
from ganchao.goals.models import Assignment, ProgressReport
from ganchao.goals import periods
from ganchao.orgs.models import User

wanted = int(sys.argv[1])
today = timezone.localdate()
liaisons = list(
    User.objects.filter(is_active=True, role_grants__role="liaison", unit__isnull=False)
    .select_related("unit").order_by("pk")
)
tokens = {}
slots = []
editable = {"draft", "returned"}
taken = set()
cap = max(1, -(-wanted // max(len(liaisons), 1)))  # slots per liaison, spread over the accounts
while len(slots) < wanted and cap <= wanted:
    for user in liaisons:
        mine = sum(1 for s in slots if s["user"] == user.username)
        assignments = (
            Assignment.objects.filter(unit=user.unit, item__plan__state="issued")
            .exclude(pk__in=taken).select_related("item__plan", "unit").order_by("pk")
        )
        for assignment in assignments:
            if mine >= cap or len(slots) >= wanted:
                break
            item = assignment.item
            if item.plan.year != today.year:
                continue
            period = periods.period_containing(today, item.frequency)
            current = ProgressReport.objects.filter(
                assignment=assignment, period=period.code, is_current=True
            ).first()
            if current is not None and current.state not in editable:
                continue
            if user.pk not in tokens:
                with transaction.atomic():
                    tokens[user.pk] = token_create(actor=user, user=user, name="负载测试")[1]
            taken.add(assignment.pk)
            mine += 1
            slots.append({
                "user": user.username,
                "token": tokens[user.pk],
                "unit": user.unit.code,
                "assignment": assignment.pk,
                "period": period.code,
                "version": current.version if current else 0,
                "takes_value": item.type == "indicator" and assignment.role != "cooperating",
            })
    cap *= 2
# Spread the slots over the accounts: the first slots of every liaison come first.
by_user = {}
for slot in slots:
    by_user.setdefault(slot["user"], []).append(slot)
ordered = []
while any(by_user.values()):
    for name in list(by_user):
        if by_user[name]:
            ordered.append(by_user[name].pop(0))
print(json.dumps(ordered[:wanted], ensure_ascii=False))
"""

CHECK = r"""
import json, sys, django
django.setup()
from ganchao.audit.models import AuditEvent
from ganchao.goals.models import ProgressReport

record = json.load(open(sys.argv[1], encoding="utf-8"))
acks, sent = record["acked"], record["sent"]
slots = json.load(open(sys.argv[2], encoding="utf-8"))
saved = set()
rows = AuditEvent.objects.filter(action="report.save_draft").values_list("changes", flat=True)
for changes in rows.iterator(chunk_size=5000):
    after = (changes or {}).get("narrative", {}).get("after")
    if after:
        saved.add(after)
missing = [a["marker"] for a in acks if a["marker"] not in saved]
last = {}
for ack in acks:
    last[ack["slot"]] = ack["marker"]
# A save sent after the slot's last acknowledged one may have landed without its answer (the
# run stopped, or the connection broke): the report may hold it instead.
later = {}
acked_markers = {a["marker"] for a in acks}
for item in sent:
    if item["marker"] not in acked_markers:
        later.setdefault(item["slot"], set()).add(item["marker"])
periods = {s["assignment"]: s["period"] for s in slots}
texts = dict(
    ProgressReport.objects.filter(assignment_id__in=list(last), is_current=True)
    .filter(period__in=set(periods.values()))
    .values_list("assignment_id", "narrative")
)
stale = [
    slot for slot, marker in last.items()
    if texts.get(slot) != marker and texts.get(slot) not in later.get(slot, set())
]
print(json.dumps({"acknowledged": len(acks), "unanswered": len(sent) - len(acks), "missing": missing[:20], "missing_count": len(missing),
                  "slots_checked": len(last), "slots_not_latest": stale[:20],
                  "slots_not_latest_count": len(stale)}))
"""


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def ganchao(env, *args, **kwargs):
    return run([PYTHON, "-m", "ganchao.cli", *args], env, **kwargs)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


def admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def psql(url: str, statement: str) -> None:
    subprocess.run(["psql", admin_url(url), "-qc", statement], check=True, capture_output=True)


def has_data(env) -> bool:
    probe = (
        "import django; django.setup(); from ganchao.orgs.models import Unit; "
        "print(Unit.objects.exists())"
    )
    done = subprocess.run(
        [PYTHON, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and done.stdout.strip() == "True"


def wait_for(url: str, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"服务器在 {seconds} 秒内没有响应：{url}")


def read_stats(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "合计",
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "median_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "max_ms": float(row["Max Response Time"] or 0),
                    "rps": float(row["Requests/s"] or 0),
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/ganchao_load"
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=300, help="seconds")
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--port", type=int, default=18950)
    parser.add_argument("--scale", default="city", choices=["town", "city"])
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "ganchao-load"))
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if shutil.which("locust", path=str(Path(PYTHON).parent)) is None:
        raise SystemExit("缺少 locust：请先运行 .venv/bin/pip install -e '.[load]'")

    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "GANCHAO_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    if not (args.reuse and has_data(env)):
        name = database_name(args.database_url)
        print(f"==> 重建数据库 {name} 并生成 {args.scale} 规模演示数据", flush=True)
        psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(args.database_url, f'CREATE DATABASE "{name}"')
        ganchao(env, "migrate", "-v0")
        ganchao(env, "seed", "--scale", args.scale, stdout=subprocess.DEVNULL)
    work = Path(tempfile.mkdtemp(prefix="ganchao-load-"))
    print("==> 准备报送人和令牌", flush=True)
    prepared = run(
        [PYTHON, "-c", PREPARE, str(args.users)], env, capture_output=True, text=True
    ).stdout
    slots = json.loads(prepared)
    if len(slots) < args.users:
        print(f"提示：只找到 {len(slots)} 个可报送的任务，模拟报送人将共用", flush=True)
    (work / "slots.json").write_text(json.dumps(slots, ensure_ascii=False), encoding="utf-8")
    accounts = len({s["user"] for s in slots})

    print(f"==> 启动 ganchao serve（127.0.0.1:{args.port}，2 个工作进程 × 4 线程）", flush=True)
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "ganchao.cli", "serve", "--bind", f"127.0.0.1:{args.port}",
         "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{args.port}/accounts/login/")
        print(
            f"==> locust：{args.users} 个报送人（{accounts} 个账号），{args.duration} 秒",
            flush=True,
        )
        load_env = {
            **env,
            "LOAD_SLOTS": str(work / "slots.json"),
            "LOAD_ACKS": str(work / "acks.json"),
        }
        started = time.monotonic()
        subprocess.run(
            [str(Path(PYTHON).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
             "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
             "--csv", str(work / "load"), "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "60"],
            cwd=ROOT, env=load_env, check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        load1 = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()

    stats = read_stats(work / "load_stats.csv")
    check = json.loads(
        run(
            [PYTHON, "-c", CHECK, str(work / "acks.json"), str(work / "slots.json")],
            env, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    print()
    print(
        f"{'请求':<36}{'次数':>8}{'失败':>6}{'中位':>8}{'P95':>8}{'P99':>8}{'最大':>8}{'每秒':>8}"
    )
    for row in stats:
        label = row["name"]
        print(
            f"{label:<36}{row['requests']:>8}{row['failures']:>6}{row['median_ms']:>8.0f}"
            f"{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}{row['max_ms']:>8.0f}{row['rps']:>8.1f}"
        )
    print()
    print(
        f"报送确认 {check['acknowledged']} 次（另有 {check['unanswered']} 次发出后未得到答复）；库中缺失 {check['missing_count']} 次；"
        f"{check['slots_checked']} 个任务中最新内容不符 {check['slots_not_latest_count']} 个"
    )
    print(f"运行 {elapsed:.0f} 秒，结束时 1 分钟平均负载 {load1:.2f}（{os.cpu_count()} 核）")
    print(f"服务器日志：{work / 'server.log'}")
    result = {
        "users": args.users,
        "accounts": accounts,
        "duration_s": round(elapsed),
        "load_1min": load1,
        "stats": stats,
        "check": check,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    total = next((r for r in stats if r["name"] == "合计"), None)
    failed = (total or {}).get("failures", 1) > 0
    lost = check["missing_count"] > 0 or check["slots_not_latest_count"] > 0
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
