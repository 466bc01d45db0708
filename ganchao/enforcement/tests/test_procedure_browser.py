"""Real browser: the procedure panel — a hearing with its two B11 clocks; the head's heavier
decision refused with 【B9】 over the page and nothing saved, then decided as notified; the
officer's electronic delivery refused without the consent (【B11】)."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.enforcement import services
from ganchao.enforcement.choices import StatementKind
from ganchao.enforcement.models import CaseDecision, Hearing
from ganchao.enforcement.tests.test_procedure_services import heard_case, issue, notified_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_procedure_panel_in_the_browser(ecity, page, artifacts_dir):
    shots = artifacts_dir / "enforcement-procedure"
    shots.mkdir(exist_ok=True)
    hearing_case = notified_case(ecity, fine="15000")
    services.statement_record(
        actor=ecity.officer_user_a,
        case=hearing_case,
        kind=StatementKind.HEARING_REQUEST,
        received_on=dt.date(2026, 3, 12),
    )
    services.hearing_schedule(
        actor=ecity.officer_user_a,
        hearing=Hearing.objects.get(case=hearing_case),
        notified_on=dt.date(2026, 3, 18),
        scheduled_on=dt.date(2026, 3, 27),
        place="执法局听证室",
        host="王法制",
    )
    log_in(page, "cg_head")
    page.goto(f"/enforcement/cases/{hearing_case.pk}/")
    panel = page.locator("#panel-procedure")
    panel.scroll_into_view_if_needed()
    text = panel.inner_text()
    assert "【B9】当事人已申请听证，听证尚未举行" in text
    assert "2026年3月17日" in text and "2026年3月18日" in text
    panel.screenshot(path=f"{shots}/hearing.png")

    case = heard_case(ecity)
    page.goto(f"/enforcement/cases/{case.pk}/")
    form = page.locator('form[data-action="decide"]')
    form.locator("input[name=dec-fine]").fill("9000")
    form.locator("input[name=dec-decided_on]").fill("2026-03-20")
    form.get_by_role("button", name="作出决定").click()
    summary = page.locator(".alert-danger").first
    assert "【B9】不得因当事人陈述申辩而给予更重的处罚" in summary.inner_text()
    assert not CaseDecision.objects.filter(case=case).exists()
    page.screenshot(path=f"{shots}/heavier-refused.png", full_page=True)
    form = page.locator('form[data-action="decide"]')
    form.locator("input[name=dec-fine]").fill("5000")
    form.get_by_role("button", name="作出决定").click()
    page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
    assert "罚款5,000.00元" in page.locator("#decision-summary").inner_text()

    issue(CaseDecision.objects.get(case=case))
    page.context.clear_cookies()
    log_in(page, "officer_a")
    page.goto(f"/enforcement/cases/{case.pk}/")
    form = page.locator('form[data-action="delivery_record"]')
    form.locator("select[name=dlv-method]").select_option("electronic")
    form.locator("input[name=dlv-delivered_on]").fill("2026-03-23")
    form.get_by_role("button", name="登记送达").click()
    assert (
        "【B11】电子送达须附当事人签署的同意确认书"
        in page.locator(".alert-danger").first.inner_text()
    )
    page.locator("#panel-procedure").screenshot(path=f"{shots}/delivery-refused.png")
