"""Scale-out demonstration for bench/run --replica (issue 13 item 4).

run_replica(context) → {name: text}. context: "database_url" (the benchmark's PostgreSQL
database), "data_dir", "python" (the venv's python), optionally "root" and "port_base"
(default 18700; the run uses port_base … port_base + 2). It

1. makes a streaming replica on loopback. The benchmark's own cluster is used when its
   pg_hba.conf already admits replication connections from 127.0.0.1 and wal_level allows it;
   otherwise (the benchmark never edits a server's pg_hba.conf or postgresql.conf) it says so
   and builds a private primary instead: initdb in a temporary folder, the benchmark database
   copied into it with pg_dump | pg_restore. The replica is pg_basebackup -R of that primary,
   started with pg_ctl on its own port. The PostgreSQL programs run as the postgres user when
   the benchmark runs as root;
2. starts two `ganchao serve` processes on ONE port (gunicorn reuse_port: SO_REUSEPORT, the
   kernel shares the connections between the two listening servers, as two app hosts behind a
   load balancer would), both with DATABASE_REPLICA_URL set;
3. runs two `ganchao tick` loops at once over the same minute slots and counts the runs and the
   TickBusy refusals (the lease: two ticks never overlap);
4. sends read-only requests and one write through the shared port and counts transactions on
   each database (pg_stat_database.xact_commit): the reads on the replica, the write on the
   primary; and reads the servers' memory (PSS, /proc/<pid>/smaps_rollup);
5. stops everything and removes the temporary clusters.
"""

import http.client
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys; from ganchao.cli import entry; sys.exit(entry())"
PG_BIN_GUESSES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def say(text: str) -> None:
    print(f"[replica] {text}", flush=True)


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    for folder in PG_BIN_GUESSES:
        if (folder / name).exists():
            return str(folder / name)
    if found:
        return found
    raise RuntimeError(f"PostgreSQL program {name} not found")


def as_postgres(cmd: list[str]) -> list[str]:
    """pg_ctl and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def psql(url: str, sql: str) -> str:
    return run([pg_bin("psql"), url, "-XAtqc", sql]).stdout.strip()


def with_port(url: str, port: int, database: str | None = None) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    name = database or parts.path.lstrip("/")
    return f"postgresql://{user}@127.0.0.1:{port}/{name}"


def replication_allowed(url: str) -> str | None:
    """None when the cluster admits a replication connection from 127.0.0.1; else why not."""
    wal = psql(url, "SHOW wal_level")
    senders = int(psql(url, "SHOW max_wal_senders"))
    if wal not in ("replica", "logical") or senders < 1:
        return f"wal_level={wal}, max_wal_senders={senders}"
    rules = psql(
        url,
        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
        "AND type IN ('host', 'hostnossl', 'local')",
    )
    if rules == "0":
        return "pg_hba.conf has no replication entry"
    return None


class Cluster:
    """A PostgreSQL cluster in a temporary folder, owned by the user PostgreSQL runs as."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def start(self) -> None:
        run(as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                         "-w", "-t", "300", "start"]))  # fmt: skip

    def stop(self) -> None:
        subprocess.run(as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                    "stop"]), capture_output=True)  # fmt: skip

    def settings(self, extra: str = "") -> None:
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\n{extra}"
            )


def temp_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    return folder


