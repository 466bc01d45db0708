"""schemathesis over the whole API (issue 12 item 8): every operation of the OpenAPI document,
a few generated requests each, with an office token and with a town liaison's token, on a seeded
demo town. 0 server errors, and every response matches what the document declares (its status
code and its body's schema).

Bounded so that it runs in the normal test command: a handful of deterministic examples per
operation (derandomized, no shrinking). Two operations are left out: POST /auth/token (random
passwords would lock the test accounts out) and POST /auth/tokens/{token_id}/revoke (it would
revoke the token the run is using: the API's logout).
"""

import datetime as dt
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api as ninja_api
from config.wsgi import application
from ganchao.accounts.services import token_create

EXAMPLES_PER_OPERATION = 2
EXCLUDED = {
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/tokens/{token_id}/revoke"),
}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
AS_OF = dt.date(2026, 11, 20)
BASE_URL = "http://testserver"


# Each test runs in a savepoint of the module's transaction (what one test's requests write is
# gone before the next), and marks the database as used so that pytest-django creates it; the
# module stays on one xdist worker (scripts/test's --dist loadgroup), so the town is seeded once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker, demo_snapshots, tmp_path_factory):
    """The demo town (a city with one town's villages, plans, matters, schemes, decisions and
    enforcement cases), seeded once for the worker and restored for the module in a transaction
    rolled back after it."""
    with (
        demo_snapshots.private_folders(tmp_path_factory.mktemp("schemathesis")),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF)
        yield
        transaction.set_rollback(True)


@contextmanager
def _in_the_tests_transaction():
    """Requests served by the WSGI application in this thread share the test's connection and
    transaction, as under Django's test client: the connection is not closed when a request
    starts or ends (that would end the open transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _describe(case, error) -> str:
    found = " / ".join(
        str(e).strip().splitlines()[0] for e in getattr(error, "exceptions", [error])
    )
    return f"{case.operation.label}: {found[:300]}\n    {case.as_curl_command()[:400]}"


def _fuzz(username: str, statuses: Counter, only: str = "") -> list[str]:
    """Every operation (or those of the path `only`) for one account; the failures found,
    described; `statuses` counts the answers by status code."""
    _token, key = token_create(actor=None, user=_user(username))
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        if only and operation.path != only:
            continue

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            try:
                # Under the WSGI transport a server error is raised by the call itself. What
                # the request hands to on_commit runs when its work is done, as after a commit
                # (an error there counts as the request's failure).
                with TestCase.captureOnCommitCallbacks(execute=True):
                    response = case.call(app=application, base_url=BASE_URL, headers=headers)
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)
            # schemathesis reports failures as a BaseExceptionGroup: each one is recorded.
            except (Exception, BaseExceptionGroup) as error:
                failures.append(_describe(case, error))

        with _in_the_tests_transaction():
            check()
    return failures


@pytest.mark.parametrize("username", ["office1", "t01_liaison"])
def test_the_whole_api_answers_within_its_document(town, username):
    statuses = Counter()
    failures = _fuzz(username, statuses)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    # The run reached the views: the token worked and many answers carry data.
    assert statuses[401] == 0, statuses
    assert statuses[200] > sum(statuses.values()) / 8, statuses


def test_the_run_would_see_a_server_error_or_a_body_off_its_schema(town, monkeypatch):
    """The checks bite: a broken view and a body that breaks its schema are both reported."""
    from ganchao.orgs import selectors

    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "leader_rows", broken)
    failures = _fuzz("office1", Counter(), only="/api/v1/leaders")
    assert failures and "Server error" in failures[0], failures
