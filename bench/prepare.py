"""Step run by bench/run inside Django, against the benchmark database: picks the users of the
measured rows, gives them an API token or a signed-in session (made server-side, as after a
completed login with its second factor: django.contrib.auth's login through the test client's
force_login), requests every measured URL once through the test client to capture the SELECT
statements it runs for its data (the floors replay them), and prints the targets as JSON:

    {"rows": {key: {"path", "headers", "status", "floor": [sql, …]}}, "users": {…}}

    python bench/prepare.py [--city C01]
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Look-ups that belong to the request's session, authentication, second factor, lockout,
# language and audit, not to the rows the endpoint returns: a bare view does none of them.
NOT_DATA = re.compile(
    r'FROM "(django_session|otp_|axes_|accounts_|audit_|django_content_type|auth_)', re.I
)
# The signed-in user (with unit and leader) loaded by the session or the bearer token.
USER_BY_ID = re.compile(
    r'^SELECT "orgs_user"\."id", "orgs_user"\."password".*"orgs_user"\."id" = \d+', re.S
)
TOKEN_NAME = "bench/run"


def data_statements(queries: list[dict]) -> list[str]:
    """The SELECTs of a captured request that fetch its data, in order."""
    kept = []
    for query in queries:
        sql = query["sql"].strip()
        if not sql.upper().startswith(("SELECT", "WITH")):
            continue
        if NOT_DATA.search(sql) or USER_BY_ID.search(sql):
            continue
        kept.append(sql)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", default="C01")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ganchao.accounts.services import token_create
    from ganchao.goals.models import Assignment
    from ganchao.orgs.models import User

    city = args.city.lower()
    street = f"{args.city}T01"
    names = {
        "leader": f"{city}_leader04",  # a vice-mayor (leaders 4… of a full city)
        "liaison": f"{city}_t01_liaison",  # the first street's liaison
        "office": f"{city}_office1",
    }
    users = {role: User.objects.get(username=name) for role, name in names.items()}

    def token(user) -> str:
        with transaction.atomic():
            return token_create(actor=user, user=user, name=TOKEN_NAME)[1]

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    bearer = {role: {"Authorization": f"Bearer {token(u)}"} for role, u in users.items()}
    cookie = {
        role: {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session(u)}"}
        for role, u in users.items()
    }
    assignment = (
        Assignment.objects.filter(unit__code=street)
        .annotate(n=Count("reports"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    rows = {
        "statuses_red": ("/api/v1/statuses?status=red&limit=25", bearer["leader"]),
        "statuses_unit": (f"/api/v1/statuses?unit={street}&limit=25", bearer["liaison"]),
        "reports": (f"/api/v1/assignments/{assignment}/reports?limit=25", bearer["liaison"]),
        "workbench_liaison": ("/goals/workbench/", cookie["liaison"]),
        "workbench_leader": ("/goals/workbench/", cookie["leader"]),
        "home_liaison": ("/", cookie["liaison"]),
        "tree_office": ("/goals/tree/", cookie["office"]),
    }
    out = {}
    for key, (path, headers) in rows.items():
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        extra = {}
        for name, value in headers.items():
            if name == "Cookie":
                client.cookies.load(value)
            else:
                extra["HTTP_" + name.upper().replace("-", "_")] = value
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **extra)
        out[key] = {
            "path": path,
            "headers": headers,
            "status": response.status_code,
            "queries": len(captured.captured_queries),
            "floor": data_statements(captured.captured_queries),
        }
    print(
        "BENCH "
        + json.dumps({"rows": out, "users": names, "assignment": assignment}, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
