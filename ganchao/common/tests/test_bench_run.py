"""The pure parts of bench/run (issue 13): wrk's report read into numbers, the ratio of a
figure to its floor judged against its target, the table and the JSON, the choice of rows and
which captured statements a floor replays. No timing is measured here."""

import json

import pytest

from bench import report, wrk
from bench.prepare import data_statements
from bench.province import select_rows
from bench.report import Row, Target

WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:8000/api/v1/statuses?status=red&limit=25
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.50ms    4.33ms   1.20s    80.00%
    Req/Sec   372.12     50.11   450.00     70.00%
  Latency Distribution
     50%   20.11ms
     75%  900.00us
     90%   25.00ms
     99%    1.05s
  11163 requests in 15.02s, 3.21MB read
  Socket errors: connect 0, read 2, write 1, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:    743.21
Transfer/sec:    219.01KB
BENCH_NON200 7
"""


def test_wrk_report_becomes_numbers_in_milliseconds():
    figures = wrk.parse(WRK_OUTPUT)
    assert figures["rps"] == 743.21
    assert figures["requests"] == 11163
    assert figures["seconds"] == pytest.approx(15.02)
    assert figures["p50_ms"] == pytest.approx(20.11)
    assert figures["p75_ms"] == pytest.approx(0.9)
    assert figures["p99_ms"] == pytest.approx(1050)
    assert figures["avg_ms"] == pytest.approx(21.5)
    assert figures["max_ms"] == pytest.approx(1200)
    assert (figures["errors"], figures["timeouts"]) == (3, 4)
    # The script's count (every answer other than 200, redirects included) wins over wrk's.
    assert figures["non200"] == 7


def test_without_the_script_line_wrk_own_error_count_is_used():
    output = WRK_OUTPUT.replace("BENCH_NON200 7\n", "")
    assert wrk.parse(output)["non200"] == 5
    clean = "\n".join(
        line for line in output.splitlines() if "Socket" not in line and "Non-2xx" not in line
    )
    figures = wrk.parse(clean)
    assert (figures["non200"], figures["errors"], figures["timeouts"]) == (0, 0, 0)


def test_an_empty_report_reads_as_nothing_measured():
    figures = wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")
    assert figures["requests"] == 0 and figures["rps"] == 0.0 and figures["p99_ms"] is None


def test_lua_script_sends_the_credentials_and_counts_answers_other_than_200():
    script = wrk.lua_script({"Authorization": 'Bearer a"b', "Cookie": "sessionid=x"})
    assert 'wrk.headers["Authorization"] = "Bearer a\\"b"' in script
    assert 'wrk.headers["Cookie"] = "sessionid=x"' in script
    assert "status ~= 200" in script and "BENCH_NON200" in script


def endpoint(measured, floor, **extra):
    target = Target(min_ratio=0.5, max_p99_ms=100)
    return Row("statuses_red", "statuses", "rps", measured, floor, target, extra)


def test_endpoint_meets_its_target_at_half_the_floor_within_the_latency_limit():
    row = endpoint(60.0, 100.0, p99_ms=80.0)
    assert row.ratio == pytest.approx(0.6)
    assert row.met is True and row.failures() == []
    assert endpoint(40.0, 100.0, p99_ms=80.0).failures() == ["ratio"]
    assert endpoint(60.0, 100.0, p99_ms=180.0).failures() == ["p99"]
    assert endpoint(60.0, 100.0).failures() == ["p99"]  # no latency measured: not met
    # Nothing answered within the run: wrk's zero percentiles do not meet a latency limit.
    assert endpoint(60.0, 100.0, p99_ms=0.0, requests=0).failures() == ["p99"]


def test_errors_or_redirects_fail_a_row_whatever_its_speed():
    assert endpoint(90.0, 100.0, p99_ms=10.0, non200=3).failures() == ["errors"]
    assert endpoint(90.0, 100.0, p99_ms=10.0, timeouts=1).met is False


def test_duration_ratio_is_measured_over_floor_and_capped():
    target = Target(max_ratio=3, max_value=10)
    assert Row("recompute", "r", "seconds", 6.0, 2.5, target).met is True
    assert Row("recompute", "r", "seconds", 9.0, 2.5, target).failures() == ["ratio"]
    assert Row("recompute", "r", "seconds", 12.0, 6.0, target).failures() == ["value"]
    peak = Row("import", "i", "seconds", 8.0, None, Target(max_value=10, max_peak_mb=300))
    peak.extra["peak_mb"] = 625
    assert peak.ratio is None and peak.failures() == ["peak"]


def test_rows_without_target_or_without_figure():
    assert Row("audit", "a", "seconds", 30.0, 10.0).met is None
    broken = Row("tick", "t", "seconds", target=Target(max_value=5), error="failed: boom")
    assert broken.met is False and broken.failures() == ["not measured"]


def test_table_shows_figure_floor_ratio_target_and_verdict():
    rows = [
        endpoint(60.0, 100.0, p99_ms=80.0, p50_ms=20.0),
        Row("tick", "tick", "seconds", 57.0, None, Target(max_value=5)),
        Row("memory", "memory", "mib", 296.0, None, Target(max_value=250)),
        Row("replica:x", "x", "info", extra={"text": "two app processes"}),
    ]
    lines = report.table(rows).splitlines()
    assert [c.strip() for c in lines[0].split("|")] == [
        "what", "measured", "floor", "ratio", "target", "met?"
    ]  # fmt: skip
    cells = [[c.strip() for c in line.split("|")] for line in lines[2:]]
    assert cells[0] == [
        "statuses", "60.0 req/s (p50 20ms, p99 80ms)", "100 req/s", "60%",
        "≥50% of floor, p99≤100ms", "yes",
    ]  # fmt: skip
    assert cells[1][1:] == ["57.00 s", "—", "—", "≤5 s", "NO (value)"]
    assert cells[2][1] == "296 MiB" and cells[2][4] == "≤250 MiB"
    assert cells[3][1] == "two app processes" and cells[3][5] == "—"


def test_table_shows_latency_alone_and_the_floors_own_latency():
    row = endpoint(60.0, 100.0, p99_ms=180.0, p50_ms=150.0)
    row.extra |= {
        "alone_p50_ms": 41.0, "floor_p50_ms": 90.0, "floor_p99_ms": 120.0,
        "floor_alone_p50_ms": 12.0,
    }  # fmt: skip
    cells = [c.strip() for c in report.table([row]).splitlines()[2].split("|")]
    assert cells[1] == "60.0 req/s (p50 150ms, p99 180ms, alone p50 41ms)"
    assert cells[2] == "100 req/s (p50 90ms, p99 120ms, alone p50 12ms)"


def test_json_holds_the_context_and_every_row(tmp_path):
    path = tmp_path / "bench.json"
    rows = [endpoint(40.0, 100.0, p99_ms=80.0), Row("audit", "audit", "seconds", 3.0, 1.5)]
    report.write_json(path, rows, database="ganchao_bench", analyze=True, load_start=[1.0])
    data = json.loads(path.read_text("utf-8"))
    assert data["database"] == "ganchao_bench" and data["analyze"] is True
    first, second = data["rows"]
    assert first["ratio"] == pytest.approx(0.4) and first["met"] is False
    assert first["missed"] == ["ratio"] and first["p99_ms"] == 80.0
    assert second["ratio"] == pytest.approx(2.0) and second["met"] is None


def test_only_accepts_rows_and_groups():
    assert select_rows("tick,statuses_red,tick") == ["tick", "statuses_red"]
    assert select_rows("timers")[0] == "memory" and "workbench_leader" in select_rows("endpoints")
    assert "files" in select_rows("")
    with pytest.raises(SystemExit):
        select_rows("statuses")


def test_floor_replays_the_data_queries_not_the_session_or_user_look_ups():
    queries = [
        {"sql": 'SELECT "django_session"."session_data" FROM "django_session" WHERE x'},
        {"sql": 'SELECT "orgs_user"."id", "orgs_user"."password", "orgs_unit"."id" FROM '
                '"orgs_user" LEFT OUTER JOIN "orgs_unit" ON (1) WHERE "orgs_user"."id" = 9 LIMIT 1'},
        {"sql": 'SELECT "accounts_apitoken"."id" FROM "accounts_apitoken" WHERE k'},
        {"sql": 'SELECT "orgs_rolegrant"."role" FROM "orgs_rolegrant" WHERE user_id = 9'},
        {"sql": 'UPDATE "django_session" SET x = 1'},
        {"sql": 'SELECT COUNT(*) FROM "goals_assignment" WHERE "goals_assignment"."status" = \'red\''},
    ]  # fmt: skip
    assert data_statements(queries) == [
        'SELECT "orgs_rolegrant"."role" FROM "orgs_rolegrant" WHERE user_id = 9',
        'SELECT COUNT(*) FROM "goals_assignment" WHERE "goals_assignment"."status" = \'red\'',
    ]
