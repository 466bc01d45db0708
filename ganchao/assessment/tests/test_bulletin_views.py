"""Pages of the bulletins: office only (others get 404), 生成通报 downloads the .docx, the template
page uploads, refuses and reverts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.assessment import services, services_bulletins
from ganchao.assessment.bulletin import DOCX_TYPE
from ganchao.assessment.models import BulletinIssue, BulletinTemplate
from ganchao.assessment.tests.test_bulletin import (
    document_text,
    docx_with,
    office_user,
    publish,
)
from ganchao.conftest import make_user
from ganchao.orgs.choices import Role

PAGES = [
    ("get", "assessment:bulletin_list", {}),
    ("post", "assessment:bulletin_issue", {"scheme": "TOWNS", "period": "2026-Q2"}),
    ("get", "assessment:bulletin_template", {}),
    ("get", "assessment:bulletin_template_download", {}),
    ("post", "assessment:bulletin_template_revert", {}),
]


@pytest.fixture
def office(login, scenario):
    return login(office_user(scenario))


@pytest.mark.parametrize(("method", "name", "data"), PAGES)
def test_a_liaison_gets_404(scenario, login, method, name, data):
    publish(scenario)
    client = login(make_user("liaison_a", scenario.a, Role.LIAISON))
    response = getattr(client, method)(reverse(name), data)
    assert response.status_code == 404
    assert not BulletinIssue.objects.exists()


def test_a_liaison_cannot_download_an_issued_bulletin(scenario, office, login):
    publish(scenario)
    office.post(reverse("assessment:bulletin_issue"), {"scheme": "TOWNS", "period": "2026-Q2"})
    issue = BulletinIssue.objects.get()
    client = login(make_user("liaison_a", scenario.a, Role.LIAISON))
    assert client.get(reverse("assessment:bulletin_download", args=[issue.pk])).status_code == 404


def test_anonymous_is_sent_to_login(scenario, client):
    response = client.get(reverse("assessment:bulletin_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_office_issues_and_downloads(scenario, office):
    publish(scenario)
    page = office.get(reverse("assessment:bulletin_list"))
    assert page.status_code == 200 and "生成通报" in page.content.decode()
    response = office.post(
        reverse("assessment:bulletin_issue"),
        {"scheme": "TOWNS", "period": "2026-Q2", "token": "abc123"},
    )
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert response.cookies["gc_bulletin_done"].value == "abc123"
    issue = BulletinIssue.objects.get()
    assert "98.00" in document_text(response.content)
    page = office.get(reverse("assessment:bulletin_list")).content.decode()
    assert f"通报 {issue.number} 已生成并开始下载" in page and "下载 Word" in page
    download = office.get(reverse("assessment:bulletin_download", args=[issue.pk]))
    assert download.status_code == 200 and download["Content-Type"] == DOCX_TYPE
    assert issue.number in document_text(download.content)


def test_issuing_without_a_published_result_says_why(scenario, office):
    response = office.post(
        reverse("assessment:bulletin_issue"), {"scheme": "TOWNS", "period": "2026-Q2"}, follow=True
    )
    assert "尚无已发布的考核结果" in response.content.decode()
    assert not BulletinIssue.objects.exists()


def test_the_template_page_uploads_refuses_and_reverts(scenario, office):
    url = reverse("assessment:bulletin_template")
    page = office.get(url).content.decode()
    assert "内置模板" in page and "overdue_notices" in page
    builtin = office.get(reverse("assessment:bulletin_template_download") + "?builtin=1")
    assert builtin["Content-Type"] == DOCX_TYPE
    bad = SimpleUploadedFile("bad.docx", docx_with("{{ ''.__class__.__mro__ }}"))
    response = office.post(url, {"file": bad})
    assert response.status_code == 422 and "不允许" in response.content.decode()
    good = SimpleUploadedFile("本市模板.docx", docx_with("{{ number }}"))
    response = office.post(url, {"file": good}, follow=True)
    assert "已启用模板“本市模板.docx”" in response.content.decode()
    assert BulletinTemplate.objects.filter(active=True).count() == 1
    active = office.get(reverse("assessment:bulletin_template_download"))
    assert (
        "本市模板.docx" in active["Content-Disposition"]
        or "filename*" in active["Content-Disposition"]
    )
    response = office.post(reverse("assessment:bulletin_template_revert"), follow=True)
    assert "已恢复使用内置通报模板" in response.content.decode()
    assert not BulletinTemplate.objects.filter(active=True).exists()


def test_the_list_runs_a_fixed_number_of_queries(scenario, office):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(reverse("assessment:bulletin_list")).status_code == 200
        return len(queries)

    publish(scenario)
    services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-Q2")
    one = count()
    for period in ("2026-Q1", "2026-Q3"):
        with transaction.atomic():
            services.result_publish(actor=None, scheme=scenario.scheme, period=period)
        services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period=period)
    assert count() == one
