"""wrk, the HTTP load generator (Debian package `wrk`): the Lua script that adds the
credentials and counts answers other than 200, and the parsing of its report into numbers.

wrk itself counts 3xx answers as successes; a benchmark of login redirects is worthless, so
the script counts every status other than 200 and prints the total as `BENCH_NON200 n`.
"""

import re

LUA = """-- written by bench/run
wrk.method = "GET"
{headers}
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non200 = 0
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("non200")
  end
  io.write(string.format("BENCH_NON200 %d\\n", total))
end
"""

_DURATION = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_NUMBER = r"([0-9.]+)(us|ms|s|m|h)"


def lua_script(headers: dict[str, str]) -> str:
    """The Lua script sending `headers` with every request."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = "\n".join(f"wrk.headers[{quoted(k)}] = {quoted(v)}" for k, v in headers.items())
    return LUA.format(headers=lines)


def milliseconds(value: str, unit: str) -> float:
    return float(value) * _DURATION[unit]


def parse(output: str) -> dict:
    """wrk's report (run with --latency and the script above) as numbers: requests, seconds,
    rps, p50_ms, p75_ms, p90_ms, p99_ms, avg_ms, max_ms, errors (socket errors), timeouts,
    non200 (answers other than 200, from the script; else wrk's non-2xx/3xx count)."""
    result: dict = {"errors": 0, "timeouts": 0, "non200": 0}
    for percent in ("50", "75", "90", "99"):
        found = re.search(rf"^\s*{percent}(?:\.0+)?%\s+{_NUMBER}", output, re.M)
        result[f"p{percent}_ms"] = milliseconds(*found.groups()) if found else None
    latency = re.search(rf"^\s*Latency\s+{_NUMBER}\s+{_NUMBER}\s+{_NUMBER}", output, re.M)
    if latency:
        numbers = latency.groups()
        result["avg_ms"] = milliseconds(numbers[0], numbers[1])
        result["max_ms"] = milliseconds(numbers[4], numbers[5])
    else:
        result["avg_ms"] = result["max_ms"] = None
    done = re.search(r"^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h)", output, re.M)
    result["requests"] = int(done.group(1)) if done else 0
    result["seconds"] = milliseconds(done.group(2), done.group(3)) / 1000 if done else 0.0
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M)
    result["rps"] = float(rate.group(1)) if rate else 0.0
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        connect, read, write, timeout = (int(n) for n in socket.groups())
        result["errors"] = connect + read + write
        result["timeouts"] = timeout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    mine = re.search(r"^BENCH_NON200 (\d+)", output, re.M)
    if mine:
        result["non200"] = int(mine.group(1))
    elif bad:
        result["non200"] = int(bad.group(1))
    return result
