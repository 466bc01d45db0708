"""`ganchao seed` writes the 沉到一线 demo data (issue 14 item 5) through the services: a city's year
of problems from every source in every state, 200 enterprises with valid credit codes, their
commissioners, visits and appeals, 30 key projects (some blocked by open problems), and the
fiscal capacities and commitments; the pages open on it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import F
from django.test import Client

from ganchao.audit.verify import audit_verify
from ganchao.demodata.grassroots_writer import summary_lines
from ganchao.demodata.services import demo_seed
from ganchao.enterprises.choices import AppealState
from ganchao.enterprises.creditcode import errors
from ganchao.enterprises.models import Appeal, Commissioner, Enterprise, EnterpriseVisit
from ganchao.fiscal.choices import CommitmentState
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.orgs.choices import Role
from ganchao.orgs.models import User
from ganchao.problems.choices import PhotoStage, PlaceType, Severity, Source, State
from ganchao.problems.models import Problem, ProblemPhoto
from ganchao.projects import selectors as project_selectors
from ganchao.projects.choices import Health, StepState
from ganchao.projects.models import ApprovalStep, KeyProject

AS_OF = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.xdist_group("grassroots_seed")


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, demo_snapshots, tmp_path_factory):
    """The city scale seeded on the as-of day (the worker's one seed of it), restored once for
    the module and rolled back after it (each test runs in a savepoint inside it)."""
    with (
        demo_snapshots.private_folders(tmp_path_factory.mktemp("grassroots")),
        time_machine.travel(MOMENT, tick=True) as clock,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        result = demo_snapshots.restore(
            scale="city", seed=1, as_of=AS_OF, moment=MOMENT, clock=clock
        )
        # verified here: each test has its own data directory, without the seed's audit key
        result.verified = audit_verify()
        yield result
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_year_of_problems_from_every_source_in_every_state(city):
    problems = Problem.objects.all()
    assert set(problems.values_list("source", flat=True)) == set(Source.values)
    assert set(problems.values_list("place_type", flat=True)) == set(PlaceType.values)
    assert set(problems.values_list("severity", flat=True)) == set(Severity.values)
    assert set(problems.values_list("state", flat=True)) == set(State.values)
    found = problems.order_by("found_on").values_list("found_on", flat=True)
    assert (AS_OF - found.first()).days > 330 and (AS_OF - found.last()).days < 30
    assert problems.filter(legacy=True).exists()
    assert problems.filter(recurrence_count__gt=0, state=State.REOPENED).exists()
    assert problems.filter(state=State.OPEN, deadline__lt=AS_OF).exists()  # overdue
    for link in ("item", "matter", "case", "finding"):
        assert problems.filter(**{f"{link}__isnull": False}).exists(), link
    assert Appeal.objects.filter(problem__isnull=False).exists()
    # 销号 by the finder or the office, never by the owner unit, and with evidence
    closed = problems.filter(state=State.CLOSED)
    assert closed.count() > problems.count() // 4
    by_owner = closed.filter(closed_by__unit=F("owner_unit"))
    assert not by_owner.exclude(closed_by__role_grants__role=Role.OFFICE).exists()
    assert all(p.closed_at and p.closed_at.date() <= AS_OF for p in closed)
    assert ProblemPhoto.objects.filter(stage=PhotoStage.RECTIFIED).count() >= closed.count()
    assert city.grassroots.counts["problems"] == problems.count() >= 200
    assert summary_lines(city.grassroots)[0].startswith("  沉到一线")
    assert city.verified.ok, city.verified.problem


@pytest.mark.django_db
def test_200_enterprises_with_valid_codes_commissioners_visits_and_appeals(city):
    enterprises = Enterprise.objects.all()
    assert enterprises.count() == 200
    assert all(not errors(code) for code in enterprises.values_list("credit_code", flat=True))
    assert len(set(enterprises.values_list("town", flat=True))) > 10
    assert len(set(enterprises.values_list("sector", flat=True))) > 6
    assert len(set(enterprises.values_list("scale", flat=True))) == 4
    assert Commissioner.objects.count() >= 100 and EnterpriseVisit.objects.exists()
    appeals = Appeal.objects.all()
    assert set(appeals.values_list("state", flat=True)) == set(AppealState.values)
    now = MOMENT
    assert appeals.filter(state=AppealState.RECEIVED, acknowledge_due__lt=now).exists()
    assert appeals.filter(state=AppealState.ACKNOWLEDGED, plan_due__lt=now).exists()
    assert appeals.filter(state=AppealState.PLANNED, resolve_due__lt=now).exists()
    rated = appeals.filter(rating__isnull=False)
    assert rated.count() > 50 and not rated.exclude(state=AppealState.CLOSED).exists()
    assert appeals.order_by("received_at").first().received_at.date() < dt.date(2026, 1, 1)


@pytest.mark.django_db
def test_30_key_projects_some_lagging_some_blocked(city):
    assert KeyProject.objects.count() == 30
    assert set(ApprovalStep.objects.values_list("state", flat=True)) == set(StepState.values)
    office = User.objects.get(username="office1")
    healths = [row.health for row in project_selectors.project_rows(office, today=AS_OF)]
    assert {Health.LAGGING, Health.BLOCKED} <= set(healths)
    # a board a city would recognise: most projects on track, a few lagging or blocked
    assert healths.count(Health.BLOCKED) <= 8
    assert healths.count(Health.ON_TRACK) >= 10
    blocking = Problem.objects.filter(blocks_project=True, item__key_project__isnull=False)
    assert blocking.exclude(state=State.CLOSED).exists()
    assert KeyProject.objects.filter(leader__isnull=True).count() == 0


@pytest.mark.django_db
def test_fiscal_capacities_and_commitments(city):
    year = AS_OF.year
    assert (
        Capacity.objects.filter(year=year).count()
        == Capacity.objects.filter(year=year + 1).count()
        > 10
    )
    commitments = Commitment.objects.all()
    assert commitments.filter(kind="key_project", state=CommitmentState.EFFECTIVE).exists()
    over = commitments.get(state=CommitmentState.APPROVED)
    assert over.excess > 0 and over.reason and over.approver_id
    assert commitments.filter(
        state=CommitmentState.PENDING, future_budget=True, budget_year=year + 1
    ).exists()


@pytest.mark.django_db
def test_the_pages_open_on_the_demo_data(city):
    problem = Problem.objects.filter(state=State.CLOSED, photos__isnull=False).first()
    enterprise = Enterprise.objects.filter(appeals__isnull=False).first()
    appeal = Appeal.objects.filter(rating__isnull=False).first()
    project = KeyProject.objects.first()
    unit_year = Capacity.objects.order_by("pk").first()
    pages = {
        "office1": [
            "/",
            "/problems/",
            "/problems/?state=open&legacy=1",
            f"/problems/{problem.pk}/",
            "/enterprises/",
            f"/enterprises/{enterprise.pk}/",
            "/enterprises/appeals/",
            f"/enterprises/appeals/{appeal.pk}/",
            "/enterprises/scorecard/",
            "/projects/",
            "/projects/gantt/",
            f"/projects/{project.pk}/",
            "/fiscal/",
            "/fiscal/approvals/",
            f"/fiscal/units/{unit_year.unit_id}/{unit_year.year}/",
        ],
        "gxj_commissioner": ["/enterprises/desk/"],
        "leader01": ["/", "/projects/", "/problems/"],
        "t01_liaison": ["/problems/", "/enterprises/"],
    }
    for username, urls in pages.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)


@pytest.mark.django_db
def test_the_town_seed_is_smaller_and_the_same_for_the_same_seed():
    # reset: the module's city may still be loaded (rolled back after the module)
    with time_machine.travel(MOMENT, tick=True):
        first = demo_seed(scale="town", seed=1, as_of=AS_OF, reset=True).grassroots
        assert first.counts["key_projects"] < 30 and first.counts["enterprises"] < 200
        assert set(first.states) == set(State.values)
        assert set(first.sources) == set(Source.values)
        again = demo_seed(scale="town", seed=1, as_of=AS_OF, reset=True).grassroots
    assert again.digest == first.digest
    assert again.counts == first.counts
    assert audit_verify().ok
