"""`ganchao seed` writes the enforcement demo data (issue 11 item 8): agencies, officers and a
year of cases of the kinds the work mechanism names in every stage, through the services; and
no public page of the demo shows a person's full name, ID or phone number (DESIGN.md 3.13)."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ganchao.audit.verify import audit_verify
from ganchao.enforcement.choices import STAGE_ORDER, Stage, TaskKind, ViolationKind
from ganchao.enforcement.models import Case, ClockAlert, Officer, PublicationTask, PublicRecord
from ganchao.enforcement.selectors import case_facts

AS_OF = dt.date(2026, 11, 20)
pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/public/[^"#?]*)"')


@pytest.fixture
def seeded(demo_snapshots):
    """The town as `demo_seed` leaves it on the as-of day, restored from the worker's copy of
    that seed (ganchao/conftest.py `demo_snapshots`; the decisions' seed tests share it)."""
    moment = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True) as clock:
        yield demo_snapshots.restore(scale="town", seed=1, as_of=AS_OF, moment=moment, clock=clock)


def test_cases_in_every_stage_of_the_named_kinds_through_the_services(seeded):
    written = seeded.enforcement
    stages = set(Case.objects.values_list("stage", flat=True))
    assert stages == {*STAGE_ORDER, Stage.WITHDRAWN}
    kinds = set(Case.objects.values_list("violation", flat=True))
    assert {
        ViolationKind.ILLEGAL_LAND,
        ViolationKind.ILLEGAL_BUILDING,
        ViolationKind.ILLEGAL_MINING,
        ViolationKind.PRIVATE_WELL,
        ViolationKind.STREET_VENDING,
    } <= kinds
    assert written.counts["enforcement_cases"] == Case.objects.count()
    # every closed case passed the B6 gate, a major one through a passed legal review
    closed = Case.objects.filter(stage=Stage.CLOSED)
    assert closed.exists()
    major_closed = [c for c in closed if case_facts(c).major]
    assert major_closed and all(c.reviews.filter(state="passed").exists() for c in major_closed)
    assert PublicRecord.objects.filter(withdrawn_at__isnull=False).exists()  # B5
    assert PublicationTask.objects.filter(kind=TaskKind.WITHDRAW, state="done").exists()
    assert audit_verify().ok


def test_the_tick_escalates_the_demo_cases_overdue_clocks(seeded):
    call_command("tick", "--at", "2026-11-20T10:00:00+08:00", stdout=io.StringIO())
    assert ClockAlert.objects.filter(level=2).exists()


def test_no_public_page_shows_a_persons_name_id_or_phone(seeded):
    parties = seeded.enforcement.parties
    assert len(parties) >= 5
    secrets = [value for party in parties for value in party if value]
    client = Client()
    seen, queue, bodies = set(), ["/public/", "/public/enforcement/"], []
    while queue and len(seen) < 400:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        assert answer.status_code == 200, path
        body = answer.content.decode()
        bodies.append((path, body))
        queue += [href for href in HREF.findall(body) if href not in seen]
    for path in (
        "/api/v1/public/enforcement/decisions?page_size=50",
        "/api/v1/public/enforcement/withdrawals",
        "/api/v1/public/enforcement/matters",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        bodies.append((path, answer.content.decode("unicode_escape")))
    decision_pages = [
        p for p, _ in bodies if re.fullmatch(r"/public/enforcement/decisions/\d+/", p)
    ]
    assert len(decision_pages) >= 5
    for path, body in bodies:
        for secret in secrets:
            assert secret not in body, (path, secret)
    masked = {f"{name[0]}某" for name, _id, _phone in parties}
    assert any(mask in body for mask in masked for _path, body in bodies)


def test_an_officer_with_an_account_carries_the_name_the_account_signs_in_with(seeded):
    """scjg_officer signed in as one person and was listed on the agency and the cases as
    another; the reviewer's record read 李法审."""
    linked = Officer.objects.filter(user__isnull=False).select_related("user")
    assert linked.count() >= 3
    for officer in linked:
        assert officer.name == officer.user.full_name, officer.user.username


def test_a_cases_records_are_dated_on_the_days_of_its_steps(seeded):
    """Every 全过程记录 entry read the moment of the seed, though the case was filed months
    before; and 现场检查 still read 待完成 on a decided case."""
    closed = Case.objects.filter(stage=Stage.CLOSED).prefetch_related("records", "actions")
    assert closed
    for case in closed:
        days = [timezone.localtime(r.created_at).date() for r in case.records.all()]
        assert days and min(days) == case.filed_on, case.code
        assert len(set(days)) >= 3, case.code  # filed, investigated, decided … on their days
        assert days == sorted(days)
        assert all(a.completed_at for a in case.actions.all() if a.ended_at), case.code
