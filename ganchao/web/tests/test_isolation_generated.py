"""The cross-unit isolation suite, generated from the URL configuration and the OpenAPI document
(issue 12, acceptance line 2): a new page or endpoint is swept without anyone remembering to.

On the demo town (`ganchao seed --scale town`, seeded once for the module), the staff of one
unit — the finance bureau's liaison and head, the market regulator's head for the enforcement
pages, a village liaison — open every page pattern and every API path with an id, filled with
the ids of rows that belong to other units (isolation_map.py says which model an id names and
which rows are another unit's). The answer is 404 or 403 (405 for a page that only acts), never
2xx with the other unit's data, never 500; writes through the API with an empty body are never
2xx either. The system, security and audit administrators get the same on every business row
(they read no business data, LEGAL_RULES C5). Pages and lists without an id must not show the
titles of the other units' matters and cases. A pattern with an id the map does not cover fails
the suite by name.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ganchao.accounts.services import token_create
from ganchao.orgs.models import Unit
from ganchao.web.tests import isolation_map as imap

# Each test runs in a savepoint of the module's transaction (and marks the database as used, so
# that pytest-django creates it); the module stays on one xdist worker (scripts/test's
# --dist loadgroup), so the town is seeded once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("isolation_generated")]

AS_OF = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
# Unit staff who sweep (username in the demo town), and the administrators.
UNIT_ACTORS = ("czj_liaison", "czj_head", "scjg_head", "t01v001_liaison")
ADMIN_ACTORS = ("admin", "secadmin", "auditor")
PAGE_REFUSED = {403, 404, 405}
API_REFUSED = {403, 404, 405, 422}
WRITE_VERBS = ("post", "put", "patch", "delete")
# Pages that act rather than show, or leave the session.
SKIPPED_LIST_PAGE = re.compile(r"logout|i18n|^api/|export|download|\.xlsx$|template")
PLACEHOLDER = {"period": "2026-10", "day": "2026-12-01", "code": "X", "unit_code": "X"}


# --- the routes ------------------------------------------------------------------------------


def page_patterns():
    """(route, [(param, converter)]) for every URL pattern outside /api/."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern):
                yield route, [(n, _converter(route, n)) for n in _params(route)]

    return [(route, params) for route, params in walk(get_resolver(), "") if route[:4] != "api/"]


def _params(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _converter(route, name):
    match = re.search(rf"<(\w+):{name}>", route)
    return match.group(1) if match else "str"


def api_operations(client):
    """(path, verb, [params]) for every operation of the OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json()
    return [
        (path, verb, re.findall(r"\{(\w+)\}", path))
        for path, operations in document["paths"].items()
        for verb in operations
        if verb in ("get", *WRITE_VERBS)
    ]


def uncovered(routes):
    """Routes with an id parameter that no rule of the map covers."""
    missing = []
    for route, params in routes:
        for name, converter in params:
            if imap.is_id(name, converter) and imap.target_for(route, name) is None:
                missing.append(f"{route} {name}")
    return missing


# --- whose rows ------------------------------------------------------------------------------


def _subtree(unit):
    codes, frontier = {unit.pk}, [unit.pk]
    while frontier:
        frontier = list(Unit.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        codes.update(frontier)
    return codes


def _ancestors(unit):
    found = set()
    while unit.parent_id:
        found.add(unit.parent_id)
        unit = unit.parent
    return found


class Foreign:
    """The ids of rows that are not the actor's, per model label (cached)."""

    def __init__(self, user, admin):
        self.admin = admin
        self.own = _subtree(user.unit)
        self.above = _ancestors(user.unit)
        self.cache = {}

    def ids(self, label):
        if label not in self.cache:
            self.cache[label] = self._ids(label)
        return self.cache[label]

    def _ids(self, label):
        return list(self.rows(label).order_by("pk").values_list("pk", flat=True)[:3])

    def rows(self, label):
        model = apps.get_model(label)
        if self.admin:
            return model.objects.none() if label in imap.ADMIN_READABLE else model.objects.all()
        if label not in imap.UNIT_SCOPED:
            return model.objects.none()
        owner, *others = imap.UNIT_SCOPED[label]
        rows = model.objects.exclude(**{f"{owner}__isnull": True})
        rows = rows.exclude(**{f"{owner}__in": self.own | self.above})
        for path in others:
            rows = rows.exclude(**{f"{path}__in": self.own})
        return rows.distinct()


def _parent_value(child_label, child_pk, parent_label):
    """The id of the parent row a child row hangs from (a feedback's matter), if any."""
    child = apps.get_model(child_label)
    parent = apps.get_model(parent_label)
    for field in child._meta.concrete_fields:
        if getattr(field, "related_model", None) is parent:
            return child.objects.filter(pk=child_pk).values_list(field.attname, flat=True)[0]
    return None


def fill(route, params, foreign, style):
    """The addresses of `route` with its innermost id set to another unit's row and the outer
    ids to that row's parents; [] when the model has no such row for this actor."""
    ids = [(n, c) for n, c in params if imap.is_id(n, c)]
    targets = {n: imap.target_for(route, n) for n, _c in ids}
    if imap.PUBLIC_ROUTE.search(route) or any(
        isinstance(t, imap.NotAnObject) for t in targets.values()
    ):
        return []
    inner_name = ids[-1][0]
    inner_label = targets[inner_name]
    urls = []
    for pk in foreign.ids(inner_label)[:1]:
        values = {inner_name: pk}
        for name, _c in ids[:-1]:
            value = _parent_value(inner_label, pk, targets[name])
            if value is None:
                options = foreign.ids(targets[name]) or [1]
                value = options[0]
            values[name] = value
        for name, _c in params:
            values.setdefault(name, PLACEHOLDER.get(name, "x"))
        urls.append((_address(route, values, style), inner_label, pk))
    return urls


def _address(route, values, style):
    if style == "page":
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), route)


