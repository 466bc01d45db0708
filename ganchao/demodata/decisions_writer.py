"""Writing the demo 依法干 data: one year's catalogue and major administrative decisions in every
state, for the FIRST city of the data set only (at province scale that is one city, 江川市;
the others have none). The city's root unit is the decision organ.

Unlike the other writers, every row is made through the decisions services, as the demo
accounts (office1, the departments' liaisons, sfj_review, lawyer1, the 市长), so that every rule
of LEGAL_RULES.md section A holds and the audit chain is the real one. The services stamp
"now"; where a record must look older (consultation dates, review requests, meetings) its dates
are set with `.update()` right after, relative to the as-of date and within its year. A pure
function of (seed, as-of): the seed picks the experts' and members' names.

Called by `services.demo_seed` inside its transaction, after the assessment.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from ganchao.common import workdays
from ganchao.common.workcalendar import SHANGHAI
from ganchao.decisions import services as ds
from ganchao.decisions.choices import (
    AdviserConclusion,
    AdviserKind,
    Category,
    HeadDecision,
    MeetingType,
    Position,
    PublicationChannel,
    ReviewConclusion,
    RiskConclusion,
    SuspensionReason,
)
from ganchao.decisions.models import (
    AdoptionReport,
    AgendaItem,
    Archive,
    CatalogueItem,
    Consultation,
    Decision,
    DraftVersion,
    ExecutionReport,
    ExpertAssignment,
    ExpertOpinion,
    FairCompetitionReview,
    LegalityReview,
    Meeting,
    Opinion,
    PartyReport,
    Publication,
    PublicComment,
    ReviewPause,
    RiskAssessment,
    Suspension,
)
from ganchao.decisions.services import after as after_services
from ganchao.decisions.services import review as review_services
from ganchao.demodata import names
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit, User
from ganchao.portal.services import public_comment_submit

DECISION_COUNT_KEYS = (
    "decisions", "decision_catalogue_items", "decision_meetings", "decision_consultations",
    "decision_comments", "legal_advisers", "adviser_consultations", "decision_experts",
)  # fmt: skip


@dataclass
class DecisionsWritten:
    counts: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)
    city: str = ""


def summary_lines(written: DecisionsWritten) -> list[str]:
    """The decisions' lines of the seed summary (依法干)."""
    c = written.counts
    if not c["decisions"]:
        return []
    return [
        f"  {written.city}重大行政决策 {c['decisions']} 件（目录事项 {c['decision_catalogue_items']} 项，"
        f"集体讨论会议 {c['decision_meetings']} 次，征求意见 {c['decision_consultations']} 次、"
        f"公众意见 {c['decision_comments']} 条）",
        f"  法律顾问 {c['legal_advisers']} 名（咨询 {c['adviser_consultations']} 次），"
        f"决策咨询专家 {c['decision_experts']} 名",
    ]


# ---- the content --------------------------------------------------------------------------

