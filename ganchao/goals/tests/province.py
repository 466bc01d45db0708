"""A province-shaped fixture for scope tests: a 省 root with two cities, each with its own offices,
a street and a town with a village, a principal leader (市长), a vice-mayor in charge of the
street, users, and an issued plan owned by the city (below the root).

    from ganchao.goals.tests.province import Province
    province = Province()
    c1 = province.cities[0]
    c1.plan.plan, c1.mayor_user, c1.vice_user, c1.street_liaison, c1.office
"""

from dataclasses import dataclass

from ganchao.conftest import make_unit, make_user
from ganchao.goals.tests.factories import PlanTree, make_plan
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea, Unit, User


@dataclass
class ProvinceCity:
    """One city of the province; `town_a`/`town_b`/`leader` make it usable by make_plan."""

    root: Unit
    gov_office: Unit
    inspection: Unit
    town_a: Unit  # a street (街道): the vice-mayor's area
    town_b: Unit  # a town
    village_b: Unit
    leader: Leader  # the vice-mayor, named on indicator 1.1
    mayor: Leader
    vice_user: User
    mayor_user: User
    street_liaison: User
    village_liaison: User
    office: User
    plan: PlanTree | None = None


class Province:
    """云江省 (P) with 江川市 (P1) and 澄阳市 (P2)."""

    def __init__(self):
        self.root = make_unit("云江省", UnitType.PROVINCE, code="P")
        self.cities = [self._city(1, "江川市"), self._city(2, "澄阳市")]
        for city in self.cities:
            city.plan = make_plan(city, owner=city.root)

    def _city(self, number: int, name: str) -> ProvinceCity:
        code = f"P{number}"
        root = make_unit(name, UnitType.CITY, self.root, code=code)
        gov_office = make_unit("市政府办公室", UnitType.DEPARTMENT, root, code=f"{code}D01")
        inspection = make_unit("市委督查室", UnitType.DEPARTMENT, root, code=f"{code}D02")
        street = make_unit("东城街道", UnitType.STREET, root, code=f"{code}T01")
        town = make_unit("泉水镇", UnitType.TOWN, root, code=f"{code}T02")
        village = make_unit("李庄村", UnitType.VILLAGE, town, code=f"{code}T02V001")
        mayor = Leader.objects.create(name=f"市长{number}", title="市长", principal=True)
        vice = Leader.objects.create(name=f"副市长{number}", title="副市长", sort_order=2)
        LeaderArea.objects.create(leader=vice, unit=street, start_date="2026-01-01")
        LeaderArea.objects.create(leader=mayor, unit=inspection, start_date="2026-01-01")
        return ProvinceCity(
            root=root,
            gov_office=gov_office,
            inspection=inspection,
            town_a=street,
            town_b=town,
            village_b=village,
            leader=vice,
            mayor=mayor,
            vice_user=make_user(f"p{number}_vice", gov_office, Role.LEADER, leader=vice),
            mayor_user=make_user(f"p{number}_mayor", gov_office, Role.LEADER, leader=mayor),
            street_liaison=make_user(f"p{number}_street", street, Role.LIAISON),
            village_liaison=make_user(f"p{number}_village", village, Role.LIAISON),
            office=make_user(f"p{number}_office", inspection, Role.OFFICE),
        )
