"""The public pages: open without sign-in, show only published and moderated material, and
offer the comment form only while a consultation is open."""

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from ganchao.decisions.choices import CommentState
from ganchao.decisions.models import PublicComment
from ganchao.portal.tests.conftest import SECRETS
from ganchao.web.tests.test_i18n import _compiled_catalogs  # noqa: F401 (compiles the .mo)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def pages(portal) -> list[str]:
    return [
        "/public/",
        "/public/rankings/",
        "/public/decisions/",
        f"/public/decisions/{portal.published.code}/",
        "/public/consultations/",
        f"/public/consultations/{portal.open.pk}/",
        f"/public/consultations/{portal.closed.pk}/",
    ]


def test_every_public_page_opens_without_sign_in(portal):
    """Given an anonymous visitor, when each portal page is opened, then it answers 200 with
    the government's name in the header band and no staff navigation."""
    anonymous = Client()
    for url in pages(portal):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        body = text(response)
        assert "赶超市人民政府" in body, url
        assert "主导航" not in body and "退出" not in body, url


def test_nothing_unpublished_or_internal_appears(portal):
    """Given a draft consultation, a pending and a rejected comment, a proposed decision, a
    party-committee reply, a department opinion, a proposal's reasoning and a commenter's name
    and contact, when every public page is read, then none of them appears."""
    anonymous = Client()
    for url in pages(portal):
        body = text(anonymous.get(url))
        for name, secret in SECRETS.items():
            assert secret not in body, f"{name} leaked on {url}"


def test_hidden_objects_are_404(portal):
    """Given a draft consultation and a decision not yet published, when their public
    addresses are opened, then both are 404, as for a missing one."""
    anonymous = Client()
    assert anonymous.get(f"/public/consultations/{portal.draft.pk}/").status_code == 404
    assert anonymous.get(f"/public/decisions/{portal.proposed.code}/").status_code == 404
    assert anonymous.get(f"/public/decisions/{portal.launched.code}/").status_code == 404
    assert anonymous.get("/public/consultations/999999/").status_code == 404


def test_decisions_page_lists_catalogue_open_consultations_and_published_decisions(portal):
    """Given the published 2026 catalogue, an open consultation and an executing decision,
    when /public/decisions/?year=2026 is read, then it shows the items with category and
    undertaking unit, the approval 文号, the consultation, and the decision with its 文号,
    publication reference, state and a link to the 采纳情况说明."""
    body = text(Client().get("/public/decisions/?year=2026"))
    assert "城区停车收费标准调整" in body and "老旧小区改造三年规划" in body
    assert "重大公共政策和措施" in body and "市发展和改革委员会" in body
    assert "赶超市委办〔2026〕5号" in body
    assert "征求意见稿）公开征求意见的公告" in body
    assert "赶超政发〔2026〕8号" in body
    assert "https://www.example.gov.cn/zwgk/2026/tcsf.html" in body
    assert "执行中" in body
    assert f"/public/decisions/{portal.published.code}/#adoption" in body


def test_decision_page_shows_text_interpretation_and_adoption_report(portal):
    """Given a published decision, when its public page is read, then it shows the title,
    文号, publication reference and date, text, interpretation and the adoption report."""
    body = text(Client().get(f"/public/decisions/{portal.published.code}/"))
    for expected in (
        "城区停车收费标准调整",
        "赶超政发〔2026〕8号",
        "https://www.example.gov.cn/zwgk/2026/tcsf.html",
        "一、城区路内停车实行分时段收费",
        "政策解读",
        "共收到公众意见12条",
    ):
        assert expected in body
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", body)


def test_consultation_notice_shows_the_draft_channel_deadline_and_shortening_reason(portal):
    """Given a consultation shortened with a reason (A4), when its notice is read, then the
    reason is shown, with the draft, the explanation, the channel and the dates."""
    body = text(Client().get(f"/public/consultations/{portal.closed.pk}/"))
    assert "防汛应急，需在汛期前出台" in body
    assert "草案说明：为规范城区停车秩序" in body
    assert "zhengqiu@example.gov.cn" in body
    assert "已截止" in body
    assert 'name="body"' not in body  # closed: no form


def test_open_consultation_shows_only_published_comments_and_the_form(portal):
    """Given an open consultation with one published, one pending and one rejected comment,
    when its page is read, then only the published comment shows, and the form is offered."""
    body = text(Client().get(f"/public/consultations/{portal.open.pk}/"))
    assert "建议增加加装电梯的补贴" in body
    assert SECRETS["pending"] not in body and SECRETS["rejected"] not in body
    assert 'name="body"' in body and 'name="website"' in body
    assert "csrfmiddlewaretoken" in body


