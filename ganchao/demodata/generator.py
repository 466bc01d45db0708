"""The demo data set as plain rows: a pure function of (scale, seed, as-of).

Nothing here touches the database or the clock; `services.demo_seed` writes what `build`
returns. Codes are stable: the province is "P", cities "C01"…, departments "C01D15", towns,
streets and parks "C01T05", villages and communities "C01T05V012", grids "C01T02V001G01".
"""

import datetime as dt
import hashlib
import json
import random
from dataclasses import asdict, dataclass, field

from ganchao.demodata import names
from ganchao.orgs.choices import Role, UnitType

SCALES = ("town", "city", "province")
SCALE_LABELS = {"town": "一个镇", "city": "一个市", "province": "一个省（16 个市）"}
DEMO_PASSWORD = "Ganchao@2026"

CATEGORY_DEPARTMENT = "DEPT"
CATEGORY_TOWN = "TOWN"
CATEGORY_PARK = "PARK"
CATEGORY_VILLAGE = "VILLAGE"

# Towns of a full city, in code order: 4 streets (the city proper), 10 towns, 1 park;
# each with 20 villages and communities, the given number of them communities.
TOWN_PLAN = (
    *((UnitType.STREET, 16),) * 4,
    *((UnitType.TOWN, 3),) * 10,
    (UnitType.PARK, 8),
)
VILLAGES_PER_TOWN = 20
GRIDDED_COMMUNITIES = 2  # in the first street, each with GRIDS_PER_COMMUNITY grids
GRIDS_PER_COMMUNITY = 3
# Units whose head and liaison get a demo account.
STAFFED_DEPARTMENTS = ("fgw", "czj", "tjj", "nyncj", "zjj")
STAFFED_TOWNS = 4


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    sort_order: int


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    type: str
    parent_code: str | None
    category_code: str | None = None
    aliases: tuple[str, ...] = ()
    sort_order: int = 0


@dataclass(frozen=True)
class LeaderRow:
    key: str
    name: str
    title: str
    sort_order: int


@dataclass(frozen=True)
class AreaRow:
    leader_key: str
    unit_code: str
    start_date: dt.date


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    unit_code: str
    roles: tuple[str, ...]
    post: str
    leader_key: str | None = None


CATEGORIES = (
    CategoryRow(CATEGORY_DEPARTMENT, "市直部门", 10),
    CategoryRow(CATEGORY_TOWN, "乡镇（街道）", 20),
    CategoryRow(CATEGORY_PARK, "园区", 30),
    CategoryRow(CATEGORY_VILLAGE, "村（社区）", 40),
)


@dataclass
class Dataset:
    """Everything `seed` writes, as rows in insertion order (parents before children)."""

    scale: str
    seed: int
    as_of: dt.date
    categories: list[CategoryRow] = field(default_factory=lambda: list(CATEGORIES))
    units: list[UnitRow] = field(default_factory=list)
    leaders: list[LeaderRow] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "units": len(self.units),
            "leaders": len(self.leaders),
            "leader_areas": len(self.areas),
            "users": len(self.users),
            "role_grants": sum(len(u.roles) for u in self.users),
        }

    def digest(self) -> str:
        """SHA-256 of the rows, so that two loads can be compared by their audit events."""
        rows = {
            kind: [asdict(row) for row in getattr(self, kind)]
            for kind in ("categories", "units", "leaders", "areas", "users")
        }
        text = json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def build(scale: str, seed: int, as_of: dt.date) -> Dataset:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    data = Dataset(scale=scale, seed=seed, as_of=as_of)
    rng = random.Random(seed)
    people: set[str] = set()
    if scale == "province":
        data.units.append(UnitRow("P", names.PROVINCE_NAME, UnitType.PROVINCE, None))
        for number, city_name in enumerate(names.CITY_NAMES, start=1):
            city_rng = random.Random(rng.getrandbits(64))
            CityBuilder(data, city_rng, people, number, city_name, "P", full=True).build()
    else:
        name = names.CITY_NAMES[0]
        CityBuilder(data, rng, people, 1, name, None, full=scale == "city").build()
    return data


