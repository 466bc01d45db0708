"""Demo matters (督办事项) for one city: a year of instructions, meeting decisions, key work items,
proposals, higher-level assignments and public appeals, up to the as-of moment, with realistic
stalls — late receipts, town → village forwarding with long dwell, a "已阅，转…办理" note before
the real answer, returns, extensions, overdue matters and reopened ones — and the escalations
a tick would not create from the data by itself (historical 催办, issued 督办单 with their
responses, 通报 and a 约谈), field visits and burden requests.

A pure function of its context (read from the seeded plan by `matters_writer`), the seed and the
as-of date: one `random.Random` stream per city, apart from the unit and plan streams. Deadlines
and substantive flags come from `supervision.matter_rules`, so the rows obey the same rules as
the services. Rows are unsaved model instances with explicit ids from the writer's counters.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata import names
from ganchao.ladder.choices import DocumentType, NoticeState, ResponseState, TalkState
from ganchao.ladder.documents import document_number, plain_date
from ganchao.ladder.models import BulletinListing, NoticeResponse, SupervisionNotice, TalkProposal
from ganchao.ladder.services import NOTICE_RESPONSE_WORKING_DAYS
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.matter_choices import (
    ExtensionState,
    FeedbackKind,
    HandlingRole,
    MatterState,
    Source,
    Urgency,
)
from ganchao.supervision.models import (
    Alert,
    Matter,
    MatterEvent,
    MatterExtension,
    MatterFeedback,
    MatterHop,
)
from ganchao.supervision.services import URGE_RESPONSE_WORKING_DAYS
from ganchao.visits.choices import PlaceKind, RequestKind, Severity, VisitKind
from ganchao.visits.models import BurdenRequest, Demand, FieldVisit, Finding, Guidance

MATTERS_PER_CITY = {"town": 40, "city": 120, "province": 120}
NOTICES_PER_CITY = {"town": 4, "city": 8, "province": 6}
# 督办 proposals the office has not yet decided at the as-of date: the latest red spells to reach
# 10 working days. The office decided the earlier ones as they came (a few issued as 督办单, the
# rest not pursued, with a reason), so the desk opens on a week's worth, as in a real city.
PENDING_PROPOSALS = {"town": 2, "city": 4, "province": 3}
DISMISS_REASONS = (
    "该单位已书面说明滞后原因并报送整改计划，进度正在恢复，暂不签发督办单，继续跟踪。",
    "滞后主要受季节性施工因素影响，分管领导已专题调度，暂不督办，下月再评估。",
    "已纳入本月重点工作调度会统筹推进，不再重复督办。",
)
URGE_EXPLANATIONS = (
    "已组织专人办理，因涉及多个部门会商，预计三个工作日内反馈办理结果。",
    "正在协调资金和施工队伍，已形成初步方案，待分管领导审定后即行反馈。",
)
VISITS_PER_CITY = {"town": 3, "city": 6, "province": 4}
BURDEN_PER_CITY = {"town": 4, "city": 8, "province": 5}
SOURCES = (
    (Source.INSTRUCTION, 30), (Source.MEETING, 14), (Source.KEY_WORK, 14),
    (Source.PROPOSAL, 12), (Source.HIGHER_LEVEL, 14), (Source.PUBLIC_APPEAL, 16),
)  # fmt: skip
OFFICE_SOURCES = (Source.PROPOSAL, Source.PUBLIC_APPEAL)
URGENCIES = ((Urgency.NORMAL, 64), (Urgency.URGENT, 22), (Urgency.EXTRA_URGENT, 7),
             (Urgency.LONG_TERM, 7))  # fmt: skip
TOPICS = {
    Source.INSTRUCTION: ("请{unit}认真研究，拿出加快推进的具体措施", "该项工作进度滞后，请{unit}查明原因、限期整改"),
    Source.MEETING: ("落实市政府常务会议关于{topic}的决定", "落实专题会议关于{topic}的议定事项"),
    Source.KEY_WORK: ("推进{topic}重点工作", "加快{topic}年度重点任务"),
    Source.PROPOSAL: ("办理市人大代表关于{topic}的建议", "办理市政协委员关于{topic}的提案"),
    Source.HIGHER_LEVEL: ("落实省政府督查室交办的{topic}事项", "办理省领导批示的{topic}问题"),
    Source.PUBLIC_APPEAL: ("群众反映{topic}问题", "12345热线反映{topic}诉求"),
}  # fmt: skip
SUBJECTS = (
    "农村生活污水治理", "老旧小区改造", "中小学校舍安全", "农贸市场环境整治", "乡村道路养护",
    "企业用工保障", "高标准农田建设", "城区停车难", "农村饮水安全", "河道保洁", "秸秆综合利用",
    "安全生产隐患排查", "项目用地报批", "农民工工资支付", "背街小巷路灯维修", "养老服务设施建设",
    "生活垃圾分类", "防汛物资储备", "电动自行车充电设施", "营商环境投诉",
)  # fmt: skip
SUBSTANTIVE = (
    "已召开专题会议研究部署，明确分管负责同志牵头，制定整改方案，细化{n}项具体措施，"
    "目前已完成现场排查和问题清单梳理，计划于下月底前全部整改到位。",
    "经实地核查，问题属实。已协调相关部门落实资金{n}万元，完成主体施工，"
    "剩余扫尾工作将在两周内完成，并建立长效管护机制，定期回访。",
    "已逐户走访{n}户群众，当面解释政策并解决实际困难；对反映的突出问题建立台账，"
    "实行销号管理，已销号问题占比八成以上。",
)
NON_SUBSTANTIVE = ("已阅，转{to}办理。", "收到，已转{to}办理", "已阅。请{to}阅处")
RETURN_REASONS = (
    "反馈内容只讲了安排部署，没有具体进展和完成时限，请补充实际成效。",
    "反馈未回应领导批示中提出的资金来源问题，请重新报送。",
)
EXTENSION_REASONS = (
    "涉及跨部门协调用地手续，需等待省级审批结果，申请延期。",
    "工程受连续降雨影响无法施工，申请顺延完成时限。",
    "需开展第三方评估后方能形成整改结论，申请延期。",
)
REOPEN_TEXTS = ("整改成效还不够，请举一反三，建立长效机制后再报。",
                "请再核查一遍群众满意度，回访结果一并报送。")  # fmt: skip


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    type: str
    parent_id: int | None
    path: str
    user_id: int | None  # the liaison (or head) who acts for the unit
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderInfo:
    id: int
    name: str
    user_id: int | None
    full_name: str


@dataclass(frozen=True)
class ItemInfo:
    id: int
    code: str
    name: str
    status: str
    leader_ids: tuple[int, ...]
    lead_unit_id: int | None


@dataclass(frozen=True)
class RedAssignment:
    id: int
    unit_id: int
    red_since: dt.date
    label: str


@dataclass
class CityContext:
    code: str
    office_unit_id: int
    office_user_id: int
    office_user_name: str
    departments: list[UnitInfo]
    towns: list[UnitInfo]
    villages: dict[int, list[UnitInfo]]  # town id → its villages and communities
    leaders: list[LeaderInfo]
    leader_of_unit: dict[int, int]  # unit id → leader in charge (deepest area)
    items: list[ItemInfo]  # red or yellow items first, then others
    red_assignments: list[RedAssignment]
    user_names: dict[int, str] = field(default_factory=dict)


@dataclass
class CityRows:
    matters: list = field(default_factory=list)
    hops: list = field(default_factory=list)
    feedbacks: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    events: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    bulletins: list = field(default_factory=list)
    talks: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    guidance: list = field(default_factory=list)
    demands: list = field(default_factory=list)
    burden: list = field(default_factory=list)
    burden_units: list = field(default_factory=list)


def end_moment(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def at_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class MatterBuilder:
    """Builds one city's rows; `ids.take(Model)` gives the next explicit id."""

    def __init__(self, ctx: CityContext, scale: str, seed: int, as_of: dt.date, cal, ids):
        self.ctx, self.scale, self.as_of, self.cal, self.ids = ctx, scale, as_of, cal, ids
        self.rng = random.Random(f"ganchao-matters:{seed}:{ctx.code}")
        self.end = end_moment(as_of)
        self.day = cal.day_micros
        self.rows = CityRows()
        self.left_unexplained = False  # one overdue matter's 催办 stays unanswered
        self.people: set[str] = set()
        self.handlers = [u for u in ctx.departments + ctx.towns if u.user_id]
        self.staffed_towns = [u for u in ctx.towns if u.user_id and ctx.villages.get(u.id)]
        self.units = {u.id: u for u in ctx.departments + ctx.towns}
        for villages in ctx.villages.values():
            self.units.update({v.id: v for v in villages})
        self.leaders = {leader.id: leader for leader in ctx.leaders}
        year_start = dt.date(as_of.year, 1, 1)
        self.first_day = cal.add_working_days(year_start, 2)

    # ---- time helpers ----------------------------------------------------------------------

    def later(self, at: dt.datetime, days: float) -> dt.datetime:
        """`at` plus `days` working days, rounded to the minute."""
        moment = self.cal.add_working_time(at, dt.timedelta(microseconds=int(self.day * days)))
        return moment.replace(second=0, microsecond=0)

    def random_start(self, latest: dt.date) -> dt.datetime:
        span = max(self.cal.working_days_between(self.first_day, latest), 1)
        day = self.cal.add_working_days(self.first_day, self.rng.randrange(span))
        return at_time(day, self.rng.choice((9, 10, 11, 14, 15, 16)), self.rng.choice((0, 15, 30)))

    def person(self) -> str:
        return names.person_name(self.rng, self.people)

    # ---- matters ---------------------------------------------------------------------------

    def build(self) -> CityRows:
        if not self.handlers:
            return self.rows
        count = MATTERS_PER_CITY[self.scale]
        plans = self._plans(count)
        for number, plan in enumerate(plans):
            self._matter(number, plan)
        self._assignment_ladder()
        self._visits()
        self._burden()
        return self.rows

    def _plans(self, count: int) -> list[dict]:
        """What happens to each matter, drawn up front so every stall appears at least once."""
        rng = self.rng
        # most matters move normally; each kind of stall still appears (a town forwarding to a
        # village is normal work, not a stall, so chains are a little more common)
        stalls = (["late_receipt"] * max(2, count // 30) + ["chain"] * max(3, count // 12)
                  + ["note_first"] * max(2, count // 30) + ["returned"] * max(2, count // 30)
                  + ["extended"] * max(2, count // 30) + ["overdue"] * max(2, count // 40)
                  + ["reopened"] * max(1, count // 60)
                  + ["recent"] * max(4, count // 10))  # fmt: skip
        stalls += ["smooth"] * max(0, count - len(stalls))
        rng.shuffle(stalls)
        return [{"stall": stall} for stall in stalls[:count]]

    def _matter(self, number: int, plan: dict) -> None:
        rng, ctx, stall = self.rng, self.ctx, plan["stall"]
        source = weighted(rng, SOURCES)
        urgency = weighted(rng, URGENCIES)
        if stall == "overdue" and urgency == Urgency.LONG_TERM:
            urgency = Urgency.NORMAL
        item = None
        if source in (Source.INSTRUCTION, Source.KEY_WORK) and ctx.items:
            pool = [i for i in ctx.items if i.status in ("red", "yellow")] or ctx.items
            item = (
                pool[number % len(pool)] if source == Source.INSTRUCTION else rng.choice(ctx.items)
            )
        lead = self._lead(stall, item)
        leader = self._leader(item, lead)
        subject = rng.choice(SUBJECTS)
        if item is not None:
            title = f"关于“{item.name}”的{Source(source).label}"
        else:
            title = rng.choice(TOPICS[source]).format(topic=subject, unit=lead.name)
        content = (rng.choice(TOPICS[Source.INSTRUCTION]).format(unit=lead.name) + "。"
                   + f"请于规定时限内反馈办理情况。（{subject}）")  # fmt: skip
        # a matter still open at the as-of date starts late in the year
        if stall in ("overdue", "recent"):
            # overdue by days, not weeks: urged, and most explained in writing
            back = rng.randint(7, 10) if stall == "overdue" else rng.randint(0, 6)
            day = self.cal.add_working_days(self.as_of, -back)
            created = at_time(day, rng.choice((9, 10, 15)), rng.choice((0, 30)))
        else:
            created = self.random_start(self.cal.add_working_days(self.as_of, -3))
        milestones = []
        if urgency == Urgency.LONG_TERM:
            months = sorted({min(created.month + k, 12) for k in (2, 5, 8)})
            milestones = [dt.date(created.year, m, 28).isoformat() for m in months]
            if created.month >= 11:
                milestones.append(dt.date(created.year + 1, 3, 31).isoformat())
        issuer_user = (
            leader.user_id if source == Source.INSTRUCTION else None
        ) or ctx.office_user_id
        # the office registers proposals and public appeals itself: no 交办领导
        if source in OFFICE_SOURCES:
            leader = None
        matter = Matter(
            id=self.ids.take(Matter), title=title[:200], content=content, source=source,
            urgency=urgency, state=MatterState.DRAFT, leader_id=leader.id if leader else None,
            item_id=item.id if item else None, lead_unit_id=None, milestones=milestones,
            created_by_id=issuer_user, created_at=created, reopen_count=0, version=1,
        )  # fmt: skip
        self.rows.matters.append(matter)
        sim = MatterSim(self, matter, lead, leader, stall, issuer_user)
        sim.run()
        matter.version = sim.steps + 1

    def _lead(self, stall: str, item: ItemInfo | None) -> UnitInfo:
        if stall == "chain" and self.staffed_towns:
            return self.rng.choice(self.staffed_towns)
        if item and item.lead_unit_id:
            for unit in self.handlers:
                if unit.id == item.lead_unit_id:
                    return unit
        return self.rng.choice(self.handlers)

    def _leader(self, item: ItemInfo | None, lead: UnitInfo) -> LeaderInfo:
        if item and item.leader_ids and item.leader_ids[0] in self.leaders:
            return self.leaders[item.leader_ids[0]]
        leader_id = self.ctx.leader_of_unit.get(lead.id)
        return self.leaders.get(leader_id) or self.ctx.leaders[0]

    # ---- level-3 to level-5 for red assignments ---------------------------------------------

    def _assignment_ladder(self) -> None:
        cal, rng = self.cal, self.rng
        eligible = [
            r for r in self.ctx.red_assignments
            if cal.add_working_days(r.red_since, 10) < self.as_of and r.unit_id in self.units
        ]  # fmt: skip
        if not eligible:
            return
        # the unit with the most red assignments gets two unanswered notices (two 通报 → 约谈)
        by_unit: dict[int, list[RedAssignment]] = {}
        for row in eligible:
            by_unit.setdefault(row.unit_id, []).append(row)
        repeat_unit = max(by_unit, key=lambda u: (len(by_unit[u]), -u))
        chosen = sorted(by_unit[repeat_unit], key=lambda r: (r.red_since, r.id))[:2]
        # the other 督办单 go to units with a liaison, who can answer them
        others = [r for r in eligible if r.unit_id != repeat_unit and self.units[r.unit_id].user_id]
        rng.shuffle(others)
        chosen += others[: max(0, NOTICES_PER_CITY[self.scale] - len(chosen))]
        outcomes = ["unanswered"] * min(2, len(chosen))
        outcomes += [("accepted", "accepted", "unanswered", "answered")[k % 4]
                     for k in range(len(chosen) - len(outcomes))]  # fmt: skip
        notices = []
        for row, outcome in zip(chosen, outcomes, strict=True):
            notices.append(self._red_notice(row, outcome))
        self._number_and_list([n for n in notices if n is not None])
        self._decided_proposals([r for r in eligible if r not in chosen])

    def _decided_proposals(self, rows: list[RedAssignment]) -> None:
        """The office decided each earlier proposal the working day after it came: not pursued,
        with a reason. The latest few are left for the tick to propose (the desk's pending list)."""
        rows = sorted(rows, key=lambda r: (r.red_since, r.id))
        for number, row in enumerate(rows[: max(0, len(rows) - PENDING_PROPOSALS[self.scale])]):
            notice = self._red_proposal(row)
            day = self.cal.add_working_days(notice.proposed_at.date(), 1)
            if day > self.as_of:
                continue
            notice.state = NoticeState.DISMISSED
            notice.dismissed_at = at_time(day, self.rng.choice((9, 10, 15, 16)), 30)
            notice.dismissed_by_id = self.ctx.office_user_id
            notice.dismiss_reason = DISMISS_REASONS[number % len(DISMISS_REASONS)]

    def _red_proposal(self, row: RedAssignment) -> SupervisionNotice:
        """The 催办 when the assignment turned red (answered the next day) and the 督办 proposal
        the tick made 10 working days into the red spell."""
        cal = self.cal
        urged_at = at_time(row.red_since, 22)
        urge = Alert(
            id=self.ids.take(Alert), level=Level.URGE, trigger=Trigger.TURNED_RED,
            assignment_id=row.id, cause_key=row.red_since.isoformat(), at=urged_at,
            unit_id=row.unit_id,
            message=f"“{row.label}”严重滞后（自 {plain_date(row.red_since)} 起），"
                    "请于3个工作日内报送进展或书面说明。",
            response_due=cal.add_working_days(row.red_since, URGE_RESPONSE_WORKING_DAYS),
            responded_at=self.later(at_time(cal.add_working_days(row.red_since, 1), 10), 0.5),
            response="已组织专班分析滞后原因，正在协调资金和用地等要素保障，争取尽快扭转。",
            responded_by_id=self.units[row.unit_id].user_id,
        )  # fmt: skip
        self.rows.alerts.append(urge)
        proposed_day = cal.add_working_days(row.red_since, 10)
        unit = self.units[row.unit_id]
        reason = f"自{plain_date(row.red_since)}起严重滞后，已满10个工作日。"
        notice = SupervisionNotice(
            id=self.ids.take(SupervisionNotice), state=NoticeState.PROPOSED,
            trigger=Trigger.RED_TEN_DAYS, cause_key=row.red_since.isoformat(),
            assignment_id=row.id, unit_id=row.unit_id, proposed_at=at_time(proposed_day, 23, 59),
            reason=f"“{row.label}”{reason}",
            title=f"关于督促推进“{row.label[:250]}”的督办单",
            content=f"{unit.name}：\n“{row.label}”{reason}请高度重视，认真分析原因，采取有力措施"
                    f"加快推进，并于本督办单签发之日起{NOTICE_RESPONSE_WORKING_DAYS}个工作日内将整改"
                    "落实情况书面报告督查室。",
        )  # fmt: skip
        self.rows.notices.append(notice)
        return notice

    def _red_notice(self, row: RedAssignment, outcome: str):
        cal, ctx = self.cal, self.ctx
        notice = self._red_proposal(row)
        unit = self.units[row.unit_id]
        issue_day = cal.add_working_days(notice.proposed_at.date(), 1)
        if issue_day > self.as_of:
            return None
        notice.state = NoticeState.ISSUED
        notice.issued_at = at_time(issue_day, 10)
        notice.issued_by_id, notice.issuer_unit_id = ctx.office_user_id, ctx.office_unit_id
        notice.response_due = cal.add_working_days(issue_day, NOTICE_RESPONSE_WORKING_DAYS)
        answer_day = cal.add_working_days(issue_day, 3)
        if outcome in ("accepted", "answered") and answer_day <= self.as_of and unit.user_id:
            response = NoticeResponse(
                id=self.ids.take(NoticeResponse), notice_id=notice.id,
                text="已召开专题会议，明确责任人和时间节点，落实整改措施，预计下月恢复正常进度。",
                submitted_by_id=unit.user_id,
                submitted_at=at_time(answer_day, 16), state=ResponseState.SUBMITTED,
            )  # fmt: skip
            self.rows.responses.append(response)
            notice.state = NoticeState.ANSWERED
            accept_day = cal.add_working_days(answer_day, 1)
            if outcome == "accepted" and accept_day <= min(notice.response_due, self.as_of):
                notice.state = NoticeState.ACCEPTED
                notice.accepted_response_at = at_time(accept_day, 11)
                response.state = ResponseState.ACCEPTED
                response.decided_by_id, response.decided_at = (
                    ctx.office_user_id,
                    at_time(accept_day, 11),
                )
                response.decision_note = "整改措施具体，予以认可，请按节点推进。"
        return notice

    def _number_and_list(self, issued: list) -> None:
        """文号 in issuing order; a 通报 for each notice past its due without an accepted
        response, dated at the due date; a 约谈 proposal from a unit's second 通报."""
        for notice in sorted(issued, key=lambda n: (n.issued_at, n.id)):
            year = notice.issued_at.year
            seq = self.ids.take_number(year)
            notice.number_year, notice.number_seq = year, seq
            notice.number = document_number(DocumentType.NOTICE, year, seq)
        due = [
            n for n in issued
            if n.response_due < self.as_of and n.state != NoticeState.ACCEPTED
        ]  # fmt: skip
        held = False
        for notice in sorted(due, key=lambda n: (n.response_due, n.id)):
            ordinal = self.ids.take_bulletin(notice.unit_id, notice.response_due.year)
            leader_id = self.ctx.leader_of_unit.get(notice.unit_id)
            listing = BulletinListing(
                id=self.ids.take(BulletinListing), notice_id=notice.id, unit_id=notice.unit_id,
                leader_id=leader_id, dated=notice.response_due,
                at=end_moment(notice.response_due), year=notice.response_due.year,
                ordinal=ordinal,
            )  # fmt: skip
            self.rows.bulletins.append(listing)
            if ordinal < 2:
                continue
            talk = TalkProposal(
                id=self.ids.take(TalkProposal), bulletin_id=listing.id, unit_id=notice.unit_id,
                leader_id=leader_id, year=listing.year, count=ordinal, proposed_at=listing.at,
                state=TalkState.PROPOSED,
            )  # fmt: skip
            held_on = self.cal.add_working_days(listing.dated, 3)
            leader = self.leaders.get(leader_id)
            if not held and held_on <= self.as_of and leader and leader.user_id:
                held = True
                talk.state, talk.held_on = TalkState.HELD, held_on
                talk.notes = (f"{leader.name}同志约谈{self.units[notice.unit_id].name}主要负责人，"
                              "指出连续被通报的问题，要求一周内提交整改报告。")  # fmt: skip
                talk.decided_by_id, talk.decided_at = leader.user_id, at_time(held_on, 17)
            self.rows.talks.append(talk)

    # ---- field visits and burden requests -----------------------------------------------------

    def _visits(self) -> None:
        rng, ctx = self.rng, self.ctx
        places = ((PlaceKind.VILLAGE, "村", "人居环境整治和村集体经济发展"),
                  (PlaceKind.PROJECT_SITE, "项目建设现场", "重点项目建设进度"),
                  (PlaceKind.WORKSHOP, "生产车间", "企业安全生产和用工情况"))  # fmt: skip
        leaders = [leader for leader in ctx.leaders if leader.user_id]
        if not leaders or not ctx.towns:
            return
        for number in range(VISITS_PER_CITY[self.scale]):
            kind, suffix, purpose = places[number % len(places)]
            leader = leaders[number % len(leaders)]
            town = rng.choice(self.staffed_towns if number == 0 and self.staffed_towns
                              else ctx.towns)  # fmt: skip
            villages = ctx.villages.get(town.id) or []
            unit = rng.choice(villages) if kind == PlaceKind.VILLAGE and villages else town
            place = (
                unit.name
                if kind == PlaceKind.VILLAGE
                else (
                    f"{town.name}{rng.choice(('智能制造产业园', '污水处理厂', '安置房'))}{suffix}"
                )
            )
            visited = self.random_start(self.cal.add_working_days(self.as_of, -10)).date()
            visit = FieldVisit(
                id=self.ids.take(FieldVisit),
                kind=VisitKind.SUPERVISION if number % 2 else VisitKind.RESEARCH,
                leader_id=leader.id, unit_id=unit.id, place_kind=kind, place_name=place[:200],
                visited_on=visited, purpose=f"{leader.name}到{place}调研督导{purpose}",
                created_by_id=leader.user_id,
            )  # fmt: skip
            self.rows.visits.append(visit)
            self.rows.participants.append((visit.id, leader.user_id))
            self._visit_details(visit, town, number == 0)

    def _visit_details(self, visit, town: UnitInfo, with_matter: bool) -> None:
        rng = self.rng
        problems = ("部分路段排水沟堵塞，雨天积水严重", "施工现场安全防护网缺失",
                    "车间消防通道堆放杂物", "村集体经济项目收益未按期分配")  # fmt: skip
        for position in range(1, rng.randint(1, 3) + 1):
            finding = Finding(
                id=self.ids.take(Finding), visit_id=visit.id, position=position,
                description=rng.choice(problems),
                severity=rng.choice((Severity.MINOR, Severity.SERIOUS, Severity.SEVERE)),
                unit_id=town.id,
            )  # fmt: skip
            self.rows.findings.append(finding)
            if with_matter and position == 1 and town.user_id:
                finding.matter_id = self._finding_matter(visit, finding, town)
        for position in range(1, rng.randint(1, 2) + 1):
            self.rows.guidance.append(Guidance(
                id=self.ids.take(Guidance), visit_id=visit.id, position=position,
                content=rng.choice(("介绍邻县同类项目的做法，提供对接联系人",
                                    "协调市住建局派技术人员现场指导", "讲解专项债申报政策要点")),
            ))  # fmt: skip
        for position in range(1, rng.randint(1, 3) + 1):
            self.rows.demands.append(Demand(
                id=self.ids.take(Demand), visit_id=visit.id, position=position,
                content=rng.choice(("月底前完成问题整改并报送整改报告", "建立问题台账，逐项销号",
                                    "加强日常巡查，落实专人负责")),
            ))  # fmt: skip

    def _finding_matter(self, visit, finding, town: UnitInfo) -> int:
        leader = self.leaders[visit.leader_id]
        created = at_time(self.cal.add_working_days(visit.visited_on, 1), 9)
        matter = Matter(
            id=self.ids.take(Matter), title=f"调研发现问题：{finding.description}"[:200],
            content=f"{leader.name}调研{visit.place_name}时发现：{finding.description}。请限期整改。",
            source=Source.INSTRUCTION, urgency=Urgency.URGENT, state=MatterState.DRAFT,
            leader_id=leader.id, milestones=[], created_by_id=leader.user_id,
            created_at=created, reopen_count=0, version=1,
        )  # fmt: skip
        self.rows.matters.append(matter)
        sim = MatterSim(self, matter, town, leader, "smooth", leader.user_id)
        sim.run()
        matter.version = sim.steps + 1
        return matter.id

    def _burden(self) -> None:
        rng, ctx = self.rng, self.ctx
        senders = [d for d in ctx.departments if d.user_id] or ctx.departments
        if not senders or not ctx.towns:
            return
        titles = ("关于报送{m}月份农村人居环境整治进展的通知", "关于填报企业用工情况统计表的通知",
                  "关于开展安全生产大排查的通知", "关于报送防汛物资储备情况的通知")  # fmt: skip
        kinds = (RequestKind.NOTICE, RequestKind.REPORT_REQUEST, RequestKind.DATA_REQUEST,
                 RequestKind.INSTRUCTION)  # fmt: skip
        sent = self.cal.add_working_days(self.as_of, -40)
        for number in range(BURDEN_PER_CITY[self.scale]):
            sender = senders[number % len(senders)]
            # the second request repeats the first a few days later: a likely duplicate
            template = titles[0] if number < 2 else rng.choice(titles)
            sent = self.cal.add_working_days(sent, 2 if number == 1 else rng.randint(3, 6))
            sent = min(sent, self.as_of)
            request = BurdenRequest(
                id=self.ids.take(BurdenRequest), title=template.format(m=sent.month),
                kind=kinds[number % len(kinds)], from_unit_id=sender.id, sent_on=sent,
                created_by_id=sender.user_id or ctx.office_user_id,
            )  # fmt: skip
            self.rows.burden.append(request)
            targets = ctx.towns[: rng.randint(2, max(2, len(ctx.towns)))]
            self.rows.burden_units += [(request.id, t.id) for t in targets]


class MatterSim:
    """Walks one matter through the workflow up to the as-of moment, writing its hops,
    feedbacks, extensions, events and historical 催办 as the services would."""

    def __init__(self, builder: MatterBuilder, matter, lead: UnitInfo, leader, stall, issuer):
        self.b, self.m, self.lead, self.leader = builder, matter, lead, leader
        self.stall, self.issuer = stall, issuer
        self.rng, self.cal, self.rows = builder.rng, builder.cal, builder.rows
        self.steps = 0
        self.hops: list[MatterHop] = []
        self.forward_target: UnitInfo | None = None

    def ok(self, at: dt.datetime) -> bool:
        return at <= self.b.end

    def event(self, verb, at, text="", unit_id=None, actor=None) -> None:
        self.rows.events.append(MatterEvent(
            id=self.b.ids.take(MatterEvent), matter_id=self.m.id, verb=verb, unit_id=unit_id,
            actor_id=actor, text=text, at=at,
        ))  # fmt: skip
        if verb != "create":
            self.steps += 1

    def milestones(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.m.milestones]

    def run(self) -> None:
        m = self.m
        self.event("create", m.created_at, m.content, actor=self.issuer)
        at = self.b.later(m.created_at, self.rng.choice((0.05, 0.1, 0.2)))
        if not self.ok(at):
            return
        self.assign(at)
        start = self.receive_lead()
        if start is None:
            return
        at = start
        if self.stall == "chain":
            at = self.forward_chain(at)
            if at is None:
                return
        if self.stall == "note_first" or (self.stall == "chain" and self.rng.random() < 0.6):
            at = self.note(at)
            if at is None:
                return
        if self.stall == "extended":
            at = self.extend(at)
            if at is None:
                return
        if self.stall == "overdue":
            self.urge_overdue()
            return
        at = self.answer_and_review(at, returned=self.stall == "returned")
        if at is None:
            return
        if self.stall == "reopened":
            at = self.later(at, self.rng.uniform(0.5, 2))
            if not self.ok(at):
                return
            text = self.rng.choice(REOPEN_TEXTS)
            m.state, m.completed_at, m.reopen_count = MatterState.IN_PROGRESS, None, 1
            self.restart(at)
            self.event("reopen", at, text, actor=self.issuer_user())
            at = self.answer_and_review(self.later(at, 0.3), returned=False)
            if at is None:
                return
        at = self.later(at, self.rng.uniform(0.3, 3))
        if self.ok(at):
            m.state, m.closed_at = MatterState.CLOSED, at
            self.event("close", at, "同意销号。", actor=self.issuer_user())

    def later(self, at, days) -> dt.datetime:
        return self.b.later(at, days)

    def issuer_user(self) -> int:
        """Who closes out or reopens: the 交办领导, or the office for its own matters."""
        if self.leader is not None and self.leader.user_id:
            return self.leader.user_id
        return self.issuer

    def restart(self, at) -> None:
        self.m.responded_at = None
        self.m.response_due = rules.response_due(self.m.urgency, at, self.cal, self.milestones())

    # ---- steps -------------------------------------------------------------------------------

    def hop(self, from_unit, to_unit: UnitInfo, role, at, forwarded_by, note="") -> MatterHop:
        row = MatterHop(
            id=self.b.ids.take(MatterHop), matter_id=self.m.id,
            from_unit_id=from_unit.id if from_unit else None, to_unit_id=to_unit.id, role=role,
            person=self.b.person(), note=note, forwarded_at=at, forwarded_by_id=forwarded_by,
            receipt_due=rules.receipt_due(self.m.urgency, at, self.cal),
        )  # fmt: skip
        self.rows.hops.append(row)
        self.hops.append(row)
        return row

    def assign(self, at) -> None:
        m, b = self.m, self.b
        m.state, m.lead_unit_id, m.assigned_at = MatterState.ASSIGNED, self.lead.id, at
        m.receipt_due = rules.receipt_due(m.urgency, at, self.cal)
        m.response_due = rules.response_due(m.urgency, at, self.cal, self.milestones())
        self.hop(None, self.lead, HandlingRole.LEAD, at, b.ctx.office_user_id)
        names_ = [f"{self.lead.name}（牵头）"]
        if self.rng.random() < 0.35:
            pool = [u for u in b.ctx.departments + b.ctx.towns if u.id != self.lead.id]
            for unit in self.rng.sample(pool, min(len(pool), self.rng.randint(1, 2))):
                self.hop(None, unit, HandlingRole.COOPERATING, at, b.ctx.office_user_id)
                names_.append(f"{unit.name}（协办）")
        self.event("assign", at, "、".join(names_), actor=b.ctx.office_user_id)

    def receive_lead(self) -> dt.datetime | None:
        m = self.m
        lead_hop = self.hops[0]
        late = self.stall == "late_receipt"
        delay = self.rng.uniform(1.3, 3.5) if late else self.rng.uniform(0.02, 0.4)
        at = self.later(m.assigned_at, delay)
        if late:
            self.urge(Trigger.MATTER_RECEIPT_LATE, m.receipt_due, at)
        for hop in self.hops[1:]:
            co_at = self.later(m.assigned_at, self.rng.uniform(0.05, 0.8))
            if self.ok(co_at):
                self.receive(hop, co_at)
        if not self.ok(at):
            return None
        self.receive(lead_hop, at)
        m.received_at, m.state = at, MatterState.IN_PROGRESS
        return at

    def receive(self, hop: MatterHop, at) -> None:
        unit = self.b.units.get(hop.to_unit_id)
        hop.received_at, hop.received_by_id = at, unit.user_id if unit else None
        self.event("receive", at, hop.person, unit_id=hop.to_unit_id, actor=hop.received_by_id)

    def forward(self, from_unit: UnitInfo, to_unit: UnitInfo, at, dwell) -> dt.datetime | None:
        hop = self.hop(from_unit, to_unit, HandlingRole.FORWARDED, at, from_unit.user_id,
                       note="请抓紧办理，按时反馈。")  # fmt: skip
        self.event("forward", at, f"{from_unit.name} → {to_unit.name}（{hop.person}） {hop.note}",
                   unit_id=to_unit.id, actor=from_unit.user_id)  # fmt: skip
        received = self.later(at, dwell)
        if not self.ok(received):
            return None
        self.receive(hop, received)
        return received

    def forward_chain(self, at) -> dt.datetime | None:
        """Town → village with a long dwell before the village signs."""
        b, town = self.b, self.lead
        villages = b.ctx.villages.get(town.id) or []
        if not villages:
            return at
        village = self.rng.choice(villages)
        self.forward_target = village
        forward_at = self.later(at, self.rng.uniform(0.2, 1.0))
        if not self.ok(forward_at):
            return None
        return self.forward(town, village, forward_at, self.rng.uniform(1.5, 4.0))

    def note(self, at) -> dt.datetime | None:
        """A first feedback with no substance: kept as a note, the clock keeps running."""
        target = self.forward_target
        to = target.name if target else self.rng.choice(("相关科室", "分管副镇长", "业务股室"))
        text = self.rng.choice(NON_SUBSTANTIVE).format(to=to)
        at = self.later(at, self.rng.uniform(0.1, 0.8))
        if not self.ok(at):
            return None
        self.feedback(text, FeedbackKind.PROGRESS, at)
        return at

    def names(self) -> list[str]:
        b, names_ = self.b, [self.leader.name] if self.leader else []
        for hop in self.hops:
            unit = b.units.get(hop.to_unit_id)
            if unit:
                names_ += [unit.name, *unit.aliases]
            names_.append(hop.person)
        names_ += [b.ctx.user_names.get(self.lead.user_id, "")]
        return [n for n in names_ if n]

    def feedback(self, text, kind, at) -> bool:
        m = self.m
        judged = rules.judge_feedback(text, has_attachment=False, names=self.names())
        self.rows.feedbacks.append(MatterFeedback(
            id=self.b.ids.take(MatterFeedback), matter_id=m.id, unit_id=self.lead.id, kind=kind,
            text=text, substantive=judged.substantive, judgement=judged.reason,
            created_by_id=self.lead.user_id, created_at=at,
        ))  # fmt: skip
        if not judged.substantive:
            self.event("note", at, text, unit_id=self.lead.id, actor=self.lead.user_id)
            return False
        self.urge_if_late(at)
        if m.responded_at is None:
            m.responded_at = at
        if m.first_response_at is None:
            m.first_response_at = at
        if kind == FeedbackKind.FINAL:
            m.state = MatterState.AWAITING_REVIEW
        elif m.state == MatterState.RETURNED:
            m.state = MatterState.IN_PROGRESS
        self.event(kind, at, text, unit_id=self.lead.id, actor=self.lead.user_id)
        return True

    def extend(self, at) -> dt.datetime | None:
        m = self.m
        if m.response_due is None:
            return at
        ask = self.later(at, self.rng.uniform(0.3, 1.0))
        if not self.ok(ask) or ask >= m.response_due:
            return at
        due_day = self.cal.add_working_days(m.response_due.date(), self.rng.randint(5, 10))
        requested = at_time(due_day, 17, 30)
        reason = self.rng.choice(EXTENSION_REASONS)
        ext = MatterExtension(
            id=self.b.ids.take(MatterExtension), matter_id=m.id, unit_id=self.lead.id,
            reason=reason, requested_due=requested, state=ExtensionState.REQUESTED,
            requested_by_id=self.lead.user_id, requested_at=ask,
        )  # fmt: skip
        self.rows.extensions.append(ext)
        self.event("request_extension", ask, reason, unit_id=self.lead.id, actor=self.lead.user_id)
        decided = self.later(ask, self.rng.uniform(0.1, 0.5))
        if not self.ok(decided):
            return None
        ext.state, ext.decided_by_id, ext.decided_at = (
            ExtensionState.APPROVED,
            self.b.ctx.office_user_id,
            decided,
        )
        ext.decision_note = "理由充分，同意延期。"
        m.response_due = requested
        self.event("decide_extension", decided, f"{ext.get_state_display()} {ext.decision_note}",
                   actor=self.b.ctx.office_user_id)  # fmt: skip
        return decided

    def answer_and_review(self, at, *, returned: bool) -> dt.datetime | None:
        """Final feedback (on time, or late now and then), the office's review, 退办 once when
        `returned`, then 办结."""
        m, b = self.m, self.b
        for attempt in range(2 if returned else 1):
            if m.urgency == Urgency.LONG_TERM and attempt == 0 and m.response_due:
                progress_at = min(self.later(at, self.rng.uniform(2, 6)), m.response_due)
                if progress_at <= at:
                    progress_at = self.later(at, 0.5)
                if not self.ok(progress_at):
                    return None
                text = self.rng.choice(SUBSTANTIVE).format(n=self.rng.randint(3, 30))
                self.feedback(text, FeedbackKind.PROGRESS, progress_at)
                self.long_term_next(progress_at)
                at = progress_at
            budget = self._days_to_due(at)
            late = self.rng.random() < 0.15
            days = (
                budget * self.rng.uniform(0.3, 0.9)
                if not late
                else budget + self.rng.uniform(1.2, 3)
            )
            answer_at = self.later(at, max(days, 0.1))
            if not self.ok(answer_at):
                return None
            text = self.rng.choice(SUBSTANTIVE).format(n=self.rng.randint(3, 30))
            self.feedback(text, FeedbackKind.FINAL, answer_at)
            review_at = self.later(answer_at, self.rng.uniform(0.2, 1.5))
            if not self.ok(review_at):
                return None
            if returned and attempt == 0:
                reason = self.rng.choice(RETURN_REASONS)
                m.state = MatterState.RETURNED
                self.restart(review_at)
                self.event("return", review_at, reason, actor=b.ctx.office_user_id)
                at = review_at
                continue
            m.state, m.completed_at = MatterState.COMPLETED, review_at
            self.event("complete", review_at, "办理到位，同意办结。", actor=b.ctx.office_user_id)
            return review_at
        return None

    def long_term_next(self, at) -> None:
        m = self.m
        next_day = at.astimezone(SHANGHAI).date() + dt.timedelta(days=1)
        upcoming = rules.response_due(m.urgency, at_time(next_day, 0), None, self.milestones())
        if upcoming is not None:
            m.response_due, m.responded_at = upcoming, None

    def _days_to_due(self, at) -> float:
        due = self.m.response_due
        if due is None or due <= at:
            return 1.0
        return self.cal.working_micros_between(at, due) / self.b.day

    # ---- 催办 the tick would have raised in the past ------------------------------------------

    def urge(self, trigger, due: dt.datetime | None, answered_at: dt.datetime | None) -> None:
        """A 催办 raised one working day after `due`, answered at `answered_at` if that came."""
        if due is None:
            return
        at = self.later(due, 1.0).replace(minute=0)
        at = max(at, self.later(due, 1.0))
        if not self.ok(at) or (answered_at is not None and answered_at <= at):
            return
        key = due.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
        word = "签收" if trigger == Trigger.MATTER_RECEIPT_LATE else "反馈"
        when = due.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")
        alert = Alert(
            id=self.b.ids.take(Alert), level=Level.URGE, trigger=trigger, matter_id=self.m.id,
            cause_key=key, at=at, unit_id=self.lead.id,
            message=f"督办事项“{self.m.title}”已逾期未{word}（期限 {when}），"
                    + ("请立即签收。" if word == "签收" else "请于3个工作日内反馈或书面说明。"),
            response_due=self.cal.add_working_days(at.astimezone(SHANGHAI).date(),
                                                   URGE_RESPONSE_WORKING_DAYS),
        )  # fmt: skip
        if answered_at is not None and self.ok(answered_at):
            alert.responded_at, alert.responded_by_id = answered_at, self.lead.user_id
            alert.response = f"已{word}，正在抓紧办理。"
        self.rows.alerts.append(alert)

    def urge_overdue(self) -> None:
        """An overdue matter's 催办; all but the city's first are explained in writing within a
        working day or so (an explained 催办 needs no 督办)."""
        before = len(self.rows.alerts)
        self.urge_if_late(self.b.end)
        if len(self.rows.alerts) == before:
            return
        alert = self.rows.alerts[-1]
        if not self.b.left_unexplained:
            self.b.left_unexplained = True
            return
        at = self.later(alert.at, self.rng.uniform(0.2, 1.5))
        if self.ok(at):
            alert.responded_at, alert.responded_by_id = at, self.lead.user_id
            alert.response = self.rng.choice(URGE_EXPLANATIONS)

    def urge_if_late(self, answered_at: dt.datetime) -> None:
        m = self.m
        if m.responded_at is None and m.response_due and m.response_due < answered_at:
            done = None if answered_at >= self.b.end else answered_at
            self.urge(Trigger.MATTER_RESPONSE_LATE, m.response_due, done)
