"""Shared set-up of the page and league tests: the worked example's towns with named users,
and three published quarters (Q1, Q2, Q3) so that rank changes and trends have history."""

import pytest

from ganchao.assessment import services
from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType

QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3")


class People:
    """The office, a city leader, 甲镇's liaison, 乙镇's liaison and an auditor."""

    def __init__(self, scenario):
        root = scenario.a.parent
        gov = make_unit("市政府办公室", UnitType.DEPARTMENT, root, code="C001")
        self.office = make_user("office", scenario.office_unit, Role.OFFICE)
        self.leader = make_user("leader", gov, Role.LEADER)
        self.liaison_a = make_user("town_a_liaison", scenario.a, Role.LIAISON)
        self.liaison_b = make_user("town_b_liaison", scenario.b, Role.LIAISON)
        self.auditor = make_user("auditor", gov, Role.AUDITOR)


def publish(scheme, *periods, actor=None):
    return [services.result_publish(actor=actor, scheme=scheme, period=p)[0] for p in periods]


@pytest.fixture
def people(scenario):
    return People(scenario)


@pytest.fixture
def quarters(scenario):
    """Q1: A 1, B 1, C 3; Q2: B 1, A 2, C 3 (veto); Q3: A 1, B 1, C 1 (no reports yet)."""
    return publish(scenario.scheme, *QUARTERS)
