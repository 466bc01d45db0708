"""Problem-ledger fixtures: the small city of ganchao/conftest.py — the office (市委督查室), the
leader 周明远 (area 西湖镇) with his account, 西湖镇 with its liaison and a head, its village
李庄村 with a liaison, and 东山镇 with its liaison — plus a 市住建局 department."""

import pytest

from ganchao.conftest import City, make_unit, make_user
from ganchao.orgs.choices import Role, UnitType


class ProblemCity(City):
    def __init__(self):
        super().__init__()
        self.head_a = make_user("town_a_head", self.town_a, Role.UNIT_HEAD)
        self.housing = make_unit("市住房和城乡建设局", UnitType.DEPARTMENT, self.root, code="C007")
        self.housing_liaison = make_user("housing_liaison", self.housing, Role.LIAISON)


@pytest.fixture
def pcity(db):
    return ProblemCity()
