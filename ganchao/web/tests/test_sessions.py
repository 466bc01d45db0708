"""Sessions (web.sessions): Django's database sessions with their read compiled ahead. A
signed-in user stays signed in; an expired or unknown session is nobody."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_stays_signed_in_from_page_to_page(city, login):
    client = login(city.liaison_a)
    for url in ("/", "/about/", "/goals/workbench/"):
        response = client.get(url)
        assert response.status_code == 200 and "town_a_liaison" in response.content.decode()


def test_an_expired_session_is_sent_to_sign_in(city, login):
    client = login(city.liaison_a)
    assert client.get("/about/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/about/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_session_cookie_is_sent_to_sign_in(city, login):
    client = login(city.liaison_a)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get("/about/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_signing_out_ends_the_session(city, login):
    client = login(city.liaison_a)
    client.post("/accounts/logout/")
    assert client.get("/about/").status_code == 302
