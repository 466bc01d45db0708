"""An appeal not resolved by its resolve deadline becomes a problem of the ledger (the tick's
scan), once; the commissioner or the office can also raise it by hand."""

import pytest
import time_machine
from django.db import transaction

from ganchao.common.errors import Conflict, Forbidden
from ganchao.enterprises import services
from ganchao.enterprises.escalation import escalate_scan
from ganchao.enterprises.models import Appeal
from ganchao.enterprises.tests.conftest import local
from ganchao.problems.models import Problem
from ganchao.scheduler.scans import registered_scans

pytestmark = pytest.mark.django_db


def test_the_scan_is_registered():
    assert "enterprises.escalate" in {scan.name for scan in registered_scans()}


@time_machine.travel(local(2026, 11, 2, 9, 0), tick=False)
def test_an_overdue_appeal_becomes_a_problem_once(ecity):
    late = ecity.receive(received_at=local(2026, 11, 2, 9, 0))  # resolve due 23 Nov 17:30
    on_time = ecity.receive(received_at=local(2026, 11, 2, 9, 0), title="已解决的诉求")
    services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=on_time)
    services.appeal_plan(actor=ecity.stats_liaison, appeal=on_time, plan="办理")
    services.appeal_resolve(actor=ecity.stats_liaison, appeal=on_time, resolution="已办")
    assert escalate_scan(local(2026, 11, 23, 17, 0)) == "没有未解决的企业诉求需要转入问题台账"
    with transaction.atomic():
        summary = escalate_scan(local(2026, 11, 23, 17, 31))
    assert summary == "1件未解决的企业诉求已转入问题台账"
    late = Appeal.objects.get(pk=late.pk)
    problem = late.problem
    assert (problem.source, problem.place_type, problem.place) == (
        "enterprise",
        "enterprise",
        "赶超精密机械有限公司",
    )
    assert problem.owner_unit == ecity.stats and late.number in problem.description
    assert escalate_scan(local(2026, 11, 24, 9, 0)) == "没有未解决的企业诉求需要转入问题台账"
    assert Problem.objects.count() == 1
    assert late.events.filter(kind="problem").exists()


def test_the_office_raises_a_problem_by_hand(ecity):
    appeal = ecity.receive()
    problem = services.appeal_to_problem(actor=ecity.office, appeal=appeal, severity="serious")
    assert problem.severity == "serious"
    with pytest.raises(Conflict):
        services.appeal_to_problem(actor=ecity.office, appeal=appeal)


def test_someone_else_cannot_raise_it(ecity):
    appeal = ecity.receive()
    with pytest.raises(Forbidden):
        services.appeal_to_problem(actor=ecity.stats_liaison, appeal=appeal)


def test_an_appeal_judged_unresolvable_becomes_a_problem(ecity):
    appeal = ecity.receive()
    services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    services.appeal_plan(actor=ecity.stats_liaison, appeal=appeal, plan="研究")
    services.appeal_resolve(
        actor=ecity.stats_liaison, appeal=appeal, resolution="超出本级权限", resolved=False
    )
    services.appeal_close(actor=ecity.commissioner, appeal=appeal)
    assert escalate_scan(appeal.received_at) == "1件未解决的企业诉求已转入问题台账"
    problem = Appeal.objects.get(pk=appeal.pk).problem
    assert "承办单位报告未能解决" in problem.description
