"""Check, through a running server, that each city's leaders and liaisons see their plan (issue 9
item 3) and time what they ask for; then, with --draft-file, that a draft plan adds nothing.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ganchao_province \\
        .venv/bin/ganchao seed --scale province --reset
    DATABASE_URL=... .venv/bin/python manage.py runserver 127.0.0.1:18932 --noreload &
    DATABASE_URL=... .venv/bin/python bench/scope_province.py --base http://127.0.0.1:18932

Per city (C01 … C16) it signs in, as the 市长 (leader02, a principal leader), a vice-mayor
(leader04) and the first street's liaison (t01_liaison): API tokens from `ganchao token create`,
pages through the login form with the demo password. It prints, per user, the plans of
/api/v1/plans, the size of /plans/{id}/tree, the cockpit's item count (or the unit summary), the
tree page, and /api/v1/statuses counts, with the median time of each request. `--lists FILE`
writes each liaison's and leader's list counts as JSON, so that two runs (before and after a
draft plan is imported) can be compared with `--compare OLD.json`.
"""

import argparse
import html
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Ganchao@2026"
NO_PLAN = "还没有年度计划"


class Session:
    """One user: a bearer token for the API and a signed-in cookie session for the pages."""

    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.token = _token(username)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.times: dict[str, list[float]] = {}
        self._login()

    def _login(self) -> None:
        page = self.opener.open(f"{self.base}/accounts/login/").read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": self.username, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/accounts/login/", data, headers={"Referer": f"{self.base}/"}
        )
        self.opener.open(request).read()

    def _timed(self, label: str, call):
        started = time.perf_counter()
        result = call()
        self.times.setdefault(label, []).append(time.perf_counter() - started)
        return result

    def api(self, label: str, path: str) -> tuple[int, object]:
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}", headers={"Authorization": f"Bearer {self.token}"}
        )

        def call():
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, None

        return self._timed(label, call)

    def page(self, label: str, path: str) -> tuple[int, str]:
        def call():
            try:
                with self.opener.open(f"{self.base}{path}") as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, ""

        return self._timed(label, call)


def _token(username: str) -> str:
    done = subprocess.run(
        [str(ROOT / ".venv/bin/ganchao"), "token", "create", username],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    return done.stdout.strip().splitlines()[-1].strip()


def _cockpit_total(text: str) -> int | None:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', text)
    if not found:
        return None
    return sum(s["value"] for s in json.loads(html.unescape(found.group(1)))["status"])


def check_user(base: str, username: str, city: str, unit: str | None, repeat: int) -> dict:
    user = Session(base, username)
    row: dict = {"user": username}
    for _ in range(repeat):
        status, plans = user.api("plans", "/plans")
        row["plans"] = [p["owner_code"] for p in plans["items"]] if status == 200 else status
        own = next((p for p in (plans or {}).get("items", []) if p["owner_code"] == city), None)
        row["own_plan"] = own and own["id"]
        if own:
            status, nodes = user.api("tree_api", f"/plans/{own['id']}/tree")
            row["tree_api"] = status if status != 200 else _count(nodes)
        status, text = user.page("home", "/")
        row["home"] = status
        row["home_no_plan"] = NO_PLAN in text
        row["cockpit_items"] = _cockpit_total(text)
        status, text = user.page("tree_page", "/goals/tree/")
        row["tree_page"] = status
        row["tree_no_plan"] = NO_PLAN in text
        _, statuses = user.api("statuses", "/statuses?limit=1")
        row["statuses"] = statuses["count"]
        if unit:
            _, statuses = user.api("statuses_unit", f"/statuses?limit=1&unit={unit}")
            row["statuses_unit"] = statuses["count"]
        status, text = user.page("workbench", "/goals/workbench/")
        row["workbench"] = status
    row["ms"] = {k: round(statistics.median(v) * 1000) for k, v in user.times.items()}
    return row


def _count(nodes) -> int:
    return sum(1 + _count(n["children"]) for n in nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:18932")
    parser.add_argument("--cities", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lists", help="write the rows as JSON to this file")
    parser.add_argument("--compare", help="a JSON file of an earlier run: print what changed")
    options = parser.parse_args()
    rows = []
    for number in range(1, options.cities + 1):
        city = f"C{number:02d}"
        prefix = city.lower()
        for username, unit in (
            (f"{prefix}_leader02", None),
            (f"{prefix}_leader04", None),
            (f"{prefix}_t01_liaison", f"{city}T01"),
        ):
            row = check_user(options.base, username, city, unit, options.repeat)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    bad = [
        r["user"]
        for r in rows
        if not r["own_plan"] or r["home_no_plan"] or r["tree_no_plan"] or r["tree_page"] != 200
    ]
    print(f"{len(rows)} users checked; without their city's plan: {bad or 'none'}")
    if options.lists:
        Path(options.lists).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if options.compare:
        before = {r["user"]: r for r in json.loads(Path(options.compare).read_text())}
        keys = ("plans", "statuses", "statuses_unit", "cockpit_items", "tree_api")
        changed = [
            (r["user"], k, before[r["user"]].get(k), r.get(k))
            for r in rows
            for k in keys
            if r["user"] in before and before[r["user"]].get(k) != r.get(k)
        ]
        print(f"changed since {options.compare}: {changed or 'nothing'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