def test_a_comment_is_received_and_held_for_moderation(portal):
    """Given the open consultation, when someone sends a comment through the form, then the
    page says it was received and will be published after review, the comment is pending,
    and it does not appear on the page."""
    url = f"/public/consultations/{portal.open.pk}/"
    client = Client()
    response = client.post(
        url,
        {"body": "建议优先改造无障碍设施", "author": "李四", "contact": "lisi@example.com"},
        REMOTE_ADDR="192.0.2.10",
        follow=True,
    )
    body = text(response)
    assert "您的意见已收到，经审核后公开" in body
    assert "建议优先改造无障碍设施" not in body
    comment = PublicComment.objects.get(body="建议优先改造无障碍设施")
    assert comment.state == CommentState.PENDING
    assert comment.address == "192.0.2.10" and comment.contact == "lisi@example.com"


def test_the_form_shows_errors_next_to_fields_and_in_a_summary(portal):
    """Given the open consultation, when an empty or over-long comment is sent, then the
    form comes back with the error in the summary and beside the field; nothing is stored."""
    url = f"/public/consultations/{portal.open.pk}/"
    before = PublicComment.objects.count()
    body = text(Client().post(url, {"body": "  "}))
    assert "提交未成功" in body and body.count("请填写意见内容") == 2
    response = Client().post(url, {"body": "意" * 2001})
    assert response.status_code == 422
    assert "最多 2000 字" in text(response)
    assert PublicComment.objects.count() == before


def test_the_honeypot_drops_a_robots_comment(portal):
    """Given the open consultation, when a post fills the hidden field, then the sender sees
    the usual acknowledgement and nothing is stored."""
    before = PublicComment.objects.count()
    response = Client().post(
        f"/public/consultations/{portal.open.pk}/",
        {"body": "广告", "website": "http://spam.example"},
        follow=True,
    )
    assert "您的意见已收到" in text(response)
    assert PublicComment.objects.count() == before


def test_the_form_needs_its_csrf_token(portal):
    """Given a browser session, when the form is posted without the CSRF token, then it is
    refused (403) and nothing is stored."""
    before = PublicComment.objects.count()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/public/consultations/{portal.open.pk}/", {"body": "意见"})
    assert response.status_code == 403
    assert PublicComment.objects.count() == before


def test_the_form_says_when_an_address_sent_too_many(portal, settings):
    """Given a limit of 1 comment per window, when the same address sends a second comment
    through the form, then the page answers 429 with the message in the error summary and
    the second comment is not stored."""
    settings.PORTAL_COMMENT_LIMITS = ((1, dt.timedelta(minutes=10)),)
    url = f"/public/consultations/{portal.open.pk}/"
    client = Client()
    assert client.post(url, {"body": "第一条"}, REMOTE_ADDR="192.0.2.77").status_code == 302
    response = client.post(url, {"body": "第二条"}, REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试" in text(response)
    assert not PublicComment.objects.filter(body="第二条").exists()


def test_an_empty_post_shows_the_required_error(portal):
    """Given the open consultation, when a form is posted with no fields at all, then the
    body's required error is shown (not a silent page)."""
    response = Client().post(f"/public/consultations/{portal.open.pk}/", {})
    assert response.status_code == 422 and "请填写意见内容" in text(response)


def test_the_portal_speaks_english_when_chosen(portal):
    """Given a visitor who chose English in the footer, when /public/ is read, then the
    portal's own words are in English."""
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text(client.get("/public/"))
    assert "Public consultations" in body and "Open government" in body


def test_a_closed_consultation_refuses_a_post(portal):
    """Given a closed consultation, when a comment is posted to it anyway, then it is refused
    with a message and nothing is stored."""
    before = PublicComment.objects.count()
    response = Client().post(f"/public/consultations/{portal.closed.pk}/", {"body": "迟到的意见"})
    assert response.status_code == 409
    assert PublicComment.objects.count() == before


def test_rankings_are_under_public_and_the_old_address_still_works(portal):
    """Given no released ranking, when /public/rankings/ and the old /assessment/public/ are
    opened without sign-in, then both answer 200."""
    anonymous = Client()
    assert "目前没有公开的考核结果" in text(anonymous.get("/public/rankings/"))
    assert anonymous.get("/assessment/public/").status_code == 200
    assert anonymous.get("/public/rankings/NOPE/2026-Q1/").status_code == 404


def test_index_counts_the_three_sections(portal):
    """Given one open consultation and one published decision, when /public/ is read, then
    the three sections show their counts and link to their pages."""
    body = text(Client().get("/public/"))
    for section, count in (("rankings", 0), ("consultations", 1), ("decisions", 1)):
        block = body.split(f'id="section-{section}"')[1].split("</li>")[0]
        assert f'<div class="gp-count">{count}</div>' in block
    assert 'href="/public/rankings/"' in body and 'href="/public/decisions/"' in body


def test_list_pages_take_a_fixed_number_of_queries(portal, django_assert_max_num_queries):
    """Given the portal's material, when each list page is read, then the query count stays
    small and fixed (no query per row)."""
    anonymous = Client()
    for url, limit in (
        ("/public/", 8),
        ("/public/decisions/", 10),
        ("/public/consultations/", 6),
        (f"/public/consultations/{portal.open.pk}/", 8),
        (f"/public/decisions/{portal.published.code}/", 8),
    ):
        with django_assert_max_num_queries(limit):
            assert anonymous.get(url).status_code == 200
