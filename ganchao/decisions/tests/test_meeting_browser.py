"""Real browser: the office opens a meeting record with a contested agenda item, records the
head's decision against the majority with reasons, and the record shows the dissent and the
head's decision last."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.decisions.choices import ReviewConclusion
from ganchao.decisions.services import meeting as svc
from ganchao.decisions.tests.test_meeting_services import ready_decision, standing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_head_decides_last_with_reasons(page, dcity, artifacts_dir):
    decision = ready_decision(
        dcity,
        exploratory=True,
        conclusion=ReviewConclusion.EXPLORATORY,
        review_fields={"legal_risk_statement": "国家尚无明确规定，存在被上级机关撤销的风险"},
    )
    item = svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    start = timezone.now() - dt.timedelta(minutes=30)
    for n, (name, position) in enumerate(
        [("李副市长", "disagree"), ("张副市长", "disagree"), ("孙副市长", "agree")]
    ):
        svc.position_record(
            actor=dcity.office,
            item=item,
            member=name,
            member_title="副市长",
            position=position,
            remarks=f"{name}的发言要点",
            recorded_at=start + dt.timedelta(minutes=n),
        )
    log_in(page, "office")
    page.goto(f"/decisions/meetings/{item.meeting_id}/")
    assert page.locator("tr.dissent").count() == 2
    page.get_by_label("决定", exact=True).select_option("adopt")
    page.get_by_role("button", name="登记决定").click()
    assert page.get_by_text("【A13】行政首长的决定与多数意见不一致，须说明理由").first.is_visible()
    page.get_by_label("与多数意见不一致的理由").fill("群众反映强烈，须在汛期前实施")
    page.get_by_role("button", name="登记决定").click()
    page.wait_for_selector(".head-decision")
    assert "群众反映强烈" in page.locator(".head-decision").inner_text()
    page.screenshot(path=str(artifacts_dir / "decisions_meeting_record.png"), full_page=True)
    page.goto("/decisions/meetings/")
    assert page.locator("#meetings tbody tr").count() == 1
    page.screenshot(path=str(artifacts_dir / "decisions_meeting_list.png"), full_page=True)
    page.goto(f"/decisions/{decision.pk}/#panel-meeting")
    assert "同意（通过）" in page.locator("#panel-meeting").inner_text()
    page.locator("#panel-meeting").screenshot(
        path=str(artifacts_dir / "decisions_meeting_panel.png")
    )
