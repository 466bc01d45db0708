"""Writing the demo 沉到一线 data (issue 14 item 5) for the FIRST city of the data set: its key
projects (重点项目), 200 enterprises with their commissioners, visits and a year of appeals (服务企业),
a year of problems from every source in every state (问题台账), and the fiscal capacities and
commitments of its units (量力而行).

As the decisions and enforcement writers, every row is made through the apps' services as the
demo accounts (office1 and office2, the leaders, the units' liaisons, gxj_commissioner, the
enforcement officers), so every rule holds and the audit chain is the real one. The services take
the business dates (found on, received at, visited on) as given; the stamps they set to "now"
(timeline events, acknowledged/planned/resolved/closed/rated times, 销号 time) are moved back with
`.update()` right after each step. A pure function of (seed, as-of), with its own random.Random.

Called by `services.demo_seed` inside its transaction, after the enforcement data.
"""

import datetime as dt
import hashlib
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw

from ganchao.common import workdays
from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata.names import DEPARTMENTS
from ganchao.enforcement.models import Case
from ganchao.enterprises import services as ent
from ganchao.enterprises.choices import AppealCategory, AppealState, Channel, Scale, Sector
from ganchao.enterprises.creditcode import ALPHABET, check_character, errors, org_check_character
from ganchao.enterprises.models import Appeal, AppealEvent, Enterprise, RatingLink
from ganchao.fiscal import permissions as fiscal_permissions
from ganchao.fiscal import services as fiscal
from ganchao.fiscal.choices import CommitmentKind, CommitmentState
from ganchao.fiscal.models import Commitment
from ganchao.goals.models import Item, Plan
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import RoleGrant, Unit, User
from ganchao.problems import services as ps
from ganchao.problems.choices import Category, PlaceType, Severity, Source, State
from ganchao.problems.models import Problem, ProblemEvent
from ganchao.projects.choices import FundingSource
from ganchao.projects.demo import seed_key_projects
from ganchao.projects.models import KeyProject
from ganchao.supervision.models import Matter
from ganchao.visits import services as visit_services

GRASSROOTS_COUNT_KEYS = (
    "key_projects", "enterprises", "enterprise_visits", "enterprise_appeals",
    "problems", "problems_blocking", "fiscal_capacities", "fiscal_commitments",
)  # fmt: skip

# (key projects, enterprises, appeals, problems) by scale: the town scale keeps `seed` quick.
SIZES = {"town": (6, 30, 36, 48), "city": (30, 200, 240, 240), "province": (30, 200, 240, 240)}

COMPANY_WORDS = (
    "华鑫", "恒通", "瑞丰", "金达", "宏泰", "聚源", "天成", "润和", "博远", "嘉盛", "众诚", "永安",
    "鼎新", "立信", "德润", "康盛", "佳禾", "海昌", "中联", "兴隆", "远航", "明辉", "长青", "同創",
)  # fmt: skip
SECTOR_WORDS = {
    Sector.AGRICULTURE: ("农业科技", "生态农业", "种养殖专业合作社"),
    Sector.MINING: ("矿业",),
    Sector.MANUFACTURING: ("机械制造", "新材料", "电子科技", "食品", "纺织", "汽车零部件", "化工"),
    Sector.UTILITIES: ("热力", "供水"),
    Sector.CONSTRUCTION: ("建设工程", "建筑安装"),
    Sector.TRADE: ("商贸", "医药连锁"),
    Sector.LOGISTICS: ("物流", "冷链运输"),
    Sector.HOSPITALITY: ("餐饮管理", "酒店"),
    Sector.SOFTWARE: ("信息技术", "软件"),
    Sector.FINANCE: ("融资担保",),
    Sector.REAL_ESTATE: ("置业",),
    Sector.BUSINESS: ("人力资源服务",),
    Sector.RESEARCH: ("检测技术", "生物科技"),
    Sector.OTHER: ("文化传媒",),
}
# manufacturing weighs most, as in a county-level city's enterprise roll
SECTOR_WEIGHTS = {Sector.MANUFACTURING: 6, Sector.TRADE: 3, Sector.CONSTRUCTION: 2,
                  Sector.AGRICULTURE: 2, Sector.LOGISTICS: 2}  # fmt: skip
SCALE_WEIGHTS = ((Scale.LARGE, 1), (Scale.MEDIUM, 3), (Scale.SMALL, 6), (Scale.MICRO, 4))