EXPERTS = (
    ("城市规划", "教授", "云江大学建筑与城市规划学院"),
    ("交通工程", "研究员", "省交通科学研究院"),
    ("环境工程", "教授级高级工程师", "省环境科学研究院"),
    ("公共管理", "教授", "云江大学公共管理学院"),
    ("化工安全", "高级工程师", "省安全生产科学研究院"),
    ("经济学", "副教授", "云江财经大学经济学院"),
    ("法学", "教授", "云江大学法学院"),
    ("历史文化遗产保护", "研究员", "省文物考古研究所"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国志明海涛晓东丽华文静卫东振华秀英国庆德明春燕立新"


@dataclass(frozen=True)
class Spec:
    """One demo decision: its matter, undertakers, flags and how far it gets (`stop`)."""

    key: str
    title: str
    category: str
    lead: str  # department slug
    co: tuple[str, ...]
    stop: str
    start: int  # days before the as-of date it was proposed
    technical: bool = False
    stability_risk: bool = False
    market_activity: bool = False
    exploratory: bool = False
    exempt: str = ""  # the legal basis of 依法不予公开, instead of a consultation
    summary: str = ""


SPECS = (
    Spec("parking", "城区停车收费标准调整", Category.POLICY, "fgw", ("cgj", "scjgj"),
         "executing", 300, stability_risk=True,
         summary="按照“中心高于外围、路内高于路外、白天高于夜间”的原则，调整城区路内停车收费标准。"),
    Spec("oldhousing", "老旧小区改造三年行动计划（2026—2028年）", Category.PLANNING, "zjj",
         ("czj",), "published", 290,
         summary="对2000年底前建成的老旧小区分三年完成改造，明确改造内容、资金分担和居民参与。"),
    Spec("waste", "生活垃圾分类管理实施方案", Category.POLICY, "cgj", ("sthjj",),
         "suspended", 310,
         summary="在城区全面推行生活垃圾四分类，设置定时定点投放和收运体系。"),
    Spec("bus", "城区公交线网优化调整方案", Category.PROJECT, "jtj", ("fgw",),
         "decided", 200, technical=True,
         summary="优化调整城区公交线路32条，新开社区微循环线路6条，撤并重复线路4条。"),
    Spec("preschool", "学前教育布局规划（2026—2035年）", Category.PLANNING, "jyj", ("zrzyj",),
         "rejected", 210, technical=True,
         summary="按照常住人口变化调整幼儿园布点，新建、改扩建公办幼儿园。"),
    Spec("oldstreet", "历史文化街区保护与利用规划", Category.RESOURCES, "zrzyj", ("wglj", "zjj"),
         "ready", 170, technical=True,
         summary="划定历史文化街区核心保护范围和建设控制地带，明确保护和活化利用措施。"),
    Spec("water", "水资源费征收标准调整", Category.RESOURCES, "slj", ("fgw", "czj"),
         "review_running", 80,
         summary="按照省定标准区间调整地表水、地下水水资源费征收标准。"),
    Spec("industrial", "产业园区招商引资扶持政策", Category.POLICY, "gxj", ("czj", "scjgj"),
         "a12", 130, market_activity=True,
         summary="对入驻产业园区的先进制造业企业给予租金补贴、设备投资奖励和人才支持。"),
    Spec("masterplan", "城市总体规划修编", Category.PLANNING, "zrzyj", ("fgw", "zjj"),
         "review_paused", 110, technical=True,
         summary="修编城市总体规划，优化城市空间布局、划定城镇开发边界。"),
    Spec("chemical", "城区化工企业搬迁改造方案", Category.PROJECT, "gxj", ("yjj", "sthjj"),
         "a8", 150, stability_risk=True,
         summary="推动城区6家危险化学品生产企业搬迁入园或关闭退出，妥善安置职工。"),
    Spec("heating", "城区集中供热价格调整", Category.POLICY, "fgw", ("zjj",),
         "a9", 140,
         summary="根据燃料成本变化，调整城区居民和非居民集中供热价格。"),
    Spec("market", "农贸市场升级改造与经营权出让方案", Category.PROJECT, "swuj", ("scjgj",),
         "a16", 120, market_activity=True,
         summary="对城区12个农贸市场实施升级改造，并通过公开招标出让经营权。"),
    Spec("elderly", "居家和社区养老服务补贴办法", Category.POLICY, "czj", ("mzj", "wjw"),
         "open_consultation", 30,
         summary="对经济困难的高龄、失能老年人给予居家和社区养老服务补贴。"),
    Spec("flood", "城市防洪排涝设施建设规划", Category.PROJECT, "slj", ("zjj", "cgj"),
         "a3", 25,
         summary="完善城区排水管网和泵站建设，提高城市内涝防治能力。"),
    Spec("homestead", "农村宅基地制度改革试点实施方案", Category.OTHER, "nyncj", ("zrzyj",),
         "exploratory", 190, exploratory=True,
         exempt="",
         summary="在两个镇开展宅基地有偿使用和自愿有偿退出试点。"),
    Spec("greenway", "滨江绿道建设项目", Category.PROJECT, "zjj", ("zrzyj",),
         "proposed", 10,
         summary="沿江建设慢行绿道28公里，配套驿站和停车设施。"),
)  # fmt: skip

# The catalogue's extra item in the adjusting v2 draft.
V2_ITEM = ("市区公共停车场建设专项规划", Category.PLANNING, "zrzyj")

# Collective discussions: (title, days before as-of (negative: upcoming), decisions).
MEETINGS = (
    ("市政府第18次常务会议", 230, ("waste",)),
    ("市政府第21次常务会议", 205, ("parking", "oldhousing")),
    ("市政府第27次常务会议", 70, ("preschool", "bus", "homestead")),
    ("市政府第33次常务会议", -7, ("oldstreet",)),
)

OPINIONS = (
    (
        "建议分步实施，给群众留出过渡期。",
        "partly",
        "采纳设置过渡期的建议，过渡期按实施方案定为6个月。",
    ),
    ("建议公开测算依据和资金来源。", "adopted", ""),
    (
        "建议暂缓实施。",
        "not_adopted",
        "该事项已列入年度目录，前期论证充分，暂缓实施不利于改善民生。",
    ),
)


class Writer:
    def __init__(self, seed: int, as_of: dt.date):
        self.rng = random.Random(f"decisions-{seed}")
        self.as_of = as_of
        self.today = timezone.localdate()  # what the services compare with
        self.counts = Counter()
        self.root = Unit.objects.filter(type=UnitType.CITY).order_by("code").first()
        self.prefix = "c01_" if self.root.parent_id else ""
        self.decisions: dict[str, Decision] = {}
        self.units: dict[str, Unit] = {}
        self.reviews: dict[str, LegalityReview] = {}

    # ---- people and units ----
    def user(self, name: str) -> User | None:
        return User.objects.filter(username=self.prefix + name).first()

    def dept(self, slug: str) -> Unit:
        """The department of the slug; at town scale, where most are missing, 市发改委."""
        if slug not in self.units:
            name = next(d.name for d in names.DEPARTMENTS if d.slug == slug)
            unit = Unit.objects.filter(parent=self.root, name=name).first()
            self.units[slug] = unit or (self.dept("fgw") if slug != "fgw" else None)
        return self.units[slug]

    def liaison(self, slug: str) -> User:
        return self.user(f"{slug}_liaison") or self.office

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, 2))

    # ---- dates ----
    def day(self, days_before: int) -> dt.date:
        """as-of minus the days, kept within as-of's year (a negative count: ahead)."""
        value = self.as_of - dt.timedelta(days=days_before)
        return max(value, dt.date(self.as_of.year, 1, 2))

    def past(self, value: dt.date) -> dt.date:
        """A date the services accept as not in the future."""
        return min(value, self.today)

    def quarter(self, start: int) -> str:
        """The quarter a matter proposed `start` days before as-of is planned to be decided in."""
        planned = self.as_of - dt.timedelta(days=start - 110)
        number = 4 if planned.year > self.as_of.year else (planned.month - 1) // 3 + 1
        return ("第一季度", "第二季度", "第三季度", "第四季度")[number - 1]

    def at(self, value: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(value, dt.time(hour), tzinfo=SHANGHAI)

    def run(self) -> DecisionsWritten:
        self.office = self.user("office1")
        self.reviewer = self.user("sfj_review")
        self.lawyer = self.user("lawyer1")
        self.mayor = User.objects.filter(
            username__startswith=self.prefix + "leader", leader__title="市长"
        ).first()
        ds.decision_settings_update(actor=self.office, catalogue_mode=True)
        self.advisers()
        self.experts()
        self.catalogue()
        for spec in sorted(SPECS, key=lambda spec: -spec.start):  # codes in proposal order
            self.decision(spec)
        self.meetings()
        self.after()
        self.catalogue_v2()
        return self.written()

    # ---- the registers ----
    def advisers(self) -> None:
        year = self.as_of.year
        rows = (
            ("陈立群", AdviserKind.GOVERNMENT_ADVISER, "云江正衡律师事务所", self.lawyer),
            ("周敏", AdviserKind.GOVERNMENT_ADVISER, "云江大学法学院", None),
            ("郑启明", AdviserKind.PUBLIC_LAWYER, "市司法局", None),
        )
        self.adviser = []
        for number, (name, kind, organisation, user) in enumerate(rows, start=1):
            self.adviser.append(
                ds.legal_adviser_create(
                    actor=self.office,
                    name=name,
                    kind=kind,
                    appointing_unit=self.root,
                    organisation=organisation,
                    qualification=f"1{year - 10}{number:02d}10{self.rng.randrange(10**6):06d}",
                    term_start=dt.date(year - 1, 1, 1),
                    term_end=dt.date(year + 1, 12, 31),
                    user=user,
                )
            )
        # 顾而不问: some departments consult on everyday matters, most never do
        everyday = (
            ("czj", "政府采购合同履约争议处理", 200),
            ("czj", "国有资产出租合同条款审查", 120),
            ("scjgj", "行政处罚裁量基准适用", 90),
            ("fgw", "政府投资项目代建合同审查", 60),
        )
        for slug, subject, days in everyday:
            ds.adviser_opinion_record(
                actor=self.liaison(slug) if self.user(f"{slug}_liaison") else self.office,
                unit=self.dept(slug),
                adviser=self.adviser[1],
                subject=subject,
                opinion="经审查，相关条款符合法律规定，建议明确违约责任和争议解决方式。",
                conclusion=AdviserConclusion.COMPLIANT_WITH_ADVICE,
                consulted_on=self.past(self.day(days)),
            )
            self.counts["adviser_consultations"] += 1
        self.counts["legal_advisers"] = len(rows)

    def experts(self) -> None:
        self.pool = ds.expert_pool_create(
            actor=self.office, name=f"{self.root.name}重大行政决策咨询论证专家库", owner=self.root
        )
        self.pool_experts = [
            ds.expert_add(
                actor=self.office,
                pool=self.pool,
                name=self.person(),
                organisation=organisation,
                specialty=specialty,
                title=title,
            )
            for specialty, title, organisation in EXPERTS
        ]
        self.counts["decision_experts"] = len(self.pool_experts)

    def catalogue(self) -> None:
        year = self.as_of.year
        self.v1 = ds.catalogue_create(
            actor=self.office,
            owner=self.root,
            year=year,
            title=f"{self.root.name}人民政府{year}年度重大行政决策事项目录",
        )
        self.items = {}
        for spec in sorted(SPECS, key=lambda spec: -spec.start):
            self.items[spec.key] = ds.catalogue_item_add(
                actor=self.office,
                catalogue=self.v1,
                title=spec.title,
                category=spec.category,
                undertaking_unit=self.dept(spec.lead),
                planned_quarter=self.quarter(spec.start),
                description=spec.summary,
            )
        approved = self.day(330)
        ds.catalogue_approve(
            actor=self.office,
            catalogue=self.v1,
            party_approved_on=self.past(approved),
            party_approval_doc=f"{self.root.name.removesuffix('市')}市委办〔{year}〕6号",
        )
        ds.catalogue_publish(actor=self.office, catalogue=self.v1)
        self.items = {  # re-read: they hold the catalogue as it was before publication
            key: CatalogueItem.objects.select_related("catalogue").get(pk=item.pk)
            for key, item in self.items.items()
        }
        type(self.v1).objects.filter(pk=self.v1.pk).update(
            party_approved_on=approved, published_at=self.at(self.day(325))
        )
        self.counts["decision_catalogue_items"] = len(SPECS)

    def catalogue_v2(self) -> None:
        v2 = ds.catalogue_create(
            actor=self.office,
            owner=self.root,
            year=self.as_of.year,
            adjustment_note="根据市委、市政府年中工作部署，增补公共停车场建设专项规划。",
        )
        title, category, slug = V2_ITEM
        ds.catalogue_item_add(
            actor=self.office,
            catalogue=v2,
            title=title,
            category=category,
            undertaking_unit=self.dept(slug),
            planned_quarter="第四季度",
        )

    # ---- one decision, up to its stop ----
    def decision(self, spec: Spec) -> None:
        lead = self.dept(spec.lead)
        units = [lead, *{self.dept(s) for s in spec.co} - {lead}]
        units.sort(key=lambda unit: unit.code)
        actor = self.liaison(spec.lead)
        decision = ds.decision_propose(
            actor=self.office,
            owner=self.root,
            title=spec.title,
            category=spec.category,
            year=self.as_of.year,
            units=units,
            lead=lead,
            catalogue_item=self.items[spec.key],
            summary=spec.summary,
            proposal_reason="列入本年度重大行政决策事项目录，由市政府常务会议审议。",
            technical=spec.technical,
            stability_risk=spec.stability_risk,
            market_activity=spec.market_activity,
            exploratory=spec.exploratory,
        )
        self.decisions[spec.key] = decision
        Decision.objects.filter(pk=decision.pk).update(created_at=self.at(self.day(spec.start)))
        if spec.stop == "proposed":
            return
        ds.draft_add(
            actor=actor,
            decision=decision,
            text=f"{spec.title}（征求意见稿）\n一、总体要求\n{spec.summary}\n二、主要内容……\n三、保障措施……",
            explanation=f"关于《{spec.title}》的起草说明：起草背景、依据和主要内容。",
        )
        DraftVersion.objects.filter(decision=decision).update(
            created_at=self.at(self.day(spec.start - 3))
        )
        ds.decision_launch(actor=self.office, decision=decision)
        t = spec.start - 5  # days before as-of, moving forward through the procedures
        Decision.objects.filter(pk=decision.pk).update(launched_at=self.at(self.day(t)))
        if spec.stop == "a3":
            return
        if spec.stop == "open_consultation":
            self.open_consultation(spec, decision, actor)
            return
        t = self.participation(spec, decision, actor, t)
        if spec.technical:
            self.expert_opinion(spec, decision, actor, t)
        if spec.stability_risk:
            controllable = spec.stop != "a8"
            ds.risk_assessment_add(
                actor=actor,
                decision=decision,
                assessor=f"{self.dept(spec.lead).name}（委托第三方评估机构）",
                third_party=True,
                risk_points="部分群众对方案存在不同意见；涉及企业职工安置和补偿。"
                if controllable
                else "涉及职工约1800人安置，补偿资金缺口较大，周边群众信访风险突出。",
                measures="分步实施、加强宣传解释、设立过渡期。"
                if controllable
                else "拟分批搬迁，补偿标准尚未与企业达成一致。",
                contingency_plan="制定舆情应对和群体性事件处置预案。",
                departments_heard="市信访局、市公安局、市人力资源和社会保障局",
                conclusion=RiskConclusion.CONTROLLABLE
                if controllable
                else RiskConclusion.UNCONTROLLABLE,
            )
            RiskAssessment.objects.filter(decision=decision).update(
                created_at=self.at(self.day(t - 25))
            )
        if spec.market_activity and spec.stop != "a12":
            ds.fair_review_add(
                actor=actor,
                decision=decision,
                reviewer_unit=self.dept("scjgj"),
                reviewed_on=self.past(self.day(t - 30)),
                opinion="未设置市场准入和退出障碍，未限制商品要素自由流动，符合公平竞争审查标准。",
                conclusion="passes",
            )
            FairCompetitionReview.objects.filter(decision=decision).update(
                created_at=self.at(self.day(t - 30), 15)
            )
        t -= 35
        review = review_services.review_request(
            actor=actor,
            decision=decision,
            legal_basis="《重大行政决策程序暂行条例》及相关法律、法规、规章。",
            procedure_statement="已履行公众参与、专家论证、风险评估等法定程序，情况详见附件。",
        )
        self.reviews[spec.key] = review
        requested = self.day(t)
        LegalityReview.objects.filter(pk=review.pk).update(
            requested_at=self.at(requested),
            earliest_meeting_on=workdays.add_working_days(requested, 7),
            due_on=workdays.add_working_days(requested, 15),
        )
        review_services.review_take(actor=self.reviewer, review=review)
        if spec.stop == "review_running":
            return
        if spec.stop == "review_paused":
            review_services.review_supplement_request(
                actor=self.reviewer,
                review=review,
                reason="请补充专家论证意见的采纳情况说明和规划环评审查意见。",
            )
            ReviewPause.objects.filter(review=review).update(
                started_at=self.at(self.day(max(t - 6, 3)))
            )
            return
        consultation = ds.adviser_opinion_record(
            actor=self.lawyer,
            unit=self.dept(spec.lead),
            adviser=self.adviser[0],
            subject=f"《{spec.title}》的合法性",
            opinion="决策事项属于市政府职权范围，程序合法，内容未与上位法相抵触。",
            conclusion=AdviserConclusion.COMPLIANT,
            consulted_on=self.past(self.day(t - 3)),
            legality_review=review,
        )
        ds.adviser_opinion_adopt(actor=self.office, consultation=consultation, adoption="adopted")
        self.counts["adviser_consultations"] += 1
        conclusion = {
            "a9": ReviewConclusion.UNLAWFUL,
            "exploratory": ReviewConclusion.EXPLORATORY,
        }.get(spec.stop, ReviewConclusion.LAWFUL)
        review_services.review_conclude(
            actor=self.reviewer,
            review=review,
            authority_opinion="该事项属于市政府职权范围。",
            procedure_opinion="已依法履行公众参与、专家论证、风险评估等程序。",
            content_opinion="调价幅度超出省定价目录规定的权限，且未履行成本监审程序。"
            if spec.stop == "a9"
            else "内容符合法律、法规、规章和国家政策规定。",
            conclusion=conclusion,
            legal_risk_statement="试点涉及宅基地有偿退出，现行法律尚无明确规定，存在被认定超越权限的法律风险；"
            "已报请省级主管部门同意，并明确试点范围和期限。"
            if spec.exploratory
            else "",
        )
        LegalityReview.objects.filter(pk=review.pk).update(
            concluded_at=self.at(self.day(t - 8), 16)
        )
        if spec.stop == "a16":
            ds.adviser_opinion_record(
                actor=self.lawyer,
                unit=self.dept(spec.lead),
                adviser=self.adviser[0],
                subject=f"《{spec.title}》经营权出让条款",
                opinion="经营权出让期限设定为30年且未经公开竞价，不符合国有资产有偿使用的规定。",
                conclusion=AdviserConclusion.NON_COMPLIANT,
                consulted_on=self.past(self.day(t - 10)),
                decision=decision,
            )
            self.counts["adviser_consultations"] += 1
        if spec.stop in ("a9", "a12", "a16", "a8"):
            return
        ds.packet_build(actor=self.office, decision=decision)

    def participation(self, spec, decision, actor, t: int) -> int:
        """A 30-day consultation, closed, its comments grouped into handled opinions and the
        采纳情况说明 generated; or the exemption with its legal basis. Returns the new t."""
        if spec.exempt:
            ds.participation_exempt(actor=actor, decision=decision, legal_basis=spec.exempt)
            return t - 3
        start, end = self.day(t - 2), self.day(t - 32)
        consultation = ds.consultation_create(
            actor=actor,
            decision=decision,
            title=f"关于《{spec.title}（征求意见稿）》公开征求意见的公告",
            explanation=f"为提高决策的科学性和民主性，现将《{spec.title}（征求意见稿）》向社会公开征求意见。",
            channel=f"电子邮件 {spec.key}@example.gov.cn；或登录市政府门户网站“意见征集”栏目",
            # dates the services accept on the real clock; the story's dates follow
            start_date=self.today - dt.timedelta(days=40),
            end_date=self.today - dt.timedelta(days=5),
        )
        ds.consultation_publish(actor=actor, consultation=consultation)
        ds.consultation_close(actor=actor, consultation=consultation)
        Consultation.objects.filter(pk=consultation.pk).update(
            start_date=start,
            end_date=end,
            published_at=self.at(start, 9),
            closed_at=self.at(self.day(t - 33), 9),
        )
        self.counts["decision_consultations"] += 1
        for seq, (summary, adoption, reason) in enumerate(OPINIONS, start=1):
            opinion = ds.opinion_add(
                actor=actor,
                decision=decision,
                source="public" if seq != 2 else "department",
                source_unit=self.dept("czj") if seq == 2 else None,
                summary=summary,
                comment_count=3 + seq if seq != 2 else None,
                consultation=consultation if seq != 2 else None,
            )
            ds.opinion_handle(actor=actor, opinion=opinion, adoption=adoption, reason=reason)
        Opinion.objects.filter(decision=decision).update(handled_at=self.at(self.day(t - 35)))
        ds.adoption_report_generate(actor=actor, decision=decision)
        AdoptionReport.objects.filter(decision=decision).update(
            generated_at=self.at(self.day(t - 36))
        )
        return t - 37

    def open_consultation(self, spec, decision, actor) -> None:
        """Open on the portal now: comments pending, published and one rejected."""
        start, end = self.day(12), self.as_of + dt.timedelta(days=20)
        consultation = ds.consultation_create(
            actor=actor,
            decision=decision,
            title=f"关于《{spec.title}（征求意见稿）》公开征求意见的公告",
            explanation="为完善我市养老服务体系，现将《居家和社区养老服务补贴办法（征求意见稿）》"
            "向社会公开征求意见，欢迎社会各界提出意见建议。",
            channel="电子邮件 yanglao@example.gov.cn；信函寄市财政局社会保障科",
            start_date=self.today - dt.timedelta(days=5),
            end_date=self.today + dt.timedelta(days=30),
        )
        ds.consultation_publish(actor=actor, consultation=consultation)
        bodies = (
            ("建议将补贴对象扩大到独居老人。", "publish"),
            ("补贴标准偏低，建议每月不低于300元。", "publish"),
            ("建议补贴可以在定点养老机构通用。", "publish"),
            ("某某养老公司服务最好，大家都去！联系电话1380000XXXX", "reject"),
            ("希望简化申请手续，由社区代办。", ""),
            ("建议明确失能等级评估由谁负责。", ""),
        )
        for number, (body, action) in enumerate(bodies, start=1):
            comment = public_comment_submit(
                consultation_id=consultation.pk,
                body=body,
                author="" if number % 2 else "市民",
                address=f"198.51.100.{number}",
            )
            if action:
                ds.comment_moderate(
                    actor=actor,
                    comment=comment,
                    action=action,
                    note="含广告内容，不予公开。" if action == "reject" else "",
                )
            PublicComment.objects.filter(pk=comment.pk).update(
                submitted_at=self.at(self.day(10 - number), 9 + number)
            )
        self.counts["decision_comments"] += len(bodies)
        self.counts["decision_consultations"] += 1
        Consultation.objects.filter(pk=consultation.pk).update(
            start_date=start, end_date=end, published_at=self.at(start, 9)
        )

    def expert_opinion(self, spec, decision, actor, t: int) -> None:
        for expert in self.rng.sample(self.pool_experts, 3):
            assignment = ds.expert_assign(
                actor=actor,
                decision=decision,
                expert=expert,
                declaration="本人与该决策事项不存在直接利害关系。",
            )
            opinion = ds.expert_opinion_add(
                actor=actor,
                assignment=assignment,
                text="方案必要、可行，建议进一步细化分期实施安排和资金保障措施。",
                signed_by=expert.name,
                signed_on=self.past(self.day(t - 20)),
                seal=expert.organisation,
            )
            ds.expert_opinion_adopt(actor=actor, opinion=opinion, adoption="adopted")
        ExpertAssignment.objects.filter(decision=decision).update(
            assigned_at=self.at(self.day(t - 10)), declared_at=self.at(self.day(t - 10))
        )
        ExpertOpinion.objects.filter(assignment__decision=decision).update(
            created_at=self.at(self.day(t - 20), 16)
        )

    # ---- collective discussion ----
    def meetings(self) -> None:
        members = [(self.person(), title) for title in ("常务副市长", "副市长", "副市长", "秘书长")]
        for title, days, keys in MEETINGS:
            held = self.day(days)
            upcoming = days < 0
            meeting = ds.meeting_create(
                actor=self.office,
                owner=self.root,
                kind=MeetingType.STANDING,
                title=title,
                held_on=held if upcoming else self.past(held),
                chaired_by=self.mayor.full_name if self.mayor else "市长",
            )
            self.counts["decision_meetings"] += 1
            for key in keys:
                decision = self.decisions[key]
                LegalityReview.objects.filter(decision=decision).update(
                    earliest_meeting_on=self.day(days + 10)
                )
                item = ds.agenda_add(actor=self.office, meeting=meeting, decision=decision)
                AgendaItem.objects.filter(pk=item.pk).update(added_at=self.at(self.day(days + 5)))
                if upcoming:
                    continue
                spoken = self.at(self.past(held), 10)
                for number, (member, member_title) in enumerate(members):
                    dissent = key in ("bus", "preschool") and number == 3
                    ds.position_record(
                        actor=self.office,
                        item=item,
                        member=member,
                        member_title=member_title,
                        position=Position.DISAGREE
                        if dissent or (key == "preschool" and number >= 1)
                        else Position.AGREE,
                        remarks="建议进一步论证财政承受能力。" if dissent else "",
                        recorded_at=spoken + dt.timedelta(minutes=5 * number),
                    )
                ds.head_decide(
                    actor=self.office,
                    item=item,
                    head_name=self.mayor.full_name if self.mayor else "市长",
                    decision=HeadDecision.REJECT if key == "preschool" else HeadDecision.ADOPT,
                    reason="人口预测数据需按第七次人口普查结果更新，布点方案重新论证后再提请审议。"
                    if key == "preschool"
                    else "",
                    decided_at=spoken + dt.timedelta(minutes=30),
                )
                Decision.objects.filter(pk=decision.pk).update(
                    decided_at=spoken + dt.timedelta(minutes=30)
                )
            if not upcoming:
                ds.meeting_sign_off(actor=self.office, meeting=meeting)
                Meeting.objects.filter(pk=meeting.pk).update(
                    held_on=held, signed_off_at=self.at(self.day(days - 2), 17)
                )
            else:
                Meeting.objects.filter(pk=meeting.pk).update(held_on=held)

    # ---- after the decision ----
    def after(self) -> None:
        year = self.as_of.year
        short = self.root.name.removesuffix("市")
        rows = (("oldhousing", 200, 15), ("parking", 198, 16), ("waste", 225, 12))
        for key, days, number in rows:
            decision = self.decisions[key]
            spec = next(s for s in SPECS if s.key == key)
            after_services.party_report_add(
                actor=self.office,
                decision=decision,
                reported_on=self.past(self.day(days)),
                doc_number=f"{short}府〔{year}〕{number + 20}号",
            )
            published = self.day(days - 5)
            after_services.publication_add(
                actor=self.office,
                decision=decision,
                channel=PublicationChannel.WEBSITE,
                reference=f"https://www.example.gov.cn/zwgk/{year}/{key}.html",
                published_on=self.past(published),
                doc_number=f"{short}政发〔{year}〕{number}号",
                text=f"{spec.title}\n{spec.summary}\n（正文略）",
                interpretation=f"《{spec.title}》政策解读：出台背景、主要内容和实施时间。",
            )
            PartyReport.objects.filter(decision=decision).update(
                recorded_at=self.at(self.day(days), 16)
            )
            Publication.objects.filter(decision=decision).update(recorded_at=self.at(published, 16))
            if key == "oldhousing":
                continue
            after_services.archive_create(
                actor=self.office, decision=decision, archive_number=f"JC{year}-{number:03d}"
            )
            Archive.objects.filter(decision=decision).update(
                archived_at=self.at(self.day(days - 12))
            )
            after_services.execution_unit_set(
                actor=self.office, decision=decision, unit=self.dept(spec.lead)
            )
            after_services.execution_start(actor=self.office, decision=decision)
            reporter = self.liaison(spec.lead)
            if reporter == self.office:
                continue
            for period, progress, month in (
                (f"{year}年第二季度", "已完成收费设施改造和标识设置，新标准自7月1日起执行。", 7),
                (f"{year}年第三季度", "运行平稳，路内泊位周转率提高约20%，群众投诉下降。", 10),
            ):
                report = after_services.execution_report_add(
                    actor=reporter, decision=decision, period=period, progress=progress
                )
                ExecutionReport.objects.filter(pk=report.pk).update(
                    reported_at=self.at(min(dt.date(year, month, 8), self.as_of), 15)
                )
        if self.mayor:
            after_services.decision_suspend(
                actor=self.mayor,
                decision=self.decisions["waste"],
                reason_code=SuspensionReason.PROBLEM_FOUND,
                reason="收运企业中标后未按约定配置分类运输车辆，出现混收混运，暂停执行待整改后恢复。",
            )
            Suspension.objects.filter(decision=self.decisions["waste"]).update(
                at=self.at(self.day(45), 11)
            )

    def written(self) -> DecisionsWritten:
        ids = [d.pk for d in self.decisions.values()]
        states = Counter(Decision.objects.filter(pk__in=ids).values_list("state", flat=True))
        self.counts["decisions"] = len(ids)
        self.counts["decision_comments"] = PublicComment.objects.filter(
            consultation__decision_id__in=ids
        ).count()
        return DecisionsWritten(self.counts, states, self.root.name)


def write_decisions(seed: int, as_of: dt.date) -> DecisionsWritten:
    """The 依法干 demo data of the first city (see the module docstring)."""
    if not Unit.objects.filter(type=UnitType.CITY).exists():
        return DecisionsWritten()
    return Writer(seed, as_of).run()
