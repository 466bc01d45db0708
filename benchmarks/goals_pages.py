"""Time the goal tree page (目标体系) and the home dashboard (驾驶舱) for an office user.

    ganchao seed --scale province --reset        # or any database holding a plan
    .venv/bin/python benchmarks/goals_pages.py --runs 20
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gc_bench \\
        .venv/bin/python benchmarks/goals_pages.py --runs 20

Uses the database of the settings (DATABASE_URL or the data folder's SQLite file). When the
database holds no plan, or with --synthetic, a large synthetic plan (a city of 60 units,
~300 items, ~1,500 assignments, ten months of monthly statuses) is written first with
bulk_create, inside a transaction that is rolled back at the end, so nothing stays behind.
Prints, per page, the median and 95th percentile in milliseconds and the number of queries.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Rollback(Exception):
    """Raised to undo the synthetic data."""


def synthetic_plan(year: int):
    """A city with 60 units, an office user and a plan of 30 goals × 9 items (~1,500
    assignments), with statuses and ten months of MonthlyStatus rows. Returns the office user."""
    from decimal import Decimal

    from ganchao.goals.choices import ItemType, PlanState, Role, Status
    from ganchao.goals.models import Assignment, Item, MonthlyStatus, Plan
    from ganchao.orgs.choices import Role as OrgRole
    from ganchao.orgs.choices import UnitType
    from ganchao.orgs.models import RoleGrant, Unit, User

    rng = random.Random(1)
    root = Unit.objects.create(code="BENCH", name="基准市", type=UnitType.CITY)
    root.path = Unit.path_for("", root.pk)
    root.save(update_fields=["path"])
    units = Unit.objects.bulk_create(
        Unit(
            code=f"BENCH{n:03d}",
            name=f"基准单位{n}",
            type=UnitType.DEPARTMENT,
            parent=root,
            depth=1,
        )
        for n in range(60)
    )
    for unit in units:
        unit.path = Unit.path_for(root.path, unit.pk)
    Unit.objects.bulk_update(units, ["path"])
    office = User.objects.create(username="bench_office", unit=units[0], must_change_password=False)
    RoleGrant.objects.create(user=office, role=OrgRole.OFFICE)
    plan = Plan.objects.create(owner=root, year=year, state=PlanState.ISSUED)
    statuses = [Status.GREEN] * 5 + [Status.YELLOW, Status.RED, Status.NOT_REPORTED, Status.DONE]
    items = []
    for goal_number in range(1, 31):
        code = str(goal_number)
        items.append(
            Item(
                plan=plan,
                code=code,
                sort_key=Item.sort_key_for(code),
                name=f"目标{code}",
                type=ItemType.GOAL,
                category="经济发展",
            )
        )
        for leaf in range(1, 10):
            code = f"{goal_number}.{leaf}"
            items.append(
                Item(
                    plan=plan,
                    code=code,
                    sort_key=Item.sort_key_for(code),
                    name=f"指标{code}",
                    type=ItemType.INDICATOR,
                    measure_unit="万元",
                    target=Decimal(1200),
                    status=rng.choice(statuses),
                    expected=Decimal(1000),
                    actual=Decimal(rng.randint(700, 1200)),
                )
            )
    Item.objects.bulk_create(items)
    goals = {i.code: i for i in items if i.type == ItemType.GOAL}
    for item in items:
        if item.type != ItemType.GOAL:
            item.parent = goals[item.code.split(".")[0]]
    Item.objects.bulk_update(items, ["parent"])
    assignments = []
    for item in (i for i in items if i.type != ItemType.GOAL):
        for n, unit in enumerate(rng.sample(units, 6)):
            role = Role.LEAD if n == 0 else (Role.RESPONSIBLE if n < 4 else Role.COOPERATING)
            status = item.status if n == 0 else (rng.choice(statuses) if n < 4 else "")
            assignments.append(Assignment(item=item, unit=unit, role=role, status=status))
    Assignment.objects.bulk_create(assignments)
    monthly = [
        MonthlyStatus(
            assignment=a,
            month=dt.date(year, m + 1, 1) - dt.timedelta(days=1),
            status=rng.choice(statuses),
            reported_on_time=rng.random() > 0.2,
        )
        for a in assignments
        if a.role != Role.COOPERATING
        for m in range(1, 11)
    ]
    MonthlyStatus.objects.bulk_create(monthly, batch_size=2000)
    print(
        f"synthetic plan: {len(items)} items, {len(assignments)} assignments, {len(monthly)} monthly statuses"
    )
    return office, plan


def office_user():
    from ganchao.orgs.choices import Role as OrgRole
    from ganchao.orgs.models import User

    return (
        User.objects.filter(role_grants__role=OrgRole.OFFICE, is_active=True).order_by("pk").first()
    )


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    timings = []
    for _n in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return {
        "median": statistics.median(timings),
        "p95": p95,
        "queries": len(captured),
        "bytes": len(response.content),
    }


def run(options) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from ganchao.goals.models import Assignment, Item, Plan
    from ganchao.goals.tree_selectors import plan_for_page

    settings.ALLOWED_HOSTS = ["*"]
    backend = connection.vendor
    print(
        f"backend: {backend}; python {sys.version.split()[0]}; {os.cpu_count()} cores; runs {options.runs}"
    )
    try:
        with transaction.atomic():
            user = office_user()
            if options.synthetic or not Plan.objects.exists() or user is None:
                user, plan = synthetic_plan(options.year)
            else:
                plan = plan_for_page(actor=user)
            items = Item.objects.filter(plan=plan).count()
            assignments = Assignment.objects.filter(item__plan=plan).count()
            print(
                f"plan {plan.pk} ({plan.owner.name} {plan.year}): {items} items, {assignments} assignments; user {user.username}"
            )
            client = Client()
            client.force_login(user)
            pages = {
                "tree": f"/goals/tree/?plan={plan.pk}",
                "tree?status=red": f"/goals/tree/?plan={plan.pk}&status=red",
                "dashboard": f"/?plan={plan.pk}",
                "leader view": f"/goals/leader/?plan={plan.pk}",
                "api tree": f"/api/v1/plans/{plan.pk}/tree",
                "api statuses": f"/api/v1/statuses?plan={plan.pk}&limit=100",
            }
            for name, url in pages.items():
                result = measure(client, url, options.runs)
                print(
                    f"{name:16s} median {result['median']:8.1f} ms   p95 {result['p95']:8.1f} ms   "
                    f"{result['queries']:3d} queries   {result['bytes'] // 1024} KiB"
                )
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--synthetic", action="store_true", help="always use a synthetic plan")
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    options = parser.parse_args()
    import django

    django.setup()
    run(options)


if __name__ == "__main__":
    main()