def private_primary(database_url: str, port: int) -> tuple[Cluster, str]:
    folder = temp_folder("gc-primary-")
    primary = Cluster(folder, port)
    run(as_postgres([pg_bin("initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust",
                     "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]))  # fmt: skip
    with open(primary.data / "pg_hba.conf", "a") as hba:
        hba.write("\nhost replication postgres 127.0.0.1/32 trust\n")
    primary.settings("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
    primary.start()
    name = urlsplit(database_url).path.lstrip("/")
    url = with_port(database_url, port, name)
    psql(with_port(database_url, port, "postgres"), f'CREATE DATABASE "{name}"')
    dump = folder / "db.dump"
    run([pg_bin("pg_dump"), "-Fc", "-Z1", "-f", str(dump), database_url])
    subprocess.run([pg_bin("pg_restore"), "-j", "2", "--no-owner", "-d", url, str(dump)],
                   capture_output=True, text=True)  # fmt: skip
    dump.unlink()
    psql(url, "ANALYZE")
    return primary, url


def make_replica(primary_url: str, port: int) -> Cluster:
    folder = temp_folder("gc-replica-")
    replica = Cluster(folder, port)
    parts = urlsplit(primary_url)
    run(as_postgres([pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(parts.port or 5432),
                     "-U", parts.username or "postgres", "-D", str(replica.data), "-R",
                     "-X", "stream", "-c", "fast", "--no-sync"]))  # fmt: skip
    conf = replica.data / "postgresql.conf"
    if not conf.exists():  # Debian keeps the configuration outside the data folder
        conf.write_text("hot_standby = on\n")
        (replica.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        (replica.data / "pg_ident.conf").write_text("")
    replica.settings("hot_standby = on\n")
    replica.start()
    return replica


def xacts(url: str) -> int:
    """Committed transactions of the database. Backends report their counts when idle for
    10 s (PostgreSQL ≥ 15) or at disconnect: wait for the app's idle connections to report."""
    time.sleep(11)
    return int(
        psql(url, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
    )


def pss_mib(master: int) -> dict:
    """PSS and RSS (MiB) of a gunicorn master and its workers."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = {"Pss": 0, "Rss": 0}
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, *rest = line.split()
            if key[:-1] in total:
                total[key[:-1]] += int(rest[0])
    return {k: round(v / 1024) for k, v in total.items()} | {"processes": len(pids)}


def wait_for_log(path: Path, text: str, seconds: int = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return
        time.sleep(1)
    raise RuntimeError(f"{path.name}: no “{text}” after {seconds} s")


def wait_for_port(port: int, seconds: int = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(2)
    raise RuntimeError(f"no server on port {port} after {seconds} s")


def request(port: int, method: str, path: str, headers: dict, body=None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    data = json.dumps(body) if body is not None else None
    conn.request(method, path, body=data, headers={**headers, "Host": "127.0.0.1",
                 "Content-Type": "application/json"})  # fmt: skip
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def tick_loops(python: str, env: dict, slots: list[str]) -> dict:
    """Two loops, each running `ganchao tick --at SLOT` for every slot; the two ticks of a
    slot start together (a barrier), as two hosts' cron would start them."""
    outcomes = {"ran": 0, "busy": 0, "failed_scans": 0, "error": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    spans: list[tuple[float, float]] = []
    per_slot: dict[str, int] = dict.fromkeys(slots, 0)

    def loop():
        for slot in slots:
            barrier.wait()
            began = time.monotonic()
            done = subprocess.run([python, "-c", CLI, "tick", "--at", slot],
                                  env=env, capture_output=True, text=True)  # fmt: skip
            ended = time.monotonic()
            with lock:
                if "另一个 tick 正在运行" in done.stderr:
                    outcomes["busy"] += 1
                elif done.returncode == 0 or "扫描失败" in done.stderr:
                    outcomes["ran"] += 1
                    outcomes["failed_scans"] += done.returncode != 0
                    per_slot[slot] += 1
                    spans.append((began, ended))
                else:
                    outcomes["error"] += 1
                    say(f"tick {slot}: {done.stderr.strip()[-300:]}")

    loops = [threading.Thread(target=loop) for _ in range(2)]
    for thread in loops:
        thread.start()
    for thread in loops:
        thread.join()
    spans.sort()
    outcomes["overlapping_runs"] = sum(
        1 for (a, b) in zip(spans, spans[1:], strict=False) if b[0] < a[1]
    )
    outcomes["runs_per_slot"] = sorted(per_slot.values())
    return outcomes


def run_replica(context: dict) -> dict:
    database_url = context["database_url"]
    python = context.get("python") or sys.executable
    base = int(context.get("port_base", 18700))
    app_port, primary_port, replica_port = base, base + 1, base + 2
    result: dict = {}
    clusters: list[Cluster] = []
    servers: list[subprocess.Popen] = []
    data_dir = Path(tempfile.mkdtemp(prefix="gc-replica-data-"))
    try:
        why_not = replication_allowed(database_url)
        if why_not is None:
            primary_url = database_url
            result["primary"] = "the benchmark's cluster (it admits replication)"
        else:
            say(f"the benchmark's PostgreSQL does not admit a replica ({why_not}); the "
                "benchmark changes no server settings: copying the database into a private "
                f"primary on port {primary_port}")  # fmt: skip
            began = time.monotonic()
            primary, primary_url = private_primary(database_url, primary_port)
            clusters.append(primary)
            result["primary"] = (
                f"private primary on :{primary_port} ({why_not} on the benchmark's cluster); "
                f"{psql(primary_url, 'SELECT pg_size_pretty(pg_database_size(current_database()))')}"
                f" copied in {time.monotonic() - began:.0f} s"
            )
        say(f"pg_basebackup -R → replica on port {replica_port}")
        replica = make_replica(primary_url, replica_port)
        clusters.append(replica)
        replica_url = with_port(primary_url, replica_port)
        assert psql(replica_url, "SELECT pg_is_in_recovery()") == "t"
        result["replica"] = f"streaming replica on :{replica_port} (pg_is_in_recovery = t)"

        shutil.copytree(context["data_dir"], data_dir, dirs_exist_ok=True)
        env = {**os.environ, **context.get("env", {}), "DATABASE_URL": primary_url,
               "DATABASE_REPLICA_URL": replica_url, "GANCHAO_DATA_DIR": str(data_dir)}  # fmt: skip
        env.pop("DJANGO_SETTINGS_MODULE", None)
        say(f"two `ganchao serve --reuse-port` on :{app_port}")
        for n in range(2):
            log = open(data_dir / f"serve{n}.log", "w")  # noqa: SIM115 (closed with the process)
            servers.append(
                subprocess.Popen(
                    [
                        python,
                        "-c",
                        CLI,
                        "serve",
                        "--bind",
                        f"127.0.0.1:{app_port}",
                        "--workers",
                        "2",
                        "--threads",
                        "4",
                        "--reuse-port",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
            wait_for_log(data_dir / f"serve{n}.log", "Booting worker")  # one after the other
        wait_for_port(app_port)
        result["servers"] = (
            f"{sum(s.poll() is None for s in servers)} of 2 `ganchao serve` running on "
            f":{app_port} (SO_REUSEPORT)"
        )

        user = psql(primary_url, "SELECT username FROM orgs_user WHERE username LIKE "
                    "'%office%' AND is_active ORDER BY id LIMIT 1")  # fmt: skip
        token = subprocess.run([python, "-c", CLI, "token", "create", user], env=env,
                               capture_output=True, text=True, check=True).stdout.split()[-1]  # fmt: skip
        bearer = {"Authorization": f"Bearer {token}"}
        time.sleep(2)  # the token row reaches the replica

        reads = ["/api/v1/units?limit=25", "/api/v1/plans", "/api/v1/statuses?limit=25"]
        before = {"primary": xacts(primary_url), "replica": xacts(replica_url)}
        statuses: dict[int, int] = {}
        for i in range(60):
            status = request(app_port, "GET", reads[i % len(reads)], bearer)
            statuses[status] = statuses.get(status, 0) + 1
        after = {"primary": xacts(primary_url), "replica": xacts(replica_url)}
        result["reads"] = (
            f"60 GETs through :{app_port} → answers {statuses}; transactions: replica "
            f"+{after['replica'] - before['replica']}, primary "
            f"+{after['primary'] - before['primary']} (the API token checks; each count also includes its own query)"
        )
        owner, year = psql(
            primary_url,
            "SELECT p.code, (SELECT min(y) FROM generate_series(2030, 2100) y WHERE NOT EXISTS "
            "(SELECT 1 FROM goals_plan g WHERE g.owner_id = p.id AND g.year = y)) "
            "FROM orgs_user us JOIN orgs_unit u ON u.id = us.unit_id "
            f"JOIN orgs_unit p ON p.id = u.parent_id WHERE us.username = '{user}'",
        ).split("|")
        before = {"primary": xacts(primary_url), "replica": xacts(replica_url)}
        written = request(
            app_port, "POST", "/api/v1/plans", bearer, {"year": int(year), "owner_code": owner}
        )
        after = {"primary": xacts(primary_url), "replica": xacts(replica_url)}
        time.sleep(1)  # streaming: the replica replays the primary's WAL a moment later
        on_replica = psql(replica_url, f"SELECT count(*) FROM goals_plan WHERE year = {year}")
        result["write"] = (
            f"POST /api/v1/plans → {written}; transactions: primary "
            f"+{after['primary'] - before['primary']}, replica "
            f"+{after['replica'] - before['replica']}; the new plan reached the replica by "
            f"streaming: {on_replica} row"
        )
        result["memory"] = "; ".join(
            f"serve {n + 1}: PSS {m['Pss']} MiB, RSS {m['Rss']} MiB ({m['processes']} processes)"
            for n, m in enumerate(pss_mib(s.pid) for s in servers)
        )

        slots = ["2026-06-01T09:00:00", "2026-06-01T09:01:00"]
        say(f"two `ganchao tick` loops over {len(slots)} minute slots at once")
        ticks = tick_loops(python, env, slots)
        result["ticks"] = (
            f"two loops × {len(slots)} slots, started together: {ticks['ran']} ran "
            f"({ticks['failed_scans']} with a failed scan), {ticks['busy']} TickBusy, "
            f"{ticks['error']} errors; runs per slot {ticks['runs_per_slot']}; "
            f"overlapping runs {ticks['overlapping_runs']}"
        )
    except Exception as exc:  # a demonstration: say what failed and clean up
        result["error"] = f"{type(exc).__name__}: {exc}"
        stderr = getattr(exc, "stderr", None)
        if stderr:
            result["error"] += f" — {stderr.strip()[-400:]}"
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        for cluster in reversed(clusters):
            cluster.stop()
            shutil.rmtree(cluster.folder, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)
    for key, value in result.items():
        say(f"{key}: {value}")
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--data-dir", default=os.environ.get("GANCHAO_DATA_DIR", ""))
    parser.add_argument("--port-base", type=int, default=18700)
    args = parser.parse_args()
    python = ROOT / ".venv" / "bin" / "python"
    outcome = run_replica({"database_url": args.database_url, "data_dir": args.data_dir,
                           "python": str(python if python.exists() else sys.executable),
                           "port_base": args.port_base})  # fmt: skip
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
