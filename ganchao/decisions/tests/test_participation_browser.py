"""Real browser: the lead undertaker opens the decision page, sees the participation panel
(a consultation with its comment counts, opinions and a hearing), presses 确定听证会 and reads
the A5 refusal naming the participant; then handles opinions on the opinions page."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.decisions.choices import Adoption, OpinionSource
from ganchao.decisions.models import PublicComment
from ganchao.decisions.services import participation as svc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


@pytest.fixture
def decision(dcity):
    decision = dcity.launched()
    liaison = dcity.drc_liaison
    consultation = svc.consultation_create(
        actor=liaison,
        decision=decision,
        title="关于《城区停车收费标准调整方案（征求意见稿）》公开征求意见的公告",
        explanation="为规范城区停车秩序……",
        channel="市政府网站“公开征求意见”栏目，或电子邮件 tingche@example.gov.cn",
        start_date="2025-03-01",
        end_date="2025-03-20",
        media="市政府网站、“赶超发布”微信公众号",
        shortening_reason="防汛应急，需在汛期前出台",
    )
    svc.consultation_publish(actor=liaison, consultation=consultation)
    for n in range(3):
        PublicComment.objects.create(consultation=consultation, body=f"建议延长免费时段{n}")
    first = svc.opinion_add(
        actor=liaison, decision=decision, source=OpinionSource.PUBLIC, summary="建议延长免费时段"
    )
    svc.opinion_handle(actor=liaison, opinion=first, adoption=Adoption.ADOPTED)
    svc.opinion_add(
        actor=liaison,
        decision=decision,
        source=OpinionSource.DEPARTMENT,
        source_unit=dcity.justice,
        summary="第五条收费依据应写明",
    )
    hearing = svc.hearing_create(
        actor=liaison,
        decision=decision,
        title="停车收费听证会",
        held_on="2025-05-10",
        place="市政府第一会议室",
    )
    svc.participant_add(
        actor=liaison, hearing=hearing, name="李四", materials_served_on="2025-05-01"
    )
    svc.participant_add(
        actor=liaison, hearing=hearing, name="张三", materials_served_on="2025-05-05"
    )
    svc.hearing_participants_publish(
        actor=liaison, hearing=hearing, published_at=dt.date(2025, 5, 1)
    )
    return decision


def test_the_panel_refuses_the_hearing_and_names_the_participant(page, decision, artifacts_dir):
    log_in(page, "drc_liaison")
    page.goto(f"/decisions/{decision.pk}/")
    panel = page.locator("#participation")
    assert panel.get_by_text("防汛应急，需在汛期前出台").is_visible()
    panel.get_by_role("button", name="确定听证会").click()
    page.wait_for_load_state()
    assert page.get_by_text("【A5】张三：材料送达不足7日").is_visible()
    page.locator("#participation").screenshot(
        path=str(artifacts_dir / "decisions_participation_panel.png")
    )

    page.goto(f"/decisions/{decision.pk}/opinions/")
    row = page.locator("#opinion-2")
    row.get_by_label("采纳情况").select_option("partly")
    row.get_by_label("理由").fill("收费依据已在第五条补充")
    row.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="生成采纳情况说明").click()
    page.wait_for_load_state()
    assert page.get_by_text("采纳1条、部分采纳1条、未采纳0条", exact=False).is_visible()
    page.screenshot(
        path=str(artifacts_dir / "decisions_participation_opinions.png"), full_page=True
    )
