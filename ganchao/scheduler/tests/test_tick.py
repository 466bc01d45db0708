"""`ganchao tick`: the scan registry, the audit checkpoint, --at parsing and the lock."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from ganchao.audit.services import audit_record, checkpoint_path
from ganchao.cli import main
from ganchao.scheduler import scans
from ganchao.scheduler.models import TickState
from ganchao.scheduler.services import LEASE, TickBusy, last_tick_at, tick_run

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry, so that a test's scans do not leak into others."""
    monkeypatch.setattr(scans, "_SCANS", dict(scans._SCANS))
    return scans


def record_event():
    with transaction.atomic():
        audit_record(actor=None, action="seed.load", changes={"n": {"before": None, "after": 1}})


def test_the_audit_checkpoint_scan_is_registered_last():
    names = [scan.name for scan in scans.registered_scans()]
    assert names[-1] == "audit.checkpoint"


def test_tick_exports_a_checkpoint_of_the_audit_head(capsys):
    record_event()
    record_event()
    assert main(["tick", "--at", "2026-05-11T09:00:00"]) == 0
    out = capsys.readouterr().out
    assert "定时扫描（时点 2026-05-11T09:00:00+08:00）" in out
    # the checkpoint seals its own event (#3, "audit.checkpoint"), recorded after the two
    assert "审计检查点：已导出检查点 #3" in out
    entry = json.loads(checkpoint_path().read_text().splitlines()[-1])
    assert entry["seq"] == 3


def test_tick_on_an_empty_audit_log_exports_nothing(capsys):
    assert main(["tick"]) == 0
    assert "审计日志为空" in capsys.readouterr().out
    assert not checkpoint_path().exists()


def test_tick_runs_every_scan_with_the_given_moment(registry, capsys):
    seen = []
    registry.register_scan("test.first", lambda at: seen.append(at) or "一项", label="甲", order=1)
    assert main(["tick", "--at", "2026-05-11"]) == 0
    assert seen == [dt.datetime(2026, 5, 11, 23, 59, 59, tzinfo=SHANGHAI)]
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  甲：一项"
    assert out[-1].startswith("  审计检查点：")


def test_a_bad_at_is_a_usage_error(capsys):
    assert main(["tick", "--at", "2026-13-01"]) == 2
    assert "不是 ISO 8601 格式" in capsys.readouterr().err
    assert not TickState.objects.exists()


def test_a_failing_scan_is_reported_and_the_others_still_run(registry, capsys):
    def broken(at):
        raise RuntimeError("boom")

    registry.register_scan("test.broken", broken, label="坏扫描", order=1)
    record_event()
    assert main(["tick", "--at", "2026-05-11T09:00:00+08:00"]) == 1
    captured = capsys.readouterr()
    assert "坏扫描：扫描失败（RuntimeError: boom）" in captured.err
    assert "已导出检查点 #2" in captured.out  # sealing its own event, #2
    state = TickState.objects.get()
    assert state.last_tick_at is None, "an incomplete tick does not count as done"
    assert state.running_since is None, "the lock is given back"


def test_last_tick_at_keeps_the_latest_moment():
    later = dt.datetime(2026, 5, 11, 9, tzinfo=SHANGHAI)
    earlier = later - dt.timedelta(days=3)
    tick_run(at=later)
    assert last_tick_at() == later
    tick_run(at=earlier)  # a re-run of a past moment
    assert last_tick_at() == later
    assert TickState.objects.get().last_finished_at is not None


def test_a_second_tick_while_one_runs_exits_1(registry, capsys):
    outcomes = []

    def nested(at):
        outcomes.append(main(["tick", "--at", "2026-05-11T09:00:00"]))
        return "完成"

    registry.register_scan("test.nested", nested, label="嵌套", order=1)
    assert main(["tick", "--at", "2026-05-11T08:00:00"]) == 0
    assert outcomes == [1]
    assert "另一个 tick 正在运行" in capsys.readouterr().err
    assert TickState.objects.get().running_since is None


def test_a_lease_held_elsewhere_blocks_and_an_abandoned_one_is_taken_over():
    now = timezone.now()
    TickState.objects.create(pk=1, running_since=now - dt.timedelta(minutes=1), running_token="x")
    with pytest.raises(TickBusy):
        tick_run(at=now)
    TickState.objects.filter(pk=1).update(running_since=now - LEASE - dt.timedelta(minutes=1))
    report = tick_run(at=now)
    assert report.ok
    state = TickState.objects.get()
    assert (state.running_since, state.running_token, state.last_tick_at) == (None, "", now)


def test_tick_refuses_a_naive_moment():
    with pytest.raises(ValueError):
        tick_run(at=dt.datetime(2026, 5, 11, 9))


def test_the_lease_is_renewed_between_scans_only_once_a_minute_has_passed(registry, monkeypatch):
    """A tick with nothing to do (cron, every minute) does not rewrite the lease after every
    scan; a long tick renews it, so that another tick never takes over one still running."""
    from ganchao.scheduler import services

    seen = []

    def backdate(at):
        TickState.objects.filter(pk=1).update(running_since=at - dt.timedelta(minutes=10))
        return "回拨"

    def look(at):
        seen.append(TickState.objects.get(pk=1).running_since)
        return "查看"

    registry.register_scan("test.backdate", backdate, label="回拨", order=1)
    registry.register_scan("test.look", look, label="查看", order=2)
    now = timezone.now()
    assert tick_run(at=now).ok
    assert seen == [now - dt.timedelta(minutes=10)], "a quick scan: not renewed"
    monkeypatch.setattr(services, "RENEW_EVERY", dt.timedelta(0))
    assert tick_run(at=now).ok
    assert seen[1] > now - dt.timedelta(minutes=1), "once RENEW_EVERY has passed: renewed"
    assert TickState.objects.get().running_since is None