# --- the seeded town and its clients ----------------------------------------------------------


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker, demo_snapshots, tmp_path_factory):
    """The demo town (the worker's one seed of it), restored once in a transaction rolled back
    after the module."""
    with (
        demo_snapshots.private_folders(tmp_path_factory.mktemp("isolation")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with time_machine.travel(MOMENT, tick=True) as clock:
            demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=MOMENT, clock=clock)
            _add_what_the_demo_lacks()
        yield {u.username: u for u in get_user_model().objects.select_related("unit")}
        transaction.set_rollback(True)


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _add_what_the_demo_lacks():
    """The demo town has no evidence files, inbox messages or appeals: every staffed unit gets
    one of each, through the services, so that their pages and endpoints are swept too."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ganchao.assessment.models import Appeal, Result
    from ganchao.assessment.selectors_appeals import unit_row
    from ganchao.assessment.services_appeals import appeal_submit
    from ganchao.goals.models import ProgressReport
    from ganchao.goals.services_reports import EDITABLE, evidence_add
    from ganchao.notifications.services import notification_create

    users = get_user_model().objects.filter(username__endswith="_liaison")
    for user in users.select_related("unit"):
        report = ProgressReport.objects.filter(
            assignment__unit=user.unit, state__in=EDITABLE
        ).first()
        if report is not None:
            upload = SimpleUploadedFile(f"{user.unit.code}佐证.pdf", PDF, "application/pdf")
            evidence_add(actor=user, report=report, upload=upload)
        notification_create(users=[user], title=f"{user.unit.name}的待办提醒")
        for result in Result.objects.order_by("-period", "-result_revision"):
            row = unit_row(result, user.unit.code)
            if row is not None:
                appeal_submit(
                    actor=user,
                    result=result,
                    unit=user.unit,
                    component_code=row["components"][0]["code"],
                    reason=f"{user.unit.name}对本期得分的申诉",
                    at=result.published_at + dt.timedelta(hours=1),
                )
                break
    assert Appeal.objects.values("unit").distinct().count() >= 2


def web_client(user):
    client = Client()
    client.force_login(user)
    return client


def api_client(user):
    _token, key = token_create(actor=None, user=user, name="isolation")
    return Client(headers={"Authorization": f"Bearer {key}"})


def _actors(town, names):
    return [(name, town[name], name in ADMIN_ACTORS) for name in names]


# --- the tests -------------------------------------------------------------------------------


def test_every_page_and_api_id_is_named_by_the_map(town, capsys):
    pages = page_patterns()
    operations = api_operations(Client())
    api_routes = {(path, tuple((p, "str") for p in params)) for path, _v, params in operations}
    with_ids = [r for r in pages if any(imap.is_id(n, c) for n, c in r[1])]
    api_with_ids = [r for r in api_routes if any(imap.is_id(n) for n, _c in r[1])]
    with capsys.disabled():
        print(
            f"\nisolation sweep: {len(pages)} page patterns ({len(with_ids)} with an id), "
            f"{len(operations)} API operations on {len({p for p, _v, _a in operations})} paths "
            f"({len(api_with_ids)} paths with an id)"
        )
    missing = uncovered(with_ids) + uncovered(sorted(api_routes))
    assert missing == [], "isolation_map.py has no rule for: " + "; ".join(missing)
    assert len(with_ids) > 150 and len(api_with_ids) > 150


def test_a_new_page_with_an_unmapped_id_fails_the_suite():
    assert uncovered([("goals/widgets/<int:pk>/", [("pk", "int")])]) == [
        "goals/widgets/<int:pk>/ pk"
    ]
    assert uncovered([("/api/v1/widgets/{widget_id}", [("widget_id", "str")])])
    assert uncovered([("assessment/schemes/<str:code>/", [("code", "str")])]) == []


@pytest.mark.parametrize("names", [UNIT_ACTORS, ADMIN_ACTORS], ids=["unit-staff", "admins"])
def test_no_page_opens_another_units_row(town, names, capsys):
    leaks, swept = [], 0
    routes = [r for r in page_patterns() if any(imap.is_id(n, c) for n, c in r[1])]
    for name, user, admin in _actors(town, names):
        client = web_client(user)
        foreign = Foreign(user, admin)
        for route, params in routes:
            for url, label, pk in fill(route, params, foreign, "page"):
                swept += 1
                # an action's page that answers a GET with a redirect to the row's page
                status = client.get(url, follow=True).status_code
                if status not in PAGE_REFUSED:
                    leaks.append(f"{name} GET {url} ({label} #{pk}) → {status}")
    with capsys.disabled():
        print(f"\npages swept for {'/'.join(names)}: {swept} requests")
    assert swept > 100
    assert leaks == []


@pytest.mark.parametrize("names", [UNIT_ACTORS, ADMIN_ACTORS], ids=["unit-staff", "admins"])
def test_no_api_operation_reads_or_writes_another_units_row(town, names, capsys):
    leaks, swept = [], 0
    operations = [op for op in api_operations(Client()) if any(imap.is_id(p) for p in op[2])]
    for name, user, admin in _actors(town, names):
        client = api_client(user)
        foreign = Foreign(user, admin)
        for path, verb, params in operations:
            for url, label, pk in fill(path, [(p, "str") for p in params], foreign, "api"):
                swept += 1
                if verb == "get":
                    status = client.get(url).status_code
                else:
                    status = getattr(client, verb)(url, {}, content_type="application/json")
                    status = status.status_code
                if status not in API_REFUSED:
                    leaks.append(f"{name} {verb.upper()} {url} ({label} #{pk}) → {status}")
    with capsys.disabled():
        print(f"\nAPI swept for {'/'.join(names)}: {swept} requests")
    assert swept > 100
    assert leaks == []


def _foreign_titles(user):
    """Strings only other units' rows carry: the titles of their matters and enforcement cases,
    their inbox messages and the names of their evidence files."""
    foreign = Foreign(user, admin=False)
    fields = {
        "supervision.Matter": "title",
        "enforcement.Case": "title",
        "notifications.Notification": "title",
        "goals.Evidence": "original_name",
    }
    titles, own = set(), set()
    for label, field in fields.items():
        theirs = foreign.rows(label)
        titles |= set(theirs.values_list(field, flat=True))
        mine = apps.get_model(label).objects.exclude(pk__in=theirs.values("pk"))
        own |= set(mine.values_list(field, flat=True))
    return sorted(t for t in titles - own if len(t) >= 6)


def test_no_list_shows_another_units_titles(town, capsys):
    leaks, swept = [], 0
    pages = [
        "/" + route
        for route, params in page_patterns()
        if not params
        and not SKIPPED_LIST_PAGE.search(route)
        and not imap.PUBLIC_ROUTE.search(route)
    ]
    lists = [
        path
        for path, verb, params in api_operations(Client())
        if verb == "get" and not params and not imap.PUBLIC_ROUTE.search(path)
    ]
    for name in ("czj_liaison", "czj_head", "scjg_head"):
        user = town[name]
        titles = _foreign_titles(user)
        assert titles, name
        web, api = web_client(user), api_client(user)
        for url, client in [(u, web) for u in pages] + [(u, api) for u in lists]:
            response = client.get(url)
            swept += 1
            if response.status_code >= 500:
                leaks.append(f"{name} GET {url} → {response.status_code}")
                continue
            if response.status_code != 200 or response.get("Content-Type", "")[:9] not in (
                "text/html",
                "applicatio",
            ):
                continue
            body = response.content.decode(errors="replace")
            shown = [t for t in titles if t in body]
            if shown:
                leaks.append(f"{name} GET {url} shows {shown[:3]}")
    with capsys.disabled():
        print(f"\nlists swept: {swept} requests")
    assert leaks == []