class CityBuilder:
    """One city: its departments, towns with their villages, leaders, areas and accounts."""

    def __init__(self, data, rng, people, number, name, parent_code, *, full: bool):
        self.data, self.rng, self.people, self.full = data, rng, people, full
        self.code = f"C{number:02d}"
        self.name = name
        self.short = name.removesuffix("市")
        self.parent_code = parent_code
        self.user_prefix = f"c{number:02d}_" if parent_code else ""
        self.department_codes: dict[str, str] = {}
        self.towns: list[UnitRow] = []
        self.villages: dict[str, list[UnitRow]] = {}
        self.leaders: list[LeaderRow] = []

    def build(self) -> None:
        self.data.units.append(
            UnitRow(self.code, self.name, UnitType.CITY, self.parent_code, aliases=(self.short,))
        )
        self._departments()
        self._towns()
        self._villages()
        self._grids()
        self._leaders()
        self._users()

    def _departments(self) -> None:
        for number, dept in enumerate(names.DEPARTMENTS, start=1):
            if not self.full and dept.slug not in names.CORE_DEPARTMENTS:
                continue
            code = f"{self.code}D{number:02d}"
            self.department_codes[dept.slug] = code
            self.data.units.append(
                UnitRow(
                    code,
                    dept.name,
                    UnitType.DEPARTMENT,
                    self.code,
                    CATEGORY_DEPARTMENT,
                    dept.aliases,
                    number,
                )
            )

    def _towns(self) -> None:
        plan = TOWN_PLAN if self.full else ((UnitType.TOWN, 3),)
        streets = iter(self.rng.sample(names.STREET_STEMS, 4))
        towns = iter(self.rng.sample(names.TOWN_STEMS, 10))
        for number, (kind, _communities) in enumerate(plan, start=1):
            if kind == UnitType.STREET:
                name, category = f"{next(streets)}街道", CATEGORY_TOWN
            elif kind == UnitType.PARK:
                pattern = self.rng.choice(names.PARK_PATTERNS)
                name, category = pattern.format(short=self.short), CATEGORY_PARK
            else:
                name, category = f"{next(towns)}镇", CATEGORY_TOWN
            row = UnitRow(f"{self.code}T{number:02d}", name, kind, self.code, category, (), number)
            self.towns.append(row)
            self.data.units.append(row)

    def _villages(self) -> None:
        plan = TOWN_PLAN if self.full else ((UnitType.TOWN, 3),)
        for town, (_kind, community_count) in zip(self.towns, plan, strict=True):
            communities = names.distinct(self.rng, names.community_name, community_count)
            villages = names.distinct(
                self.rng, names.village_name, VILLAGES_PER_TOWN - community_count
            )
            rows = [
                UnitRow(
                    f"{town.code}V{number:03d}",
                    name,
                    UnitType.COMMUNITY if number <= community_count else UnitType.VILLAGE,
                    town.code,
                    CATEGORY_VILLAGE,
                    (),
                    number,
                )
                for number, name in enumerate(communities + villages, start=1)
            ]
            self.villages[town.code] = rows
            self.data.units.extend(rows)

    def _grids(self) -> None:
        if not self.full:
            return
        first_street = self.towns[0]
        for community in self.villages[first_street.code][:GRIDDED_COMMUNITIES]:
            for number in range(1, GRIDS_PER_COMMUNITY + 1):
                self.data.units.append(
                    UnitRow(
                        f"{community.code}G{number:02d}",
                        f"第{names.CHINESE_NUMERALS[number - 1]}网格",
                        UnitType.GRID,
                        community.code,
                        None,
                        (),
                        number,
                    )
                )

    def _leaders(self) -> None:
        titles = names.LEADER_TITLES if self.full else names.SMALL_LEADER_TITLES
        for number, title in enumerate(titles, start=1):
            name = names.person_name(self.rng, self.people)
            self.leaders.append(LeaderRow(f"{self.code}L{number:02d}", name, title, number))
        self.data.leaders.extend(self.leaders)
        start = dt.date(self.data.as_of.year, 1, 1)
        for dept in names.DEPARTMENTS:
            if dept.slug in self.department_codes:
                leader = self.leaders[self._leader_index(dept.group)]
                self.data.areas.append(AreaRow(leader.key, self.department_codes[dept.slug], start))
        vice_mayors = self.leaders[3:] if self.full else self.leaders[-1:]
        for index, town in enumerate(self.towns):
            leader = vice_mayors[index % len(vice_mayors)]
            self.data.areas.append(AreaRow(leader.key, town.code, start))

    def _leader_index(self, group: int) -> int:
        """The leader in charge of a department group: the same titles in a full city; the
        mayor, the executive vice-mayor and one vice-mayor share them in the small one."""
        if self.full:
            return group
        return {0: 0, 1: 0, 2: 1}.get(group, 2)

    def _user(self, name, unit_code, roles, post, leader: LeaderRow | None = None) -> None:
        self.data.users.append(
            UserRow(
                self.user_prefix + name,
                leader.name if leader else names.person_name(self.rng, self.people),
                unit_code,
                tuple(roles),
                post,
                leader.key if leader else None,
            )
        )

    def _users(self) -> None:
        dept = self.department_codes
        self._user("admin", dept["dsj"], [Role.SYSTEM_ADMIN], "系统管理员")
        self._user("secadmin", dept["dsj"], [Role.SECURITY_ADMIN], "安全管理员")
        self._user("auditor", dept["dsj"], [Role.AUDITOR], "审计管理员")
        self._user("office1", dept["dcs"], [Role.OFFICE], "督查室主任")
        self._user("office2", dept["dcs"], [Role.OFFICE], "督查室科员")
        for number, leader in enumerate(self.leaders, start=1):
            self._user(f"leader{number:02d}", dept["zfb"], [Role.LEADER], leader.title, leader)
        for slug in STAFFED_DEPARTMENTS:
            if slug in dept:
                self._user(f"{slug}_head", dept[slug], [Role.UNIT_HEAD], "单位负责人")
                self._user(f"{slug}_liaison", dept[slug], [Role.LIAISON], "单位联络员")
        for town in self.towns[:STAFFED_TOWNS]:
            number = town.code.removeprefix(f"{self.code}T")
            self._user(f"t{number}_head", town.code, [Role.UNIT_HEAD], "单位负责人")
            self._user(f"t{number}_liaison", town.code, [Role.LIAISON], "单位联络员")
        first_village = self.villages[self.towns[0].code][0]
        self._user("t01v001_liaison", first_village.code, [Role.LIAISON], "村（社区）联络员")
        self._user("sfj_review", dept["sfj"], [Role.LEGALITY_REVIEWER], "法制审核人员")
        self._user("lawyer1", dept["sfj"], [Role.LEGAL_ADVISER], "法律顾问（律师）")
        self._user("scjg_officer", dept["scjgj"], [Role.ENFORCEMENT_OFFICER], "执法人员")
        self._user("cgj_officer", dept["cgj"], [Role.ENFORCEMENT_OFFICER], "执法人员")
        # 依法干 enforcement: a second officer and the organ's head of the demo agencies.
        self._user("cgj_officer2", dept["cgj"], [Role.ENFORCEMENT_OFFICER], "执法人员")
        self._user("cgj_head", dept["cgj"], [Role.UNIT_HEAD], "单位负责人")
        self._user("scjg_head", dept["scjgj"], [Role.UNIT_HEAD], "单位负责人")
        if "zrzyj" in dept:
            self._user("zrzy_officer", dept["zrzyj"], [Role.ENFORCEMENT_OFFICER], "执法人员")
            self._user("zrzy_head", dept["zrzyj"], [Role.UNIT_HEAD], "单位负责人")
        self._user("gxj_commissioner", dept["gxj"], [Role.COMMISSIONER], "企业服务专员")
