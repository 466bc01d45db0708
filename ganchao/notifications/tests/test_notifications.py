"""The inbox, outside deliveries with retries and backoff, and their pages."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from ganchao.notifications import services
from ganchao.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


class _Robot(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot(settings):
    _Robot.received, _Robot.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    yield _Robot
    server.shutdown()


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def create(users, title="提醒：转为滞后", at=None):
    """Create in a transaction and run what it queued on commit (the delivery job)."""
    with _capture(execute=True), transaction.atomic():
        return services.notification_create(users=users, title=title, body="请加快推进。", at=at)


_capture = None


def test_inbox_copy_and_webhook_sent_once_per_message(city, robot, settings):
    settings.EMAIL_ENABLED = False
    created = create([city.liaison_a, city.village_a_user])
    assert len(created) == 2
    assert robot.received == [
        {"msgtype": "text", "text": {"content": "提醒：转为滞后\n请加快推进。"}}
    ]
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 1)


def test_email_delivery_when_enabled(city, settings):
    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = True, ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    city.liaison_a.email = "liaison@example.gov.cn"
    city.liaison_a.save()
    create([city.liaison_a, city.liaison_b])  # town_b's liaison has no address
    assert [m.to for m in mail.outbox] == [["liaison@example.gov.cn"]]


def test_failures_back_off_then_fail_without_touching_the_inbox(city, settings, monkeypatch):
    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = False, "http://127.0.0.1:9/robot"

    def refuse(url, content):
        raise ConnectionRefusedError("拒绝连接")

    monkeypatch.setattr(services, "webhook_post", refuse)
    before = timezone.now()
    create([city.liaison_a], at=before)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1  # the job's attempt, at its own clock
    for attempts, waited in ((1, 1), (2, 2), (3, 4), (4, 8)):
        delivery.refresh_from_db()
        assert delivery.attempts == attempts
        due = delivery.next_attempt_at
        assert (
            dt.timedelta(minutes=waited) <= due - before < dt.timedelta(minutes=waited, seconds=5)
        )
        assert services.delivery_send_due(at=due - dt.timedelta(seconds=1)) == (0, 0)
        services.delivery_send_due(at=due)
        before = due
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 5)
    assert "拒绝连接" in delivery.last_error
    notification = Notification.objects.get()
    assert notification.read_at is None and notification.title


def test_retry_scan_sends_what_the_job_could_not(city, robot, settings, monkeypatch):
    from ganchao.supervision.scans import delivery_retry_scan

    settings.EMAIL_ENABLED = False
    monkeypatch.setattr(services, "_enqueue", lambda ids: None)  # the job never ran
    start = timezone.now()
    create([city.liaison_a], at=start)
    assert robot.received == []
    delivery_retry_scan(start)
    assert len(robot.received) == 1
    delivery_retry_scan(start)
    assert len(robot.received) == 1


def test_robot_error_code_counts_as_failure(city, settings, monkeypatch):
    settings.EMAIL_ENABLED = False
    settings.WEBHOOK_URL = "http://robot.invalid/"

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size):
            return b'{"errcode": 310000, "errmsg": "keywords not in content"}'

    monkeypatch.setattr(services.urllib.request, "urlopen", lambda request, timeout: Answer())
    create([city.liaison_a])
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and "310000" in delivery.last_error


def test_inbox_pages_and_badge(city, login, settings):
    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = False, ""
    (first,) = create([city.liaison_a], title="催办：逾期未报送")
    create([city.liaison_a], title="提醒：报送期限将至")
    create([city.liaison_b], title="别人的消息")
    client = login(city.liaison_a)
    page = client.get("/notifications/").content.decode()
    assert "催办：逾期未报送" in page and "别人的消息" not in page
    badge = client.get("/notifications/badge/", HTTP_X_GANCHAO_BACKGROUND="1").content.decode()
    assert ">2<" in badge and "X-Ganchao-Background" in badge
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    other = Notification.objects.get(user=city.liaison_b)
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=city.liaison_a, read_at__isnull=True).exists()
    assert "消息</a>" in client.get("/notifications/badge/").content.decode().replace("\n", "")


def test_failed_page_for_system_admin_only(city, login):
    notification = Notification.objects.create(
        user=city.liaison_a, title="催办", created_at=timezone.now()
    )
    Delivery.objects.create(
        notification=notification, channel="webhook", state="failed", attempts=5, last_error="超时"
    )
    assert "超时" in login(city.admin).get("/notifications/failed/").content.decode()
    assert login(city.office).get("/notifications/failed/").status_code == 404


def test_inbox_query_count_is_bounded(city, login, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = False, ""
    client = login(city.liaison_a)
    counts = []
    for size in (2, 8):
        for n in range(size):
            create([city.liaison_a], title=f"消息{n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
