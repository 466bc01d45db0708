"""Real browser: the office clicks 生成通报, the .docx downloads and the page then says which
文号 it got; the template page lists the variables."""

import pytest

from ganchao.assessment.models import BulletinIssue
from ganchao.assessment.tests.test_bulletin import office_user, publish
from ganchao.conftest import log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_office_generates_a_bulletin(page, scenario, artifacts_dir):
    publish(scenario)
    log_in(page, office_user(scenario).username)
    page.goto("/assessment/bulletins/")
    page.screenshot(path=str(artifacts_dir / "bulletin_list.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="生成通报").click()
    issue = BulletinIssue.objects.get()
    assert download.value.suggested_filename == f"{issue.number}.docx"
    page.get_by_text("已生成并开始下载").wait_for()
    assert page.get_by_role("button", name="下载通报").is_visible()
    page.screenshot(path=str(artifacts_dir / "bulletin_issued.png"), full_page=True)
    page.get_by_role("link", name="通报模板").click()
    page.get_by_text("overdue_notices").wait_for()
    page.screenshot(path=str(artifacts_dir / "bulletin_template.png"), full_page=True)