APPEALS = {
    AppealCategory.POLICY: ("申请兑现技术改造奖补资金", "咨询高新技术企业认定政策"),
    AppealCategory.APPROVAL: ("新建厂房施工许可办理缓慢", "食品生产许可延续办理"),
    AppealCategory.LAND: ("扩产用地指标迟迟未落实", "标准化厂房租赁价格过高"),
    AppealCategory.UTILITY: ("厂区双回路供电改造", "天然气管道接入延误"),
    AppealCategory.LABOUR: ("一线技术工人招聘困难", "员工子女入学问题"),
    AppealCategory.FINANCING: ("流动资金贷款续贷困难", "申请政府性融资担保"),
    AppealCategory.INFRASTRUCTURE: ("厂区门前道路破损积水", "园区污水管网未接通"),
    AppealCategory.LEGAL: ("合同纠纷需要法律援助", "知识产权被侵权"),
    AppealCategory.OTHER: ("周边施工噪声影响生产", "企业门前公交站点设置"),
}
APPEAL_UNIT = {  # the department that handles a category (slug); else the enterprise's town
    AppealCategory.POLICY: "gxj", AppealCategory.APPROVAL: "zwfwj", AppealCategory.LAND: "zrzyj",
    AppealCategory.UTILITY: "fgw", AppealCategory.LABOUR: "rsj", AppealCategory.FINANCING: "jrj",
    AppealCategory.LEGAL: "sfj",
}  # fmt: skip

PROBLEMS = {  # category → descriptions; {place} is filled in
    Category.PROJECT: ("{place}征地拆迁尚有3户未签约，影响项目进场", "{place}施工便道未打通，材料进场困难",
                       "{place}施工许可办理滞后，项目不能按期开工", "{place}临时用电未接入，工地靠发电机施工"),
    Category.ENTERPRISE: ("{place}反映用工缺口较大，招工困难", "{place}扩产项目能评审批缓慢",
                          "{place}申报的奖补资金尚未兑现"),
    Category.INFRASTRUCTURE: ("{place}道路破损严重，雨天积水", "{place}饮水管网老化，经常停水",
                              "{place}路灯损坏多处，夜间出行不便"),
    Category.ENVIRONMENT: ("{place}河道垃圾堆积，水体发黑", "{place}养殖粪污直排", "{place}建筑垃圾乱倒"),
    Category.SAFETY: ("{place}消防通道被占用", "{place}危房未及时排查处置", "{place}用电线路私拉乱接"),
    Category.LIVELIHOOD: ("{place}卫生室缺少医生", "{place}养老服务站未正常开放", "{place}快递进村网点未建成"),
    Category.GOVERNANCE: ("{place}土地承包纠纷长期未解决", "{place}村务公开不及时", "{place}违章建筑长期未拆除"),
    Category.OTHER: ("{place}群众反映办事来回跑",),
}  # fmt: skip
LEGACY = ("{place}安置房办证遗留问题多年未解决", "{place}原乡镇企业改制遗留职工社保问题",
          "{place}农村集体资产权属不清的历史遗留问题")  # fmt: skip
STREETS = ("人民路", "解放街", "建设大道", "滨河路", "迎宾大道", "工业大道", "文化路", "站前街")
# States a problem is left in, by weight; closed ones are the older ones mostly.
STATE_PLAN = ((State.CLOSED, 9), (State.VERIFYING, 2), (State.RECTIFYING, 4), (State.OPEN, 4))
SOURCES = tuple(Source.values)


@dataclass
class GrassrootsWritten:
    counts: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    digest: str = ""


def summary_lines(written: GrassrootsWritten) -> list[str]:
    c = written.counts
    if not c["problems"]:
        return []
    states = "、".join(f"{State(s).label}{n}个" for s, n in sorted(written.states.items()))
    return [
        f"  沉到一线：重点项目{c['key_projects']}个、企业{c['enterprises']}家（走访{c['enterprise_visits']}次、"
        f"诉求{c['enterprise_appeals']}件）、问题{c['problems']}个（{states}；阻碍项目推进"
        f"{c['problems_blocking']}个）、可用财力{c['fiscal_capacities']}条、财力承诺{c['fiscal_commitments']}项"
    ]


def write_key_projects(seed: int, as_of: dt.date, scale: str) -> int:
    """The first city's key projects, goal tasks of its plan: written before the assessment,
    which scores their milestones with the rest of the plan. Returns how many."""
    writer = Writer(seed, as_of, scale)
    if writer.office is None or writer.plan is None:
        return 0
    writer.directory()
    return len(writer.key_projects())


def write_grassroots(seed: int, as_of: dt.date, scale: str) -> GrassrootsWritten:
    return Writer(seed, as_of, scale).run()


def credit_code(rng: random.Random, region: str) -> str:
    """A valid unified social credit code (GB 32100-2015) of a company (91) in `region`."""
    letters = [c for c in ALPHABET if c.isdigit() or c in "ABCDEFGHJKLMNPQRTUWXY"]
    org = "".join(rng.choice(letters) for _ in range(8))
    body = f"91{region}{org}{org_check_character(org)}"
    code = body + check_character(body)
    assert not errors(code), code
    return code


