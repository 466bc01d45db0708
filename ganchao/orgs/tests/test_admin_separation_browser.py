"""Real-browser flow of an administrator's password reset (三员分立, LEGAL_RULES C5): the security
administrator asks on the auditor's page, the system administrator approves on the approvals
page."""

import pytest

from ganchao.accounts.models import PasswordResetRequest
from ganchao.conftest import City, log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_city(transactional_db):
    """The small city, committed, so that the live server's thread sees it."""
    return City()


def signed_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_an_administrator_reset_is_requested_then_approved(page, live_city, artifacts_dir):
    city = live_city
    signed_in(page, "security_admin")
    page.goto(f"/orgs/users/{city.auditor.pk}/")
    page.get_by_label("临时密码").fill("Reset-Temp-2026!")
    page.get_by_label("申请原因").fill("审计管理员遗忘密码，已当面核实身份")
    page.screenshot(path=str(artifacts_dir / "admin_reset_request.png"), full_page=True)
    page.get_by_role("button", name="申请重置密码").click()
    page.get_by_text("已提交重置申请").wait_for()
    assert PasswordResetRequest.objects.get().state == "pending"

    signed_in(page, "city_admin")
    page.goto("/orgs/password-resets/")
    page.get_by_label("审批意见").fill("已电话核实")
    page.screenshot(path=str(artifacts_dir / "admin_reset_approvals.png"), full_page=True)
    page.get_by_role("button", name="批准重置").click()
    page.get_by_text("已批准").first.wait_for()
    assert PasswordResetRequest.objects.get().state == "approved"
