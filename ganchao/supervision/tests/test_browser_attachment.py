"""Real browser: a liaison answers a matter attaching the probe's xss.svg and sees it refused
beside the field, naming the file; the same answer with a PDF goes through and its attachment
downloads as a file (never rendered as a page). Screenshots of both states."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import matter_receive
from ganchao.supervision.models import MatterFeedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"
XSS_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_svg_refused_then_pdf_accepted(page, city, artifacts_dir):
    now = timezone.now() - dt.timedelta(hours=2)
    matter = matter_instruct(
        actor=city.leader_user,
        title="西湖镇河道整治",
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        at=now,
    )
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=now + dt.timedelta(hours=1))
    log_in_page(page, "town_a_liaison")
    page.wait_for_url("**/")
    page.goto(f"/supervision/matters/{matter.pk}/")

    page.get_by_label("反馈内容").fill(ANSWER)
    page.get_by_label("附件（可选）").set_input_files(
        files=[{"name": "xss.svg", "mimeType": "image/svg+xml", "buffer": XSS_SVG}]
    )
    page.get_by_role("button", name="报送反馈").click()
    error = page.get_by_text("“xss.svg”是网页或 SVG 图形")
    assert error.first.is_visible()
    assert not MatterFeedback.objects.exists()
    page.screenshot(path=str(artifacts_dir / "attachment_refused.png"), full_page=True)

    page.get_by_label("反馈内容").fill(ANSWER)
    page.get_by_label("附件（可选）").set_input_files(
        files=[{"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="报送反馈").click()
    assert page.get_by_text("反馈已报送。").is_visible()
    link = page.get_by_role("link", name="附件：整改报告.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "整改报告.pdf"
    page.screenshot(path=str(artifacts_dir / "attachment_accepted.png"), full_page=True)
