"""API twin of the inbox page (issue 9 item 11): one's own messages, one marked read, all
marked read; another user's message is 404; the list runs a fixed number of queries."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.common.tests.api_client import TokenApi
from ganchao.notifications import services
from ganchao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(city):
    with transaction.atomic():
        return [
            services.notification_create(users=[city.liaison_a], title=f"催办提醒{n}")[0]
            for n in range(3)
        ]


def test_inbox_lists_one_s_own_messages(city, messages):
    body = TokenApi(city.liaison_a).get("/notifications", unread="true").json()
    assert body["count"] == 3 and body["items"][0]["created_at"].endswith("+08:00")
    assert TokenApi(city.liaison_b).get("/notifications").json()["count"] == 0


def test_mark_read_and_another_user_s_message_is_404(city, messages):
    first = messages[0]
    other = TokenApi(city.liaison_b).post(f"/notifications/{first.pk}/read")
    assert other.status_code == 404
    assert Notification.objects.get(pk=first.pk).read_at is None
    done = TokenApi(city.liaison_a).post(f"/notifications/{first.pk}/read")
    assert done.status_code == 200 and done.json()["read_at"].endswith("+08:00")


def test_mark_all_read_counts_what_it_marked(city, messages):
    api = TokenApi(city.liaison_a)
    assert api.post("/notifications/read-all").json() == {"marked": 3}
    assert api.post("/notifications/read-all").json() == {"marked": 0}
    assert api.get("/notifications", unread="true").json()["count"] == 0


def test_the_inbox_list_runs_a_fixed_number_of_queries(city, messages):
    api = TokenApi(city.liaison_a)
    api.get("/notifications")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/notifications").status_code == 200
    assert len(captured) <= 5
