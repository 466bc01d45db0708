"""Portal fixtures: the decision city (ganchao/decisions/tests/conftest.py) with public and
private material side by side — a published decision with its publication and 采纳情况说明,
an open consultation with published, pending and rejected comments, a draft consultation, a
closed (shortened) one, a proposed decision and internal records that must never show."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from ganchao.decisions.choices import (
    Adoption,
    CommentState,
    ConsultationState,
    OpinionSource,
    PublicationChannel,
    State,
)
from ganchao.decisions.models import (
    AdoptionReport,
    Consultation,
    Decision,
    Opinion,
    PartyReport,
    Publication,
    PublicComment,
)
from ganchao.decisions.tests.conftest import DecisionCity

# Text that is private or not yet public: none of it may appear on a public page.
SECRETS = {
    "proposed": "拟议中的共享单车管理办法",
    "draft_consultation": "尚未发布的征求意见稿",
    "pending": "待审核的公众意见内容",
    "rejected": "不予公开的广告内容",
    "author": "张三丰",
    "contact": "13800001111",
    "party_reply": "市委常委会内部意见",
    "opinion": "司法局内部研究意见",
    "proposal_reason": "内部论证记录",
}


@dataclass
class Portal:
    city: DecisionCity
    published: Decision
    launched: Decision
    proposed: Decision
    open: Consultation
    closed: Consultation
    draft: Consultation


def _consultation(city, decision, title, start, end, state, **extra):
    return Consultation.objects.create(
        decision=decision,
        draft=decision.drafts.order_by("-number").first(),
        title=title,
        explanation="草案说明：为规范城区停车秩序……",
        channel="电子邮件：zhengqiu@example.gov.cn；信函：市发改委法规科",
        start_date=start,
        end_date=end,
        state=state,
        published_at=timezone.now() if state != ConsultationState.DRAFT else None,
        created_by=city.drc_liaison,
        **extra,
    )


def make_portal() -> Portal:
    city = DecisionCity()
    today = timezone.localdate()
    published = city.launched(proposal_reason=SECRETS["proposal_reason"])
    Decision.objects.filter(pk=published.pk).update(state=State.EXECUTING)
    Publication.objects.create(
        decision=published,
        channel=PublicationChannel.WEBSITE,
        reference="https://www.example.gov.cn/zwgk/2026/tcsf.html",
        published_on=today - dt.timedelta(days=20),
        doc_number="赶超政发〔2026〕8号",
        text="一、城区路内停车实行分时段收费……",
        interpretation="《停车收费标准调整》政策解读……",
        recorded_by=city.office,
    )
    AdoptionReport.objects.create(
        decision=published,
        text="共收到公众意见12条，采纳8条，部分采纳2条，未采纳2条……",
        opinion_count=12,
        generated_by=city.drc_liaison,
    )
    PartyReport.objects.create(
        decision=published,
        reported_on=today - dt.timedelta(days=30),
        doc_number="赶超府请〔2026〕3号",
        recipient="中共赶超市委",
        reply=SECRETS["party_reply"],
        recorded_by=city.office,
    )
    Opinion.objects.create(
        decision=published,
        source=OpinionSource.DEPARTMENT,
        summary=SECRETS["opinion"],
        adoption=Adoption.ADOPTED,
        reason="已采纳",
        seq=1,
    )
    closed = _consultation(
        city,
        published,
        "关于城区停车收费标准调整的公开征求意见",
        today - dt.timedelta(days=60),
        today - dt.timedelta(days=45),
        ConsultationState.CLOSED,
        shortening_reason="防汛应急，需在汛期前出台",
    )
    launched = city.launched(title="老旧小区改造三年规划", catalogue_item=city.item2)
    open_ = _consultation(
        city,
        launched,
        "关于老旧小区改造三年规划（征求意见稿）公开征求意见的公告",
        today - dt.timedelta(days=5),
        today + dt.timedelta(days=25),
        ConsultationState.OPEN,
    )
    draft = _consultation(
        city,
        launched,
        SECRETS["draft_consultation"],
        today,
        today + dt.timedelta(days=30),
        ConsultationState.DRAFT,
    )
    PublicComment.objects.create(
        consultation=open_,
        body="建议增加加装电梯的补贴",
        state=CommentState.PUBLISHED,
        address="10.0.0.1",
        author=SECRETS["author"],
        contact=SECRETS["contact"],
    )
    for body, state in (
        (SECRETS["pending"], CommentState.PENDING),
        (SECRETS["rejected"], CommentState.REJECTED),
    ):
        PublicComment.objects.create(consultation=open_, body=body, state=state, address="10.0.0.2")
    proposed = city.propose(title=SECRETS["proposed"], catalogue_item=city.item)
    return Portal(city, published, launched, proposed, open_, closed, draft)


@pytest.fixture
def portal(db):
    return make_portal()
