"""The problem ledger's services: every transition and every refusal (DESIGN.md 3.14)."""

from ganchao.problems.choices import State
from ganchao.problems.tests.factories import ProblemFactory


def test_factory_builds_an_open_problem_of_a_town(pcity):
    problem = ProblemFactory(owner_unit=pcity.town_a, found_by=pcity.leader_user)
    assert problem.state == State.OPEN
    assert problem.place_key == problem.place
