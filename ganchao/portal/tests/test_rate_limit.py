"""Acceptance (issue 10): the public comment endpoint survives 500 posts from one address in
a minute — the first N accepted, the rest refused with 429, never a server error — while
legitimate posts from 20 other addresses, interleaved, are all kept; nothing shows on the
public page until moderated."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ganchao.decisions.choices import CommentState
from ganchao.decisions.models import PublicComment
from ganchao.portal.addresses import client_address
from ganchao.portal.services import RateLimited, public_comment_submit

pytestmark = pytest.mark.django_db

FLOODER = "203.0.113.66"
OTHERS = [f"198.51.100.{n}" for n in range(1, 21)]


def comments_section(portal) -> str:
    """The published-comments part of the consultation's public page."""
    page = Client().get(f"/public/consultations/{portal.open.pk}/").content.decode()
    return page.split('id="comments"')[1]


def test_a_flood_from_one_address_is_limited_and_other_addresses_are_kept(portal):
    """Given the open consultation and a limit of N per 10 minutes, when one address posts
    500 comments within a minute with 20 other addresses posting in between, then exactly the
    first N of the flood are accepted and the other 495 refused with 429 (no 5xx), every
    other address's comment is kept, and none of them is on the public page until a few are
    published by a moderator — then only those."""
    limit = settings.PORTAL_COMMENT_LIMITS[0][0]
    url = f"/api/v1/public/consultations/{portal.open.pk}/comments"
    client = Client()
    statuses: list[int] = []
    kept_others = 0
    for n in range(500):
        response = client.post(
            url, {"body": f"刷屏{n}"}, content_type="application/json", REMOTE_ADDR=FLOODER
        )
        statuses.append(response.status_code)
        if n % 25 == 0:
            other = OTHERS[n // 25]
            answer = client.post(
                url,
                {"body": f"来自{other}的意见"},
                content_type="application/json",
                REMOTE_ADDR=other,
            )
            assert answer.status_code == 201
            kept_others += 1
    assert all(status < 500 for status in statuses)
    assert statuses[:limit] == [201] * limit
    assert statuses[limit:] == [429] * (500 - limit)
    assert PublicComment.objects.filter(address=FLOODER).count() == limit
    assert kept_others == 20
    assert PublicComment.objects.filter(address__in=OTHERS).count() == 20
    assert set(
        PublicComment.objects.filter(address__in=OTHERS).values_list("state", flat=True)
    ) == {CommentState.PENDING}

    page = comments_section(portal)
    assert "刷屏" not in page and "来自" not in page

    chosen = list(PublicComment.objects.filter(address__in=OTHERS[:3]))
    PublicComment.objects.filter(pk__in=[c.pk for c in chosen]).update(
        state=CommentState.PUBLISHED, moderated_at=timezone.now()
    )
    page = comments_section(portal)
    for comment in chosen:
        assert comment.body in page
    for other in OTHERS[3:]:
        assert f"来自{other}的意见" not in page
    assert "刷屏" not in page


def test_the_daily_limit_applies_after_the_short_window(portal, time_machine):
    """Given a limit of 5 per 10 minutes and 20 per day, when an address sends 5 comments
    every 11 minutes, then the 21st of the day is refused."""
    start = timezone.now()
    sent = 0
    for round_ in range(5):
        time_machine.move_to(start + dt.timedelta(minutes=11 * round_))
        for _ in range(5):
            try:
                public_comment_submit(
                    consultation_id=portal.open.pk, body="意见", address="192.0.2.50"
                )
                sent += 1
            except RateLimited:
                pass
    assert sent == 20


def test_x_forwarded_for_is_honoured_only_behind_a_trusted_proxy(rf, settings):
    """Given no trusted proxy, when a request carries X-Forwarded-For, then REMOTE_ADDR is
    used; given one trusted proxy, then the hop that proxy appended is used, not the one the
    client wrote."""
    request = rf.post("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.1.1.1"
    settings.PORTAL_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"
    settings.PORTAL_TRUSTED_PROXIES = 2
    assert client_address(request) == "1.2.3.4"
    garbage = rf.post("/", REMOTE_ADDR="not-an-address")
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert client_address(garbage) is None