def png(rng: random.Random, label: int) -> tuple[str, bytes]:
    """A small generated photo (a PNG of a coloured site with a few strokes)."""
    image = Image.new("RGB", (96, 72), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        box = (
            sorted(rng.randrange(0, 96) for _ in range(2)),
            sorted(rng.randrange(0, 72) for _ in range(2)),
        )
        draw.rectangle((box[0][0], box[1][0], box[0][1], box[1][1]), outline=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return f"整改后照片{label}.png", buffer.getvalue()


class Writer:
    def __init__(self, seed: int, as_of: dt.date, scale: str):
        self.rng = random.Random(f"grassroots-{seed}")
        self.seed = seed
        self.as_of = as_of
        self.scale = scale
        self.today = timezone.localdate()
        self.sizes = SIZES.get(scale, SIZES["city"])
        self.counts = Counter()
        self.states = Counter()
        self.sources = Counter()
        self.root = Unit.objects.filter(type=UnitType.CITY).order_by("code").first()
        self.prefix = "c01_" if self.root is not None and self.root.parent_id else ""
        self.photo_number = 0
        self.place_number = 0
        self.office = self.user("office1") if self.root is not None else None
        self.plan = (
            Plan.objects.filter(owner=self.root, year=as_of.year).order_by("pk").first()
            if self.root is not None
            else None
        )

    # ---- helpers ----
    def user(self, name: str) -> User | None:
        return User.objects.filter(username=self.prefix + name).select_related("unit").first()

    def day(self, days_before: int) -> dt.date:
        return min(self.as_of - dt.timedelta(days=days_before), self.today)

    def at(self, value: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(value, dt.time(hour, minute), tzinfo=SHANGHAI)
        return min(moment, timezone.now())

    def workday(self, value: dt.date) -> dt.date:
        """The working day on or before `value`."""
        for _ in range(15):
            if workdays.is_working_day(value):
                return value
            value -= dt.timedelta(days=1)
        return value

    def later(self, start: dt.datetime, hours: float) -> dt.datetime:
        return min(workdays.add_working_hours(start, Decimal(str(hours))), timezone.now())

    def run(self) -> GrassrootsWritten:
        self.office2 = self.user("office2") or self.office
        self.commissioner = self.user("gxj_commissioner")
        if self.office is None or self.root is None:
            return self.written()
        self.directory()
        self.projects = list(
            KeyProject.objects.filter(item__plan=self.plan)
            .select_related("item", "town", "lead_unit")
            .order_by("code")
        )
        self.counts["key_projects"] = len(self.projects)
        self.enterprises = self.enterprise_roll()
        self.problems()
        self.appeals()
        self.fiscal()
        return self.written()

    def directory(self) -> None:
        inside = Unit.objects.filter(path__startswith=self.root.path, active=True)
        self.departments = {
            u.name: u for u in inside.filter(type=UnitType.DEPARTMENT).order_by("path")
        }
        self.towns = list(
            inside.filter(type__in=(UnitType.TOWN, UnitType.STREET, UnitType.PARK)).order_by("path")
        )
        villages = inside.filter(type__in=(UnitType.VILLAGE, UnitType.COMMUNITY)).order_by("path")
        self.villages = list(villages)
        self.town_of = {}
        for village in self.villages:
            self.town_of[village.pk] = next(
                (t for t in self.towns if village.path.startswith(t.path)), self.towns[0]
            )
        grants = (
            RoleGrant.objects.filter(
                role__in=(Role.LIAISON, Role.LEADER, Role.ENFORCEMENT_OFFICER),
                user__is_active=True,
                user__unit__path__startswith=self.root.path,
            )
            .select_related("user__unit")
            .order_by("user__username")
        )
        self.liaisons, self.leaders, self.officers = {}, [], []
        for grant in grants:
            if grant.role == Role.LIAISON:
                self.liaisons.setdefault(grant.user.unit_id, grant.user)
            elif grant.role == Role.LEADER and grant.user.leader_id:
                self.leaders.append(grant.user)
            elif grant.role == Role.ENFORCEMENT_OFFICER:
                self.officers.append(grant.user)
        self.leaders = self.leaders or [self.office]

    def dept(self, slug: str) -> Unit | None:
        name = next((d.name for d in DEPARTMENTS if d.slug == slug), None)
        return self.departments.get(name)

    def handler_for(self, unit: Unit) -> User:
        """Who handles the unit's side: its liaison when it has a demo account, else the office."""
        return self.liaisons.get(unit.pk) or self.office

    # ---- key projects ----
    def key_projects(self) -> list:
        if self.plan is None:
            return []
        made = seed_key_projects(
            plan=self.plan,
            actor=self.office,
            as_of=self.as_of,
            count=self.sizes[0],
            seed=self.rng.randrange(10**9),
            root=self.root,
        )
        return made

    # ---- enterprises ----
    def enterprise_roll(self) -> list[Enterprise]:
        sectors = [(s, SECTOR_WEIGHTS.get(s, 1)) for s in Sector.values]
        region = f"{self.rng.randrange(110000, 659000):06d}"
        used_names, made = set(), []
        start = self.as_of - dt.timedelta(days=400)
        for n in range(self.sizes[1]):
            sector = self.rng.choices([s for s, _w in sectors], [w for _s, w in sectors])[0]
            scale = self.rng.choices(
                [s for s, _w in SCALE_WEIGHTS], [w for _s, w in SCALE_WEIGHTS]
            )[0]
            town = self.towns[n % len(self.towns)]
            town_word = town.name[:2]
            name = ""
            while not name or name in used_names:
                name = (
                    f"{self.root.name[:2]}{self.rng.choice(COMPANY_WORDS)}"
                    f"{self.rng.choice(SECTOR_WORDS[sector])}有限公司"
                )
                if name in used_names:
                    name = name.replace("有限公司", f"{town_word}分公司")
            used_names.add(name)
            enterprise = ent.enterprise_create(
                actor=self.office,
                name=name,
                credit_code=credit_code(self.rng, region),
                sector=sector,
                scale=scale,
                town=town,
                address=f"{town.name}{self.rng.choice(STREETS)}{self.rng.randint(1, 300)}号",
                contact=self.rng.choice("王李张刘陈杨赵黄周吴")
                + self.rng.choice(("经理", "总", "主任")),
                phone=f"0000-{self.rng.randrange(1000000, 9999999)}",
            )
            made.append(enterprise)
            if self.commissioner is not None and n % 4 != 3:  # most have a commissioner
                ent.commissioner_assign(
                    actor=self.office,
                    enterprise=enterprise,
                    user=self.commissioner,
                    start_on=start + dt.timedelta(days=self.rng.randint(0, 60)),
                )
                for _ in range(self.rng.choice((0, 1, 1, 2))):
                    ent.visit_record(
                        actor=self.commissioner,
                        enterprise=enterprise,
                        visited_on=self.day(self.rng.randint(1, 330)),
                        notes="了解企业生产经营情况，宣传惠企政策",
                        participants=f"{town.name}经发办",
                        findings=self.rng.choice(
                            ("", "", "企业反映用工紧张", "企业反映物流成本上升")
                        ),
                    )
                    self.counts["enterprise_visits"] += 1
        self.counts["enterprises"] = len(made)
        return made

    def appeals(self) -> None:
        """About a year of appeals: closed and rated the older ones, every open tier the recent
        ones (some overdue), a few unresolved ones turned into problems."""
        total = self.sizes[2]
        served = [e for e in self.enterprises if e.commissioners.exists()] or self.enterprises
        for n in range(total):
            enterprise = self.rng.choice(served)
            category = self.rng.choice(AppealCategory.values)
            if n >= total - 24:  # the recent ones, spread over the last four weeks
                days_ago = (total - n) + self.rng.randint(0, 4)
            else:
                days_ago = self.rng.randint(30, 360)
            received = self.at(self.workday(self.day(days_ago)), self.rng.randint(9, 15))
            owner = self.dept(APPEAL_UNIT.get(category, "")) or enterprise.town
            channel = Channel.COMMISSIONER if n % 3 else self.rng.choice(Channel.values)
            receiver = (
                self.commissioner
                if self.commissioner
                and enterprise.commissioners.filter(user=self.commissioner).exists()
                else self.office2
            )
            top = self.top(AppealEvent)
            appeal = ent.appeal_receive(
                actor=receiver,
                enterprise=enterprise,
                title=self.rng.choice(APPEALS[category]),
                content=f"{enterprise.name}反映：{self.rng.choice(APPEALS[category])}，请帮助协调解决。",
                category=category,
                channel=channel,
                owner_unit=owner,
                received_at=received,
            )
            self.stamp(AppealEvent, top, received)
            Appeal.objects.filter(pk=appeal.pk).update(created_at=received)
            self.counts["enterprise_appeals"] += 1
            self.appeal_steps(appeal, received, recent=n >= total - 24, number=n)

    def appeal_steps(self, appeal, received, *, recent: bool, number: int) -> None:
        handler = self.handler_for(appeal.owner_unit)
        late = self.rng.random() < 0.2  # a fifth miss a tier
        if recent:
            stop = (
                AppealState.RECEIVED, AppealState.ACKNOWLEDGED, AppealState.PLANNED,
                AppealState.PLANNED, AppealState.RESOLVED, AppealState.UNRESOLVED,
            )[number % 6]  # fmt: skip
        else:
            stop = AppealState.CLOSED
        ack = self.later(received, 6 if late else self.rng.choice((0.5, 1, 1.5)))
        if stop == AppealState.RECEIVED:
            return
        appeal = self.appeal_step(
            ent.appeal_acknowledge, ack, {"acknowledged_at": ack}, actor=handler, appeal=appeal,
            note="已收悉，正在了解情况",
        )  # fmt: skip
        planned = self.later(ack, self.rng.choice((4, 8, 16, 40 if late else 12)))
        if stop == AppealState.ACKNOWLEDGED:
            return
        appeal = self.appeal_step(
            ent.appeal_plan, planned, {"planned_at": planned}, actor=handler, appeal=appeal,
            plan="会同相关部门现场办公，制定解决方案并明确完成时限",
        )  # fmt: skip
        if stop == AppealState.PLANNED:
            return
        resolved_ok = self.rng.random() < 0.9 and stop != AppealState.UNRESOLVED
        done = self.later(planned, self.rng.choice((16, 40, 64, 160 if late else 96)))
        fields = {}
        if resolved_ok:
            hours = workdays.working_hours_between(appeal.received_at, done)
            fields = {"resolved_at": done, "resolve_hours": hours.quantize(Decimal("0.01"))}
        appeal = self.appeal_step(
            ent.appeal_resolve, done, fields, actor=handler, appeal=appeal, resolved=resolved_ok,
            resolution="已协调解决，企业认可" if resolved_ok else "受政策限制暂无法解决，已向企业解释说明",
        )  # fmt: skip
        if stop != AppealState.CLOSED:  # the result is in, 办结 still to come
            return
        closed = self.later(done, 8)
        appeal = self.appeal_step(
            ent.appeal_close, closed, {"closed_at": closed}, actor=handler, appeal=appeal
        )
        if not resolved_ok:
            if self.commissioner and self.counts["appeal_problems"] < 4:
                self.appeal_problem(appeal, closed)
            return
        if self.rng.random() < 0.75:  # most enterprises answer the rating link
            issuer = self.commissioner if appeal.commissioner_id else handler
            top = self.top(AppealEvent)
            link, token = ent.rating_link_issue(actor=issuer or handler, appeal=appeal)
            self.stamp(AppealEvent, top, closed)
            rated = self.later(closed, self.rng.choice((2, 8, 24)))
            top = self.top(AppealEvent)
            rating = self.rng.choices((5, 4, 3, 2, 1), (10, 6, 2, 1, 1))[0]
            ent.appeal_rate(token=token, rating=rating, comment="" if rating > 3 else "办理偏慢")
            self.stamp(AppealEvent, top, rated)
            Appeal.objects.filter(pk=appeal.pk).update(rated_at=rated)
            RatingLink.objects.filter(pk=link.pk).update(used_at=rated)

    def appeal_step(self, step, moment, fields, **kwargs):
        top = self.top(AppealEvent)
        appeal = step(**kwargs)
        self.stamp(AppealEvent, top, moment)
        if fields:
            Appeal.objects.filter(pk=appeal.pk).update(**fields)
        appeal.refresh_from_db()
        return appeal

    def appeal_problem(self, appeal, closed) -> None:
        """An appeal that could not be solved goes to the problem ledger."""
        top = self.top(ProblemEvent)
        problem = ent.appeal_to_problem(
            actor=self.commissioner, appeal=appeal, severity=Severity.SERIOUS,
            note="企业诉求未能解决，转问题台账跟踪",
        )  # fmt: skip
        found = closed.astimezone(SHANGHAI).date()
        self.stamp(ProblemEvent, top, closed)
        Problem.objects.filter(pk=problem.pk).update(
            found_on=found,
            deadline=ps.default_deadline(found, problem.severity),
            created_at=closed,
        )
        self.counts["appeal_problems"] += 1

    # ---- problems ----
    def place(self, place_type: str, source: str):
        """(place, place unit, owner unit, item, blocks) for a problem."""
        self.place_number += 1
        group = f"{self.place_number % 9 + 1}组"
        if place_type == PlaceType.PROJECT_SITE and self.projects:
            project = self.rng.choice(self.projects)
            owner = project.town or project.lead_unit
            return f"{project.item.name}项目现场", None, owner, project.item
        if place_type == PlaceType.ENTERPRISE and self.enterprises:
            enterprise = self.rng.choice(self.enterprises)
            return f"{enterprise.name}生产车间", None, enterprise.town, None
        if place_type == PlaceType.VILLAGE and self.villages:
            village = self.rng.choice(self.villages)
            return f"{village.name}{group}", village, self.town_of[village.pk], None
        street = self.rng.choice(STREETS)
        owner = self.dept(self.rng.choice(("zjj", "cgj", "jtj", "sthjj"))) or self.towns[0]
        return f"{street}{self.place_number}号路段", None, owner, None

    def finder(self, source: str) -> User:
        if source == Source.VISIT:
            return self.rng.choice(self.leaders)
        if source == Source.ENFORCEMENT and self.officers:
            return self.rng.choice(self.officers)
        if source == Source.ENTERPRISE and self.commissioner is not None:
            return self.commissioner
        return self.rng.choice((self.office, self.office2))

    def problems(self) -> None:
        total = self.sizes[3]
        place_types = PlaceType.values
        categories = {
            PlaceType.PROJECT_SITE: (Category.PROJECT, Category.SAFETY, Category.ENVIRONMENT),
            PlaceType.ENTERPRISE: (Category.ENTERPRISE, Category.SAFETY, Category.ENVIRONMENT),
            PlaceType.VILLAGE: (Category.INFRASTRUCTURE, Category.ENVIRONMENT, Category.LIVELIHOOD,
                                Category.GOVERNANCE, Category.SAFETY),
            PlaceType.OTHER: (Category.INFRASTRUCTURE, Category.SAFETY, Category.GOVERNANCE,
                              Category.OTHER),
        }  # fmt: skip
        items = (
            list(Item.objects.filter(plan=self.plan, parent__isnull=False)[:40])
            if self.plan
            else []
        )
        matters = list(
            Matter.objects.filter(lead_unit__path__startswith=self.root.path).order_by("pk")[:20]
        )
        cases = list(Case.objects.order_by("pk")[:10])
        specs = []
        for n in range(total):
            days_ago = int(365 * (1 - n / total)) + self.rng.randint(0, 3)  # oldest first
            source = SOURCES[n % len(SOURCES)]
            place_type = place_types[(n // len(SOURCES) + n) % len(place_types)]
            if source == Source.ENTERPRISE:
                place_type = PlaceType.ENTERPRISE
            specs.append((n, days_ago, source, place_type))
        for n, days_ago, source, place_type in specs:
            severity = Severity.values[self.rng.choices((0, 1, 2), (6, 3, 1))[0]]
            category = self.rng.choice(categories[place_type])
            if place_type == PlaceType.PROJECT_SITE and n % 2 == 0:
                category = Category.PROJECT
            place, place_unit, owner, item = self.place(place_type, source)
            legacy = n % 11 == 5
            text = self.rng.choice(LEGACY if legacy else PROBLEMS[category]).format(place=place)
            links = {}
            if item is None and items and n % 13 == 2:
                links["item"] = self.rng.choice(items)
            if matters and n % 17 == 4:
                links["matter"] = self.rng.choice(matters)
            if source == Source.ENFORCEMENT and cases and n % 2 == 0:
                links["case"] = self.rng.choice(cases)
            if item is not None:
                links["item"] = item
            found_on = self.workday(self.day(days_ago))
            finder = self.finder(source)
            recurs = n % 7 == 3 and 60 < days_ago < 160
            if recurs:
                end = State.CLOSED
            elif days_ago < 25:
                end = self.rng.choice((State.OPEN, State.RECTIFYING, State.VERIFYING))
            elif days_ago < 70:
                end = self.rng.choice((State.CLOSED, State.RECTIFYING, State.VERIFYING, State.OPEN))
            else:
                end = self.rng.choices([s for s, _w in STATE_PLAN], [w for _s, w in STATE_PLAN])[0]
            if source == Source.VISIT and n % 4 == 0 and place_unit is not None:
                problem = self.from_visit(
                    finder, found_on, place, place_unit, owner, category, text
                )
            else:
                top = self.top(ProblemEvent)
                problem = ps.problem_create(
                    actor=finder,
                    source=source,
                    place_type=place_type,
                    place=place,
                    place_unit=place_unit,
                    category=category,
                    severity=severity,
                    description=text,
                    owner_unit=owner,
                    legacy=legacy,
                    # a few projects are blocked now (blockers below); the others' site problems
                    # blocked them once and were closed out (曾阻碍项目推进)
                    blocks_project=(
                        item is not None and category == Category.PROJECT and end == State.CLOSED
                    ),
                    found_on=found_on,
                    **links,
                )
                self.stamp(ProblemEvent, top, self.at(found_on, 9))
                Problem.objects.filter(pk=problem.pk).update(created_at=self.at(found_on, 9))
            self.lifecycle(problem, end, found_on, finder, photo=n % 6 == 1)
            if recurs:
                self.recur(problem, found_on)
        self.blockers()
        self.counts["problems_blocking"] = Problem.objects.filter(
            blocks_project=True, state__in=("open", "rectifying", "verifying", "reopened")
        ).count()

    def blockers(self) -> None:
        """Problems at the sites of a few lagging projects that block them: the board shows
        them 受阻 until the problems are 销号."""
        for project in self.projects[1 : 1 + max(2, len(self.projects) // 6) * 3 : 3]:
            leader = next(
                (u for u in self.leaders if u.leader_id == project.leader_id), self.leaders[0]
            )
            found_on = self.workday(self.day(self.rng.randint(8, 40)))
            top = self.top(ProblemEvent)
            problem = ps.problem_create(
                actor=leader,
                source=Source.VISIT,
                place_type=PlaceType.PROJECT_SITE,
                place=f"{project.item.name}项目现场（{project.location}）",
                category=Category.PROJECT,
                severity=Severity.SEVERE,
                description=self.rng.choice(PROBLEMS[Category.PROJECT]).format(
                    place=project.item.name
                ),
                owner_unit=project.town or project.lead_unit,
                blocks_project=True,
                found_on=found_on,
                item=project.item,
            )
            self.stamp(ProblemEvent, top, self.at(found_on, 9))
            Problem.objects.filter(pk=problem.pk).update(created_at=self.at(found_on, 9))
            end = State.RECTIFYING if project.pk % 2 else State.OPEN
            self.lifecycle(problem, end, found_on, leader, photo=False)

    def from_visit(self, leader, found_on, place, place_unit, owner, category, text):
        """A leader's field visit records a finding, which becomes a problem of the ledger."""
        village = place_unit or next(iter(self.villages), None) or owner
        visit = visit_services.visit_create(
            actor=leader,
            unit=village,
            place_kind="village",
            place_name=place,
            visited_on=found_on,
            purpose="调研基层治理和民生实事推进情况",
            leader=leader.leader,
            findings=[{"description": text, "severity": "serious", "unit": owner}],
        )
        finding = visit.findings.get()
        top = self.top(ProblemEvent)
        problem = ps.finding_to_problem(
            actor=leader,
            finding_id=finding.pk,
            owner_unit=owner,
            category=category,
            place_type=PlaceType.VILLAGE if place_unit else PlaceType.OTHER,
            place=place,
        )
        self.stamp(ProblemEvent, top, self.at(found_on, 9))
        Problem.objects.filter(pk=problem.pk).update(created_at=self.at(found_on, 9))
        self.counts["problems_from_findings"] += 1
        return problem

    def lifecycle(self, problem, end: str, found_on: dt.date, finder, *, photo: bool) -> None:
        if end == State.OPEN:
            return
        handler = self.handler_for(problem.owner_unit)
        moment = self.at(found_on, 9)
        moment = self.later(moment, self.rng.choice((4, 8, 16, 24)))
        self.problem_step(
            ps.problem_plan, moment, actor=handler, problem=problem,
            measures="制定整改方案，明确责任人和完成时限，倒排工期推进",
        )  # fmt: skip
        if end == State.RECTIFYING:
            return
        moment = self.later(moment, self.rng.choice((16, 40, 64, 120)))
        self.photo_number += 1
        self.problem_step(
            ps.problem_report, moment, actor=handler, problem=problem,
            note="已按整改方案完成整改，请核验",
            photos=[png(self.rng, self.photo_number)] if photo else [self.tiny_photo()],
        )  # fmt: skip
        if end == State.VERIFYING:
            return
        verifier = finder if ps.may_verify(finder, problem) else self.office
        if self.rng.random() < 0.15:  # sent back once before it passes
            moment = self.later(moment, 8)
            self.problem_step(
                ps.problem_verify, moment, actor=verifier, problem=problem, accept=False,
                note="现场核验整改不彻底，请继续整改",
            )  # fmt: skip
            moment = self.later(moment, 24)
            self.problem_step(
                ps.problem_report, moment, actor=handler, problem=problem,
                note="已补充整改到位", photos=[self.tiny_photo()],
            )  # fmt: skip
        moment = self.later(moment, self.rng.choice((4, 8, 16)))
        self.problem_step(
            ps.problem_verify, moment, actor=verifier, problem=problem, accept=True,
            note="经现场核验，整改到位，同意销号",
        )  # fmt: skip
        Problem.objects.filter(pk=problem.pk).update(closed_at=moment)

    def tiny_photo(self) -> tuple[str, bytes]:
        """Most reports carry one shared small photo: the rule wants evidence, the demo little
        disk."""
        if not hasattr(self, "_tiny"):
            self._tiny = png(random.Random(self.seed), 0)
        return self._tiny

    def problem_step(self, step, moment, **kwargs):
        top = self.top(ProblemEvent)
        kwargs["problem"] = Problem.objects.get(pk=kwargs["problem"].pk)
        step(**kwargs)
        self.stamp(ProblemEvent, top, moment)

    def recur(self, problem, found_on) -> None:
        """The same place and category found again within the window: the closed problem is
        reopened and counted."""
        problem.refresh_from_db()
        if problem.closed_at is None:
            return
        again = self.day(self.rng.randint(3, 20))
        top = self.top(ProblemEvent)
        ps.problem_create(
            actor=self.office,
            source=Source.INSPECTION,
            place_type=problem.place_type,
            place=problem.place,
            category=problem.category,
            severity=problem.severity,
            description=f"回头看发现问题反弹：{problem.description}",
            owner_unit=problem.owner_unit,
            found_on=again,
        )
        self.stamp(ProblemEvent, top, self.at(again, 15))
        self.counts["problems_reopened"] += 1

    # ---- fiscal ----
    def fiscal(self) -> None:
        year = self.as_of.year
        pledges: dict[int, list] = {}
        for project in self.projects:
            if project.funding_source in (FundingSource.PRIVATE, FundingSource.BANK_LOAN):
                continue  # no budget money behind it
            amount = (project.annual_plan * Decimal("0.4")).quantize(Decimal("1"))
            pledges.setdefault(project.lead_unit_id, []).append(
                (project.lead_unit, f"{project.item.name}财政配套资金", CommitmentKind.KEY_PROJECT,
                 project.item, amount)
            )  # fmt: skip
        for town in self.towns:
            for title in ("村级道路硬化民生实事", "农村饮水安全巩固提升"):
                amount = Decimal(self.rng.randrange(200, 1500, 10))
                pledges.setdefault(town.pk, []).append(
                    (town, f"{town.name}{title}", CommitmentKind.OTHER, None, amount)
                )
        units = {rows[0][0].pk: rows[0][0] for rows in pledges.values()}
        for unit in sorted(units.values(), key=lambda u: u.path):
            rows = pledges[unit.pk]
            need = sum(row[4] for row in rows)
            for offset in (0, 1):
                capacity = (need * Decimal(str(self.rng.uniform(1.15, 1.6)))).quantize(
                    Decimal("10")
                )
                fiscal.capacity_set(
                    actor=self.office,
                    unit=unit,
                    year=year + offset,
                    amount=capacity,
                    basis=f"{year + offset}年度一般公共预算可用财力测算，扣除刚性支出后可统筹部分",
                )
                self.counts["fiscal_capacities"] += 1
            for _unit, title, kind, item, amount in rows:
                fiscal.commitment_create(
                    actor=self.office, unit=unit, year=year, amount=amount, title=title,
                    kind=kind, item=item,
                )  # fmt: skip
                self.counts["fiscal_commitments"] += 1
        if not units:
            return
        first = sorted(units.values(), key=lambda u: u.path)[0]
        approver = next(
            (u for u in self.leaders if fiscal_permissions.may_approve(u, first)), self.office
        )
        # beyond the capacity: approved with a reason by a city leader (or the office)
        over = fiscal.commitment_create(
            actor=self.office, unit=first, year=year, amount=Decimal("99999"),
            title="防汛应急抢险工程（超出当年可用财力）", kind=CommitmentKind.OTHER,
            reason="汛期堤防险情须立即处置，经市政府常务会议研究同意先行安排，超出部分以上级补助资金弥补",
        )  # fmt: skip
        fiscal.commitment_approve(
            actor=approver, commitment_id=over.pk, note="同意，超出部分请积极争取上级资金"
        )
        # against next year's budget: waiting for the office's decision
        fiscal.commitment_create(
            actor=self.office, unit=first, year=year, budget_year=year + 1, amount=Decimal("800"),
            title="老旧小区改造工程款（占用下年度预算）", kind=CommitmentKind.OTHER,
            reason="工程已完工结算，本年度资金不足，拟在下年度预算中安排",
        )  # fmt: skip
        self.counts["fiscal_commitments"] += 2
        stamp = self.at(self.day(20))
        Commitment.objects.filter(state=CommitmentState.APPROVED).update(decided_at=stamp)

    # ---- bookkeeping ----
    def top(self, model) -> int:
        return model.objects.aggregate(top=Max("pk"))["top"] or 0

    def stamp(self, model, top: int, moment: dt.datetime) -> None:
        """Move the timeline events written since `top` back to `moment`."""
        model.objects.filter(pk__gt=top).update(at=moment)

    def written(self) -> GrassrootsWritten:
        digest = hashlib.sha256()
        rows = Problem.objects.order_by("number").values_list(
            "number", "source", "place_type", "place", "state", "severity", "legacy",
            "recurrence_count", "owner_unit__code", "found_on", "deadline",
        )  # fmt: skip
        for row in rows:
            digest.update(repr(row).encode())
            self.states[row[4]] += 1
            self.sources[row[1]] += 1
        for row in Enterprise.objects.order_by("credit_code").values_list(
            "credit_code", "name", "sector", "scale", "town__code"
        ):
            digest.update(repr(row).encode())
        for row in Appeal.objects.order_by("number").values_list("number", "state", "rating"):
            digest.update(repr(row).encode())
        for row in KeyProject.objects.order_by("code").values_list(
            "code", "item__name", "leader__name", "annual_plan"
        ):
            digest.update(repr(row).encode())
        for row in Commitment.objects.order_by("pk").values_list("unit__code", "amount", "state"):
            digest.update(repr(row).encode())
        self.counts["problems"] = len(rows)
        return GrassrootsWritten(self.counts, self.states, self.sources, digest.hexdigest())
