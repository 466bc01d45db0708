"""Writing the demo 依法干 enforcement data: the city's comprehensive enforcement bureau (市城市管理局
as 综合行政执法局) and the market regulator, their officers and published matters, and a year of
cases of the kinds the work mechanism names — 违法占地、私搭乱建、私挖滥采、私打水井、物业服务不规范、占道
经营 — in every stage, for the FIRST city of the data set only.

As the decisions writer, every row is made through the enforcement services as the demo
accounts (cgj_officer and cgj_officer2, the heads cgj_head and scjg_head, sfj_review for the legal
review), so every rule of LEGAL_RULES.md section B holds and the audit chain is the real one.
The services take the procedure dates (filed, notified, decided, delivered…) as given; the few
stamps they set to "now" (publication times) are moved back with `.update()` right after. The
parties are invented names; their ID and phone numbers are shaped like real ones but belong to no
one. A pure function of (seed, as-of).

Called by `services.demo_seed` inside its transaction, after the decisions.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.workcalendar import SHANGHAI
from ganchao.enforcement import services as es
from ganchao.enforcement.choices import (
    STAGE_ORDER,
    ActionKind,
    CaseSource,
    DecisionKind,
    DeliveryMethod,
    MatterCategory,
    OutcomeKind,
    OutcomeSource,
    PartyKind,
    PenaltyKind,
    ReviewItem,
    Stage,
    StatementKind,
    TaskKind,
    TaskState,
    Verdict,
    ViolationKind,
)
from ganchao.enforcement.models import (
    Action,
    Case,
    CaseRecord,
    Hearing,
    LegalReview,
    Officer,
    PublicationTask,
    PublicRecord,
)
from ganchao.enforcement.services import disclosure as disclosure_services
from ganchao.enforcement.services import oversight as oversight_services
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit, User

ENFORCEMENT_COUNT_KEYS = (
    "enforcement_agencies", "enforcement_officers", "enforcement_matters", "enforcement_cases",
    "enforcement_published", "enforcement_complaints",
)  # fmt: skip

# A tiny MP4 (an ftyp box and padding): enough for the content check; the demo's recordings.
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 480
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

REMEDY = "对本事项的处理决定不服的，可以自收到决定书之日起六十日内向{city}人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"


@dataclass(frozen=True)
class MatterSpec:
    key: str
    agency: str  # "cgj" or "scjgj"
    code: str
    name: str
    category: str
    basis: str
    standard: str


MATTERS = (
    MatterSpec("building", "cgj", "CG-001", "对未取得建设工程规划许可证进行建设的处罚", MatterCategory.PENALTY,
               "《中华人民共和国城乡规划法》第六十四条",
               "尚可采取改正措施消除对规划实施的影响的，限期改正，处建设工程造价5%以上10%以下的罚款"),
    MatterSpec("land", "cgj", "CG-002", "对非法占用土地的处罚", MatterCategory.PENALTY,
               "《中华人民共和国土地管理法》第七十七条",
               "责令退还非法占用的土地，按非法占用土地每平方米100元以上1000元以下处以罚款"),
    MatterSpec("mining", "cgj", "CG-003", "对未取得采矿许可证擅自采矿的处罚", MatterCategory.PENALTY,
               "《中华人民共和国矿产资源法》第三十九条",
               "责令停止开采、赔偿损失，没收采出的矿产品和违法所得，可以并处违法所得50%以下的罚款"),
    MatterSpec("well", "cgj", "CG-004", "对未经批准擅自凿井取水的处罚", MatterCategory.PENALTY,
               "《中华人民共和国水法》第六十九条",
               "责令停止违法行为，限期采取补救措施，处2万元以上10万元以下的罚款"),
    MatterSpec("property", "cgj", "CG-005", "对物业服务企业违规收费和服务不到位的处罚", MatterCategory.PENALTY,
               "《物业管理条例》第五十九条",
               "责令限期改正，给予警告；逾期不改正的，处1万元以上10万元以下的罚款"),
    MatterSpec("vending", "cgj", "CG-006", "对擅自占道经营的处罚", MatterCategory.PENALTY,
               "《城市市容和环境卫生管理条例》第三十六条",
               "责令改正，可以并处警告、50元以上500元以下罚款"),
    MatterSpec("demolition", "cgj", "CG-201", "强制拆除违法建筑物、构筑物", MatterCategory.COMPULSION,
               "《中华人民共和国行政强制法》第四十四条；《中华人民共和国城乡规划法》第六十八条",
               "经催告仍不履行且公告期满的，依法强制拆除"),
    MatterSpec("permit", "cgj", "CG-101", "临时占用城市道路许可", MatterCategory.PERMIT,
               "《城市道路管理条例》第三十一条",
               "符合条件的，自受理之日起10个工作日内作出许可决定"),
    MatterSpec("nr_land", "zrzyj", "ZR-001", "对非法占用土地的处罚", MatterCategory.PENALTY,
               "《中华人民共和国土地管理法》第七十七条",
               "责令退还非法占用的土地，按非法占用土地每平方米100元以上1000元以下处以罚款"),
    MatterSpec("nr_mining", "zrzyj", "ZR-002", "对未取得采矿许可证擅自采矿的处罚", MatterCategory.PENALTY,
               "《中华人民共和国矿产资源法》第三十九条",
               "责令停止开采、赔偿损失，没收采出的矿产品和违法所得，可以并处违法所得50%以下的罚款"),
    MatterSpec("market", "scjgj", "SC-001", "对销售不符合安全标准食品的处罚", MatterCategory.PENALTY,
               "《中华人民共和国食品安全法》第一百二十四条",
               "没收违法所得和违法生产经营的食品，货值不足1万元的，并处5万元以上10万元以下罚款"),
)  # fmt: skip

PLACES = (
    "西关街道前进村三组", "城南开发区纬二路东段", "北山镇石门沟", "东湖镇柳河村南岸",
    "人民路与解放街交叉口", "锦绣花园小区", "滨河路夜市", "新华路农贸市场", "北山镇采石场旧址",
    "南郊工业园B区", "和平小区12号楼", "东湖镇柳河村北岸",
)  # fmt: skip
CERTIFICATE_PREFIX = {"cgj": "37", "scjgj": "38", "zrzyj": "39"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
COMPANIES = (
    "宏远建材有限公司", "顺通物业服务有限公司", "鑫源矿业有限公司",
    "福满楼餐饮有限公司", "绿源食品商行",
)  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """One demo case: the matter, the party, the stage it stops in, and its options."""

    matter: str
    title: str
    violation: str
    stage: str
    filed_ago: int  # days before as-of
    company: int | None = None  # index into COMPANIES, else a person
    place: int = 0
    fine: int = 0
    penalties: tuple = (PenaltyKind.FINE,)
    hearing: bool = False
    returned_once: bool = False  # the legal review returns it once
    review_state: str = "passed"  # where the review stops when stage == legal_review
    published: bool = True
    revoked: bool = False  # an administrative review revokes it afterwards
    rectified: bool = True
    complex: bool = False
    electronic: bool = False
    town: bool = False  # also written at town scale (the smaller set covers every stage)


SPECS = (
    # closed, published
    Spec("building", "未取得建设工程规划许可证搭建彩钢房", ViolationKind.ILLEGAL_BUILDING, Stage.CLOSED, 320, place=0, fine=3000, town=True),
    Spec("land", "非法占用基本农田建设厂房", ViolationKind.ILLEGAL_LAND, Stage.CLOSED, 300, company=0, place=2, fine=180000, hearing=True, town=True),
    Spec("mining", "未取得采矿许可证擅自开采砂石", ViolationKind.ILLEGAL_MINING, Stage.CLOSED, 280, company=2, place=8, fine=120000, penalties=(PenaltyKind.FINE, PenaltyKind.CONFISCATION), returned_once=True, town=True),
    Spec("well", "未经批准擅自凿井取水", ViolationKind.PRIVATE_WELL, Stage.CLOSED, 250, place=3, fine=20000),
    Spec("property", "物业服务企业擅自提高收费标准", ViolationKind.PROPERTY_SERVICE, Stage.CLOSED, 230, company=1, place=5, fine=10000, penalties=(PenaltyKind.WARNING, PenaltyKind.FINE)),
    Spec("vending", "在滨河路夜市擅自占道经营", ViolationKind.STREET_VENDING, Stage.CLOSED, 200, place=6, fine=200, electronic=True),
    Spec("building", "在屋顶平台违法加盖房屋", ViolationKind.ILLEGAL_BUILDING, Stage.CLOSED, 190, place=0, fine=5000, revoked=True, town=True),
    Spec("market", "销售超过保质期的食品", ViolationKind.MARKET, Stage.CLOSED, 180, company=4, place=7, fine=50000),
    Spec("demolition", "强制拆除逾期未拆的违法建筑", ViolationKind.ILLEGAL_BUILDING, Stage.CLOSED, 170, place=0, penalties=(), complex=True, town=True),
    Spec("permit", "临时占用人民路人行道施工", ViolationKind.OTHER, Stage.CLOSED, 160, company=0, place=4, penalties=()),
    # executing: fined, not yet rectified (以罚代管 warnings)
    Spec("land", "擅自占用集体土地建设仓库", ViolationKind.ILLEGAL_LAND, Stage.EXECUTING, 150, place=9, fine=30000, rectified=False, town=True),
    Spec("mining", "在河道内私挖滥采砂石", ViolationKind.ILLEGAL_MINING, Stage.EXECUTING, 140, place=3, fine=8000, rectified=False),
    Spec("property", "物业服务企业未按约定清运垃圾", ViolationKind.PROPERTY_SERVICE, Stage.EXECUTING, 120, company=1, place=10, fine=20000),
    # served, decided
    Spec("well", "在柳河村北岸私打水井", ViolationKind.PRIVATE_WELL, Stage.SERVED, 110, place=11, fine=20000, town=True),
    Spec("vending", "在农贸市场门前占道经营", ViolationKind.STREET_VENDING, Stage.SERVED, 100, place=7, fine=300),
    Spec("building", "未取得建设工程规划许可证扩建门面房", ViolationKind.ILLEGAL_BUILDING, Stage.DECIDED, 95, place=4, fine=8000, town=True),
    Spec("market", "销售无合格证明的食用农产品", ViolationKind.MARKET, Stage.DECIDED, 90, company=3, place=7, fine=60000, published=False),
    # before the decision
    Spec("land", "非法占用耕地堆放建筑垃圾", ViolationKind.ILLEGAL_LAND, Stage.COLLECTIVE, 85, company=0, place=9, fine=150000, complex=True, town=True),
    Spec("mining", "无证开采石料", ViolationKind.ILLEGAL_MINING, Stage.LEGAL_REVIEW, 80, place=8, fine=50000, review_state="returned", town=True),
    Spec("building", "违法建设二层砖混结构房屋", ViolationKind.ILLEGAL_BUILDING, Stage.LEGAL_REVIEW, 75, place=0, fine=15000, review_state="assigned"),
    Spec("well", "擅自凿井并出售地下水", ViolationKind.PRIVATE_WELL, Stage.LEGAL_REVIEW, 70, company=3, place=3, fine=100000, review_state="submitted"),
    Spec("building", "违法搭建钢结构雨棚", ViolationKind.ILLEGAL_BUILDING, Stage.STATEMENT, 60, place=1, fine=12000, hearing=True, town=True),
    Spec("property", "物业服务企业擅自停止供水", ViolationKind.PROPERTY_SERVICE, Stage.STATEMENT, 50, company=1, place=10, fine=5000),
    Spec("vending", "占用人行道摆摊经营", ViolationKind.STREET_VENDING, Stage.NOTIFIED, 40, place=4, fine=200, town=True),
    Spec("land", "在林地内违法修建道路", ViolationKind.ILLEGAL_LAND, Stage.NOTIFIED, 30, place=2, fine=9000),
    Spec("building", "占用消防通道违法搭建", ViolationKind.ILLEGAL_BUILDING, Stage.REVIEWED, 25, place=5, fine=2000, town=True),
    Spec("mining", "夜间盗采河砂", ViolationKind.ILLEGAL_MINING, Stage.INVESTIGATING, 20, place=3, town=True),
    Spec("well", "村民在承包地私打机井", ViolationKind.PRIVATE_WELL, Stage.INVESTIGATING, 15, place=11),
    Spec("property", "物业服务企业公共收益未公示", ViolationKind.PROPERTY_SERVICE, Stage.INVESTIGATING, 12, company=1, place=10),
    Spec("building", "楼顶违法搭建阳光房", ViolationKind.ILLEGAL_BUILDING, Stage.FILED, 6, place=5, town=True),
    Spec("vending", "在学校门口流动摊贩经营", ViolationKind.STREET_VENDING, Stage.FILED, 3, place=4),
    Spec("building", "擅自改变房屋外立面", ViolationKind.ILLEGAL_BUILDING, Stage.WITHDRAWN, 45, place=6, town=True),
)  # fmt: skip


@dataclass
class EnforcementWritten:
    counts: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    parties: list[tuple[str, str, str]] = field(default_factory=list)  # name, ID, phone


def summary_lines(written: EnforcementWritten) -> list[str]:
    if not written.counts["enforcement_cases"]:
        return []
    c = written.counts
    order = [*STAGE_ORDER, Stage.WITHDRAWN]
    stages = "、".join(
        f"{Stage(s).label}{written.stages[s]}件" for s in order if written.stages.get(s)
    )
    return [
        f"  行政执法：执法主体{c['enforcement_agencies']}个、执法人员{c['enforcement_officers']}名、"
        f"执法事项{c['enforcement_matters']}项、案件{c['enforcement_cases']}件（{stages}），"
        f"已公开决定{c['enforcement_published']}件，投诉举报{c['enforcement_complaints']}件"
    ]


# The day, counted from filing, on which the writer takes each step of a case (see _case_steps:
# inspection the next day, notice on day 10, collective discussion 26, decision 28 …).
STAGE_DAYS = {
    Stage.FILED: 0, Stage.INVESTIGATING: 1, Stage.REVIEWED: 8, Stage.NOTIFIED: 10,
    Stage.STATEMENT: 13, Stage.LEGAL_REVIEW: 20, Stage.COLLECTIVE: 26, Stage.DECIDED: 28,
    Stage.SERVED: 30, Stage.EXECUTING: 40, Stage.CLOSED: 48, Stage.WITHDRAWN: 2,
}  # fmt: skip


class Writer:
    def __init__(self, seed: int, as_of: dt.date, town: bool = False):
        self.rng = random.Random(f"enforcement-{seed}")
        self.town = town
        self.as_of = as_of
        self.today = timezone.localdate()
        self.counts = Counter()
        self.stages = Counter()
        self.parties: list[tuple[str, str, str]] = []
        self.root = Unit.objects.filter(type=UnitType.CITY).order_by("code").first()
        self.prefix = "c01_" if self.root.parent_id else ""
        self.agencies = {}
        self.matters = {}
        self.officers: dict[str, list[Officer]] = {}
        self.users: dict[str, User] = {}

    # ---- helpers ----
    def user(self, name: str) -> User | None:
        return User.objects.filter(username=self.prefix + name).first()

    def day(self, days_before: int) -> dt.date:
        return min(self.as_of - dt.timedelta(days=days_before), self.today)

    def at(self, value: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(value, dt.time(hour, minute), tzinfo=SHANGHAI)

    def person(self) -> tuple[str, str, str]:
        name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2))
        born = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 14000))
        id_no = f"3701{self.rng.randrange(10, 99)}{born:%Y%m%d}{self.rng.randrange(100, 999)}X"
        phone = f"13{self.rng.randrange(0, 10)}{self.rng.randrange(10**7, 10**8)}"
        return name, id_no, phone

    def run(self) -> EnforcementWritten:
        self.office = self.user("office1")
        officer = self.user("cgj_officer")
        if officer is None or self.office is None:
            return self.written()
        self.users = {
            "cgj": officer,
            "cgj2": self.user("cgj_officer2"),
            "cgj_head": self.user("cgj_head"),
            "scjgj": self.user("scjg_officer"),
            "scjgj_head": self.user("scjg_head"),
            "zrzyj": self.user("zrzy_officer"),
            "zrzyj_head": self.user("zrzy_head"),
            "reviewer": self.user("sfj_review"),
        }
        self.directory()
        specs = [spec for spec in SPECS if spec.town or not self.town]
        for index, spec in enumerate(sorted(specs, key=lambda s: -s.filed_ago)):
            self.case(index, spec)
        self.oversight()
        return self.written()

    # ---- the directory ----
    def directory(self) -> None:
        es.settings_update(actor=self.office, publish_all_penalties=True)
        for slug, name in (
            ("cgj", "综合行政执法局"),
            ("scjgj", "市场监督管理局"),
            ("zrzyj", "自然资源和规划局"),
        ):
            if self.users.get(slug) is None:  # 自然资源局 exists at city scale only
                continue
            unit = self.users[slug].unit
            self.agencies[slug] = es.agency_create(
                actor=self.office,
                unit=unit,
                name=f"{self.root.name}{name}",
                basis="《中华人民共和国行政处罚法》；市人民政府关于相对集中行政处罚权的决定",
                address=f"{self.root.name}人民路{len(self.agencies) * 12 + 8}号",
                phone=f"0000-8{len(self.agencies)}123456",
                review_organ=f"{self.root.name}人民政府",
                court=f"{self.root.name}人民法院",
                seal_name=f"{self.root.name}{name}",
            )
            self.counts["enforcement_agencies"] += 1
        for spec in MATTERS:
            if spec.agency not in self.agencies:
                continue
            agency = self.agencies[spec.agency]
            matter = es.matter_create(
                actor=self.office,
                agency=agency,
                code=spec.code,
                name=spec.name,
                category=spec.category,
                legal_basis=spec.basis,
                procedure="立案、调查取证、审核、告知、陈述申辩或听证、法制审核（重大案件）、集体讨论（复杂或重大案件）、决定、送达、执行、结案",
                flowchart="立案\n调查取证\n审核\n告知\n陈述申辩/听证\n法制审核\n集体讨论\n决定\n送达\n执行\n结案",
                accepting_body=agency.name,
                approving_body=agency.name,
                conditions="有违法行为发生，依法应当给予行政处罚，属于本机关管辖",
                time_limit="自立案之日起九十日内作出处理决定",
                remedy=REMEDY.format(city=self.root.name),
                discretion_standard=spec.standard,
                discretion_link=f"http://www.ganchao.gov.cn/zfgs/cljz/{spec.code}.html",
            )
            self.matters[spec.key] = es.matter_publish(actor=self.office, matter=matter)
            self.counts["enforcement_matters"] += 1
        far = dt.date(self.as_of.year + 3, 12, 31)
        people = {
            "cgj": (
                ("王建国", "cgj", far), ("刘晓东", "cgj2", far), ("陈立新", None, far),
                ("赵海涛", None, self.as_of + dt.timedelta(days=20)),
                ("孙伟", None, self.as_of - dt.timedelta(days=40)),
            ),
            "scjgj": (("周敏", "scjgj", far), ("吴刚", None, far), ("郑丽", None, far)),
            "zrzyj": (("冯志强", "zrzyj", far), ("蒋文博", None, far)),
        }  # fmt: skip
        for slug, rows in people.items():
            if slug not in self.agencies:
                continue
            agency = self.agencies[slug]
            matters = [m for m in self.matters.values() if m.agency_id == agency.pk]
            self.officers[slug] = []
            for n, (name, account, expires) in enumerate(rows, start=1):
                user = self.users.get(account) if account else None
                officer = es.officer_create(
                    actor=self.office,
                    agency=agency,
                    # an officer with an account is that person: the name they sign in as
                    name=user.full_name if user and user.full_name else name,
                    certificate_no=f"{CERTIFICATE_PREFIX[slug]}0100{n:04d}",
                    certificate_expires=expires,
                    matters=matters,
                    user=user,
                )
                self.officers[slug].append(officer)
                self.counts["enforcement_officers"] += 1
        self.reviewer = es.officer_create(
            actor=self.office,
            agency=self.agencies["cgj"],
            name=getattr(self.users["reviewer"], "full_name", "") or "李雅琴",
            is_reviewer=True,
            legal_qualification=True,
            user=self.users["reviewer"],
        )
        es.officer_create(
            actor=self.office, agency=self.agencies["cgj"], name="何静怡", is_reviewer=True
        )
        self.counts["enforcement_officers"] += 2

    # ---- a case ----
    def case(self, index: int, spec: Spec) -> None:
        """One case through the services, then its text records dated on the days its steps
        happened (the services stamp them with the moment of the seed) and its finished field
        actions completed when they ended."""
        before = CaseRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self._case_steps(index, spec)
        self._date_records(before, self.day(spec.filed_ago))

    def _date_records(self, after_pk: int, filed_on: dt.date) -> None:
        records = list(CaseRecord.objects.filter(pk__gt=after_pk).order_by("pk"))
        if not records:
            return
        case = Case.objects.get(pk=records[0].case_id)
        past_investigation = case.stage in STAGE_ORDER and STAGE_ORDER.index(
            case.stage
        ) > STAGE_ORDER.index(Stage.INVESTIGATING)
        if past_investigation:  # the inspections of a case that has moved on were finished
            handler = case.case_officers.select_related("officer__user").first()
            actor = handler.officer.user if handler and handler.officer.user else None
            for action in case.actions.filter(completed_at__isnull=True, ended_at__isnull=False):
                try:
                    es.action_complete(actor=actor or self.users["cgj"], action=action)
                except (Conflict, Forbidden, ValidationFailed):
                    continue  # one the rules keep open (a recording gap): left as it is
                Action.objects.filter(pk=action.pk).update(completed_at=action.ended_at)
        latest = timezone.now()
        last = None
        for n, record in enumerate(records):
            day = min(filed_on + dt.timedelta(days=STAGE_DAYS.get(record.stage, 0)), self.today)
            when = min(self.at(day, 9, 30) + dt.timedelta(minutes=7 * n), latest)
            record.created_at = last = max(when, last) if last else when
        CaseRecord.objects.bulk_update(records, ["created_at"])

    def _case_steps(self, index: int, spec: Spec) -> None:
        matter = self.matters[spec.matter]
        slug = "scjgj" if matter.agency_id == self.agencies["scjgj"].pk else "cgj"
        actor = self.users[slug]
        head = self.users[f"{slug}_head"]
        crew = self.officers[slug][:2]
        if spec.company is not None:
            party = (
                f"{self.root.name}{COMPANIES[spec.company]}",
                "91370100MA3C" + f"{index:06d}",
                "",
            )
            kind = PartyKind.ORGANISATION
        else:
            party = self.person()
            kind = PartyKind.PERSON
            self.parties.append(party)
        d0 = self.day(spec.filed_ago)
        place = PLACES[spec.place]
        case = es.case_open(
            actor=actor,
            matter=matter,
            officers=crew,
            title=spec.title,
            party_kind=kind,
            party_name=party[0],
            party_id_no=party[1],
            party_phone=party[2],
            party_address=f"{self.root.name}{place}",
            party_representative="张经理" if kind == PartyKind.ORGANISATION else "",
            place=place,
            filed_on=d0,
            source=CaseSource.COMPLAINT if index % 3 == 0 else CaseSource.INSPECTION,
            violation=spec.violation,
            facts=f"经查，当事人{party[0]}在{place}{spec.title}，事实清楚。",
        )
        self.counts["enforcement_cases"] += 1
        self.stages[spec.stage] += 1
        if spec.stage == Stage.FILED:
            return
        if spec.stage == Stage.WITHDRAWN:
            es.case_withdraw(
                actor=actor,
                case=case,
                reason="经核查，该建筑物已于立案前取得规划许可，不构成违法。",
            )
            return
        case = es.case_investigate(actor=actor, case=case)
        on = d0 + dt.timedelta(days=1)
        es.action_create(
            actor=actor,
            case=case,
            kind=ActionKind.SITE_INSPECTION,
            started_at=self.at(on, 9),
            ended_at=self.at(on, 10, 30),
            officers=crew,
            place=place,
            certificate_shown_at=self.at(on, 9, 1),
            informed_at=self.at(on, 9, 3),
            note=f"现场检查：{spec.title}，制作现场检查笔录并拍照取证，当事人在笔录上签字确认。",
        )
        if spec.stage == Stage.INVESTIGATING:
            return
        penalty = matter.category == MatterCategory.PENALTY
        if penalty:
            es.case_update(
                actor=actor,
                case=case,
                proposed_penalties=list(spec.penalties),
                proposed_fine=spec.fine or None,
                proposed_summary=f"拟依据{matter.legal_basis}，对当事人作出{self._words(spec)}的行政处罚。",
                complex=spec.complex,
            )
        elif spec.complex:
            es.case_update(actor=actor, case=case, complex=True)
        case = es.case_submit_review(
            actor=actor, case=case, opinion="调查终结，事实清楚，证据确凿，建议依法处理。"
        )
        if spec.stage == Stage.REVIEWED:
            return
        if penalty:
            self.notice_and_statement(case, spec, actor, d0)
            if spec.stage in (Stage.NOTIFIED, Stage.STATEMENT):
                return
        case = Case.objects.get(pk=case.pk)
        from ganchao.enforcement.selectors import case_facts

        facts = case_facts(case)
        reviewed = facts.major or spec.stage == Stage.LEGAL_REVIEW
        if reviewed and not self.legal_review(case, spec, actor, head, d0):
            return
        if facts.major or spec.complex:
            es.collective_record(
                actor=head,
                case=case,
                held_on=d0 + dt.timedelta(days=26),
                chair="局长",
                participants="局长、分管副局长、法制科科长、执法大队大队长",
                conclusion="经集体讨论，同意承办机构的处理意见。",
            )
            if spec.stage == Stage.COLLECTIVE:
                return
        decided_on = d0 + dt.timedelta(days=28)
        kind_of = {
            MatterCategory.PENALTY: DecisionKind.PENALTY,
            MatterCategory.PERMIT: DecisionKind.PERMIT,
            MatterCategory.COMPULSION: DecisionKind.COMPULSION,
        }[matter.category]
        es.decide(
            actor=head,
            case=Case.objects.get(pk=case.pk),
            kind=kind_of,
            decided_on=decided_on,
            penalties=list(spec.penalties) if penalty else [],
            fine=spec.fine or None,
            summary=f"同意承办机构意见，{self._words(spec) if penalty else '依法作出决定'}。",
        )
        es.decision_draft_update(
            actor=actor,
            case=case,
            social_impact=bool(spec.fine >= 10000),
            social_impact_reason="罚款数额较大，社会关注度高"
            if spec.fine >= 10000
            else "情节轻微，社会影响较小",
            performance="自收到本决定书之日起十五日内到指定银行缴纳罚款"
            if penalty
            else "自收到本决定书之日起执行",
        )
        if spec.stage == Stage.DECIDED and not spec.published:
            return
        es.decision_issue(actor=actor, case=Case.objects.get(pk=case.pk))
        self.publish(case, spec, actor, decided_on)
        if spec.stage == Stage.DECIDED:
            return
        consent = None
        if spec.electronic:
            consent = SimpleUploadedFile("电子送达确认书.pdf", PDF, content_type="application/pdf")
        es.delivery_record(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            method=DeliveryMethod.ELECTRONIC if spec.electronic else DeliveryMethod.DIRECT,
            delivered_on=decided_on + dt.timedelta(days=2),
            recipient=party[0],
            consent_upload=consent,
            note="当事人当场签收。"
            if not spec.electronic
            else "经当事人书面同意，通过电子邮件送达。",
        )
        if spec.stage == Stage.SERVED:
            return
        if matter.category == MatterCategory.COMPULSION:
            self.demolition(case, actor, decided_on + dt.timedelta(days=10), place)
        es.execution_record(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            done_on=decided_on + dt.timedelta(days=12),
            note="当事人已按期缴纳罚款。" if spec.fine else "已依法执行完毕。",
            amount_paid=spec.fine or None,
            compulsory=matter.category == MatterCategory.COMPULSION,
        )
        if spec.rectified and spec.fine:
            es.rectification_verify(
                actor=actor,
                case=Case.objects.get(pk=case.pk),
                rectified_on=decided_on + dt.timedelta(days=20),
                note="经复查，违法行为已改正，现场已恢复原状。",
            )
        if spec.stage == Stage.EXECUTING:
            return
        es.case_close(
            actor=actor, case=Case.objects.get(pk=case.pk), summary="案件执行完毕，予以结案。"
        )
        if spec.revoked:
            self.revoke(case, actor, decided_on + dt.timedelta(days=50))

    def _words(self, spec: Spec) -> str:
        parts = []
        for kind in spec.penalties:
            if kind == PenaltyKind.FINE and spec.fine:
                parts.append(f"罚款{spec.fine}元")
            elif kind != PenaltyKind.FINE:
                parts.append(str(PenaltyKind(kind).label))
        return "、".join(parts) or "依法处理"

    def notice_and_statement(self, case, spec, actor, d0) -> None:
        served_on = d0 + dt.timedelta(days=10)
        es.notice_serve(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            served_on=served_on,
            proposal=f"拟对当事人作出{self._words(spec)}的行政处罚",
            facts=f"当事人{spec.title}，违反了{self.matters[spec.matter].legal_basis}的规定。",
            hearing_right=True if spec.hearing or spec.fine >= 10000 else None,
        )
        if spec.stage == Stage.NOTIFIED:
            return
        if spec.hearing:
            es.statement_record(
                actor=actor,
                case=Case.objects.get(pk=case.pk),
                kind=StatementKind.HEARING_REQUEST,
                received_on=served_on + dt.timedelta(days=2),
                text="当事人书面申请听证。",
            )
            hearing = Hearing.objects.filter(case=case).order_by("-id").first()
            notified_on = served_on + dt.timedelta(days=3)
            es.hearing_schedule(
                actor=actor,
                hearing=hearing,
                notified_on=notified_on,
                scheduled_on=workdays.add_working_days(notified_on, 8),
                place="执法局听证室",
                host="法制科科长",
            )
            if spec.stage == Stage.STATEMENT:
                return
            es.hearing_hold(
                actor=actor,
                hearing=Hearing.objects.get(pk=hearing.pk),
                held_on=workdays.add_working_days(notified_on, 8),
                record_text="听证会依法举行，当事人进行了陈述和申辩，调查人员出示了证据并进行了质证。",
            )
            return
        es.statement_record(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            kind=StatementKind.STATEMENT,
            received_on=served_on + dt.timedelta(days=2),
            text="当事人承认违法事实，请求从轻处罚。",
            adopted=False,
            handling="当事人提出的理由不足以从轻处罚，不予采纳。",
        )

    def legal_review(self, case, spec, actor, head, d0) -> bool:
        """The legal review rounds; False when the case stops in review."""
        review = es.review_submit(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            materials="立案审批表、现场检查笔录、询问笔录、照片、告知书及送达回证、陈述申辩笔录",
        )
        if spec.review_state == "submitted" and spec.stage == Stage.LEGAL_REVIEW:
            return False
        es.review_assign(actor=head, review=review, reviewer=self.reviewer)
        if spec.review_state == "assigned" and spec.stage == Stage.LEGAL_REVIEW:
            return False
        reviewer = self.users["reviewer"]
        if spec.returned_once or spec.review_state == "returned":
            verdicts = dict.fromkeys(ReviewItem.values, (Verdict.PASS, ""))
            verdicts[ReviewItem.FACTS] = (Verdict.PROBLEM, "违法占地面积未经测绘确认，证据不足。")
            es.review_conclude(
                actor=reviewer,
                review=LegalReview.objects.get(pk=review.pk),
                verdicts=verdicts,
                opinion="存在问题：请补充测绘报告后重新提交审核。",
            )
            if spec.stage == Stage.LEGAL_REVIEW:
                return False
            review = es.review_submit(
                actor=actor,
                case=Case.objects.get(pk=case.pk),
                materials="补充测绘报告",
                correction="已委托测绘机构出具面积测绘报告，补充入卷。",
            )
            es.review_assign(actor=head, review=review, reviewer=self.reviewer)
        es.review_conclude(
            actor=reviewer,
            review=LegalReview.objects.get(pk=review.pk),
            verdicts=dict.fromkeys(ReviewItem.values, (Verdict.PASS, "")),
            opinion="主体合法，程序合法，事实清楚，证据充分，适用法律正确，裁量适当，同意处理意见。",
        )
        # the review dates, as they would have been
        LegalReview.objects.filter(case=case).update(
            submitted_at=self.at(d0 + dt.timedelta(days=20)),
            assigned_at=self.at(d0 + dt.timedelta(days=20), 15),
            concluded_at=self.at(d0 + dt.timedelta(days=24)),
        )
        return True

    def demolition(self, case, actor, on, place) -> None:
        crew = self.officers["cgj"][:3]
        action = es.action_create(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            kind=ActionKind.DEMOLITION,
            started_at=self.at(on, 8),
            ended_at=self.at(on, 11),
            officers=crew,
            place=place,
            certificate_shown_at=self.at(on, 8, 2),
            informed_at=self.at(on, 8, 5),
            note="依法实施强制拆除，全程音像记录。",
        )
        segments = (((8, 0), (9, 40)), ((9, 52), (11, 0)))
        for n, (start, end) in enumerate(segments, start=1):
            es.case_file_store(
                actor=actor,
                case=case,
                upload=SimpleUploadedFile(f"强制拆除录像{n}.mp4", MP4, content_type="video/mp4"),
                kind="video",
                action=action,
                recorded_from=self.at(on, *start),
                recorded_to=self.at(on, *end),
            )
        es.gap_explain(
            actor=actor,
            action=action,
            gap_from=self.at(on, 9, 40),
            gap_to=self.at(on, 9, 52),
            reason="执法记录仪电量耗尽，更换备用电池后继续录制。",
        )
        es.action_complete(actor=actor, action=action)

    def publish(self, case, spec, actor, decided_on) -> None:
        task = PublicationTask.objects.filter(case=case, kind=TaskKind.PUBLISH).first()
        if task is None or not spec.published:
            return
        if spec.filed_ago < 100:  # the most recent ones are left to publish (one overdue)
            return
        disclosure_services.publication_publish(actor=actor, task=task)
        published = self.at(decided_on + dt.timedelta(days=4), 16)
        PublicationTask.objects.filter(pk=task.pk).update(done_at=published)
        PublicRecord.objects.filter(case=case).update(published_at=published)
        self.counts["enforcement_published"] += 1

    def revoke(self, case, actor, on) -> None:
        disclosure_services.outcome_record(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            source=OutcomeSource.REVIEW,
            kind=OutcomeKind.REVOKED,
            decided_on=on,
            organ=f"{self.root.name}人民政府",
            document_no=f"{self.root.name[:2]}政复决字〔{on.year}〕12号",
            reason="行政复议机关认为该处罚决定认定事实不清，决定撤销。",
        )
        task = PublicationTask.objects.filter(
            case=case, kind=TaskKind.WITHDRAW, state=TaskState.OPEN
        ).first()
        if task is not None:
            disclosure_services.withdrawal_complete(
                actor=actor, task=task, reason="该处罚决定已被行政复议机关撤销。"
            )

    # ---- complaints, inspections (监管缺位, 屡禁不止) ----
    def oversight(self) -> None:
        agency = self.agencies["cgj"]
        actor = self.users["cgj"]
        for n in range(4):
            oversight_services.complaint_create(
                actor=actor,
                agency=agency,
                place="西湖镇荷塘村废弃砖厂",
                received_on=self.day(60 - n * 10),
                channel="12345热线",
                summary="群众反映有人在河岸私挖滥采，夜间噪声扰民。",
            )
            self.counts["enforcement_complaints"] += 1
        oversight_services.complaint_create(
            actor=actor,
            agency=agency,
            place="人民路与解放街交叉口",
            received_on=self.day(35),
            channel="市长信箱",
            summary="反映路口流动摊贩占道经营。",
        )
        self.counts["enforcement_complaints"] += 1
        oversight_services.inspection_create(
            actor=actor,
            agency=agency,
            matter=self.matters["vending"],
            place="人民路与解放街交叉口",
            inspected_on=self.day(33),
            result="现场发现流动摊贩3处，已劝离并登记。",
        )

    def written(self) -> EnforcementWritten:
        return EnforcementWritten(counts=self.counts, stages=self.stages, parties=self.parties)


def write_enforcement(seed: int, as_of: dt.date, scale: str = "city") -> EnforcementWritten:
    """The demo enforcement data; at town scale the smaller set (every stage once or twice)."""
    return Writer(seed, as_of, town=scale == "town").run()
