"""Logs are kept at least six calendar months whatever the setting (LEGAL_RULES C9)."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from config import env
from ganchao.audit.models import AuditEvent
from ganchao.common.logfiles import log_retention_sweep, months_before, retention_cutoff
from ganchao.common.models import RefusalCounter

AT = datetime(2026, 12, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = date(2026, 12, 6)


def test_six_calendar_months_not_180_days():
    assert months_before(TODAY, 6) == date(2026, 6, 6)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
    assert retention_cutoff(TODAY, 90) == date(2026, 6, 6)
    assert retention_cutoff(TODAY, 400) == TODAY - timedelta(days=400)


@pytest.mark.django_db
def test_retention_of_90_days_keeps_six_months_and_warns(tmp_path, caplog):
    folder = tmp_path / "logs"
    folder.mkdir()
    six_months = months_before(TODAY, 6)
    kept = folder / f"security.log.{six_months + timedelta(days=1):%Y-%m-%d}"
    edge = folder / f"ganchao.log.{six_months:%Y-%m-%d}"
    old = folder / f"security.log.{six_months - timedelta(days=1):%Y-%m-%d}"
    other = folder / "decision-archive.zip"
    for path in (kept, edge, old, other):
        path.write_text("x")
    with caplog.at_level(logging.WARNING, logger="ganchao.security"):
        log_retention_sweep(AT, 90, folder)
    assert kept.exists() and edge.exists() and other.exists()
    assert not old.exists()
    assert any("below six months" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_sweep_deletes_old_counters_never_audit_events(city, tmp_path):
    events = AuditEvent.objects.count()
    long_ago = timezone.now() - timedelta(days=400)
    RefusalCounter.objects.create(key="addr:10.0.0.5", window_start=long_ago, recorded=3)
    RefusalCounter.objects.create(key="addr:10.0.0.6", window_start=timezone.now(), recorded=3)
    log_retention_sweep(timezone.now(), 183, tmp_path)
    assert list(RefusalCounter.objects.values_list("key", flat=True)) == ["addr:10.0.0.6"]
    assert AuditEvent.objects.count() == events


def test_log_syslog_is_parsed_strictly(monkeypatch):
    monkeypatch.setenv("GANCHAO_LOG_SYSLOG", "syslog://10.0.0.5:1514")
    assert env.log_syslog() == {"address": ("10.0.0.5", 1514)}
    monkeypatch.setenv("GANCHAO_LOG_SYSLOG", "syslog")
    assert env.log_syslog() == {"address": "/dev/log"}
    monkeypatch.setenv("GANCHAO_LOG_SYSLOG", "")
    assert env.log_syslog() is None
    for bad in ("yes", "udp://10.0.0.5", "syslog://:514", "syslog://h:99999"):
        monkeypatch.setenv("GANCHAO_LOG_SYSLOG", bad)
        with pytest.raises(env.ConfigError, match="GANCHAO_LOG_SYSLOG"):
            env.log_syslog()


def test_security_log_has_one_line_per_login_failure(db, client, settings, caplog):
    with caplog.at_level(logging.INFO, logger="ganchao.security"):
        client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    lines = [r.getMessage() for r in caplog.records if r.name == "ganchao.security"]
    assert any(line.startswith("login failed user=nobody") for line in lines)
