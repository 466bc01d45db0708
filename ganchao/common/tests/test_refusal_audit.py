"""Refused accesses and downloads are audited (LEGAL_RULES C6), a sweep cannot flood the chain."""

import io
from datetime import timedelta

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone
from openpyxl import load_workbook

from ganchao.audit.downloads import DownloadAuditMiddleware
from ganchao.audit.models import AuditEvent
from ganchao.common.models import RefusalCounter
from ganchao.common.refusals import refusal_summary_scan
from ganchao.common.tests.api_client import TokenApi

pytestmark = pytest.mark.django_db


def denied():
    return AuditEvent.objects.filter(action="access.denied").order_by("seq")


def test_page_404_on_an_object_url_is_an_audit_event(city, login):
    client = login(city.liaison_a)
    assert client.get("/orgs/units/987654/").status_code == 404
    event = denied().get()
    assert event.success is False
    assert event.actor_id == city.liaison_a.pk
    assert (event.object_type, event.object_id) == ("unit", "987654")
    assert event.changes["status"] == 404


def test_api_404_on_an_object_url_is_an_audit_event(city):
    api = TokenApi(city.liaison_a)
    assert api.get("/units/987654").status_code == 404
    event = denied().get()
    assert (event.object_type, event.object_id, event.success) == ("unit", "987654", False)
    assert event.changes["path"] == "/api/v1/units/987654"


def test_forbidden_from_a_service_is_an_audit_event(city, login):
    """A liaison asking for the security policy: the service's Forbidden answers 403."""
    client = login(city.liaison_a)
    response = client.get("/accounts/policy/")
    assert response.status_code == 403
    event = denied().get()
    assert event.changes["status"] == 403 and event.success is False


def test_a_404_without_an_object_id_is_not_recorded(city, login):
    login(city.liaison_a).get("/no-such-page/")
    assert not denied().exists()


def test_a_sweep_is_limited_per_minute_and_summarised(city, login, settings):
    settings.REFUSAL_AUDIT_PER_MINUTE = 5
    client = login(city.liaison_a)
    for unit_id in range(900000, 900040):
        assert client.get(f"/orgs/units/{unit_id}/").status_code == 404
    assert denied().count() == 5
    counter = RefusalCounter.objects.get(key=f"user:{city.liaison_a.pk}")
    assert (counter.recorded, counter.suppressed) == (5, 35)
    assert not AuditEvent.objects.filter(action="access.denied_summary").exists()

    refusal_summary_scan(timezone.now() + timedelta(minutes=2))
    summary = AuditEvent.objects.get(action="access.denied_summary")
    assert summary.changes["suppressed"] == 35
    assert "35" in summary.reason and summary.success is False
    refusal_summary_scan(timezone.now() + timedelta(minutes=3))
    assert AuditEvent.objects.filter(action="access.denied_summary").count() == 1


def test_anonymous_sweep_is_counted_per_address(db, client, settings):
    settings.REFUSAL_AUDIT_PER_MINUTE = 2
    for unit_id in range(5):
        client.get(f"/api/v1/units/{unit_id + 1000}", REMOTE_ADDR="10.0.0.5")
    counter = RefusalCounter.objects.get(key="addr:10.0.0.5")
    assert counter.recorded + counter.suppressed == 5
    assert denied().count() == 2


def test_a_later_refusal_summarises_the_earlier_minute(city, login, settings):
    settings.REFUSAL_AUDIT_PER_MINUTE = 1
    client = login(city.liaison_a)
    client.get("/orgs/units/900001/")
    client.get("/orgs/units/900002/")
    RefusalCounter.objects.update(window_start=timezone.now() - timedelta(minutes=5))
    client.get("/orgs/units/900003/")
    assert AuditEvent.objects.filter(action="access.denied_summary").count() == 1
    assert denied().count() == 2


def test_unit_export_is_audited_with_its_rows(city, login):
    response = login(city.admin).get("/orgs/units/export/")
    assert response.status_code == 200
    rows = load_workbook(io.BytesIO(response.content)).active.max_row
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor_id == city.admin.pk
    assert event.changes["rows"] >= rows >= 9
    assert event.changes["file"].endswith(".xlsx")


def test_a_file_response_is_audited_as_a_file_download(city):
    request = RequestFactory().get(f"/orgs/units/{city.town_a.pk}/")
    request.user = city.admin
    request.resolver_match = resolve(request.path)

    def view(_request):
        return FileResponse(io.BytesIO(b"%PDF-1.4"), as_attachment=True, filename="决定书.pdf")

    DownloadAuditMiddleware(view)(request)
    event = AuditEvent.objects.get(action="file.downloaded")
    assert event.changes["file"] == "决定书.pdf"
    assert (event.object_type, event.object_id) == ("unit", str(city.town_a.pk))


def test_an_ordinary_page_is_not_a_download(city, login):
    login(city.admin).get("/orgs/units/")
    request = RequestFactory().get("/")
    request.user = city.admin
    DownloadAuditMiddleware(lambda r: HttpResponse("x"))(request)
    assert not AuditEvent.objects.filter(action__endswith=".downloaded").exists()
