"""Appeals (申诉) on the worked example: given the published 2026-Q2 result of TOWNS, when A's
liaison appeals the milestones component and the office accepts it with 30, then result revision
2 lists A's milestones 26.25 → 30.00 and the total, and the original 26.25 stays visible."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ganchao.assessment import services, services_appeals
from ganchao.assessment.models import Appeal, Result
from ganchao.assessment.selectors_appeals import appeal_deadline, result_row
from ganchao.assessment.tests.conftest import SHANGHAI
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.conftest import make_user
from ganchao.notifications.models import Notification
from ganchao.orgs.choices import Role

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLISHED = dt.datetime(2026, 7, 7, 10, 0, tzinfo=SHANGHAI)  # a Tuesday


def at(y, m, d, hour=10, minute=0, second=0):
    return dt.datetime(y, m, d, hour, minute, second, tzinfo=SHANGHAI)


class People:
    def __init__(self, scenario):
        self.office = make_user("office", scenario.office_unit, Role.OFFICE)
        self.a_liaison = make_user("a_liaison", scenario.a, Role.LIAISON)
        self.b_liaison = make_user("b_liaison", scenario.b, Role.LIAISON)


@pytest.fixture
def people(scenario):
    return People(scenario)


@pytest.fixture
def published(scenario):
    with time_machine.travel(PUBLISHED, tick=False), transaction.atomic():
        result, _changes = services.result_publish(
            actor=None, scheme=scenario.scheme, period="2026-Q2"
        )
    return result


def submit(scenario, people, result, when=None, **kwargs):
    values = {
        "actor": people.a_liaison,
        "result": result,
        "unit": scenario.a,
        "component_code": "MS",
        "reason": "6月19日节点已于6月18日完成，报送时误填",
        "at": when or at(2026, 7, 8),
    }
    values.update(kwargs)
    return services_appeals.appeal_submit(**values)


def test_accepted_appeal_makes_revision_2_listing_the_differences(scenario, people, published):
    upload = SimpleUploadedFile("完成证明.pdf", PDF, content_type="application/pdf")
    appeal = submit(scenario, people, published, requested_score="30", files=[upload])
    assert appeal.original_score == D("26.25")
    assert appeal.evidence.get().sha256
    assert Notification.objects.filter(user=people.office, kind="appeal").exists()

    appeal, result = services_appeals.appeal_accept(
        actor=people.office, appeal=appeal, adjusted_score="30", decision="经核实，节点按时完成"
    )

    assert result.result_revision == 2
    assert appeal.revision_made == 2
    changes = {(d["unit_code"], d["field"]): (d["before"], d["after"]) for d in result.differences}
    assert changes[("T01", "component:MS")] == ("26.25", "30.00")
    assert changes[("T01", "total")] == ("90.92", "94.67")
    appeal.refresh_from_db()
    assert appeal.state == "accepted" and appeal.original_score == D("26.25")
    assert appeal.adjusted_score == D("30.00")
    detail = result_row(result, "T01", "MS")["details"][-1]
    assert detail["appeal"] == f"appeal:{appeal.pk}"
    assert D(detail["original"]) == D("26.25") and D(detail["adjusted"]) == D("30")
    assert result_row(published, "T01", "MS")["score"] == "26.25"  # revision 1 unchanged
    assert Notification.objects.filter(user=people.a_liaison, kind="appeal").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"assessment.appeal_submit", "assessment.appeal_accept"} <= actions


def test_rejected_appeal_needs_a_reason_and_leaves_the_result(scenario, people, published):
    appeal = submit(scenario, people, published)
    with pytest.raises(ValidationFailed):
        services_appeals.appeal_reject(actor=people.office, appeal=appeal, decision=" ")
    appeal = services_appeals.appeal_reject(
        actor=people.office, appeal=appeal, decision="节点完成日期以验收单为准，不予调整"
    )
    assert appeal.state == "rejected" and appeal.revision_made is None
    assert Result.objects.filter(scheme_code="TOWNS").count() == 1
    with pytest.raises(Conflict):
        services_appeals.appeal_accept(actor=people.office, appeal=appeal, adjusted_score="30")


def test_window_closes_after_the_fifth_working_day(scenario, people, published):
    assert appeal_deadline(published) == dt.date(2026, 7, 14)
    submit(scenario, people, published, when=at(2026, 7, 14, 23, 59, 59))
    with pytest.raises(ValidationFailed) as refused:
        submit(scenario, people, published, when=at(2026, 7, 15, 0, 0, 1), component_code="SUP")
    assert "2026年7月14日" in refused.value.message


def test_only_the_units_own_users_may_appeal(scenario, people, published):
    with pytest.raises(Forbidden):
        submit(scenario, people, published, actor=people.b_liaison)
    with pytest.raises(Forbidden):
        submit(scenario, people, published, actor=people.office)


def test_one_open_appeal_per_unit_and_component(scenario, people, published):
    submit(scenario, people, published)
    with pytest.raises(ValidationFailed):
        submit(scenario, people, published)
    submit(scenario, people, published, component_code="SUP")  # another component is fine
    with pytest.raises(ValidationFailed):
        submit(scenario, people, published, component_code="NOPE")


def test_an_older_revision_cannot_be_appealed(scenario, people, published):
    appeal = submit(scenario, people, published)
    services_appeals.appeal_accept(actor=people.office, appeal=appeal, adjusted_score="30")
    with pytest.raises(ValidationFailed) as refused:
        submit(scenario, people, published, component_code="SUP")
    assert "第2版" in refused.value.message
    assert Appeal.objects.count() == 1


def test_adjusted_score_within_the_component_points(scenario, people, published):
    appeal = submit(scenario, people, published)
    for bad in ("31", "-1", "abc", "26.25"):
        with pytest.raises(ValidationFailed):
            services_appeals.appeal_accept(actor=people.office, appeal=appeal, adjusted_score=bad)
    with pytest.raises(Forbidden):
        services_appeals.appeal_accept(actor=people.a_liaison, appeal=appeal, adjusted_score="30")


def test_evidence_is_checked_like_report_evidence(scenario, people, published):
    fake = SimpleUploadedFile("证明.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        submit(scenario, people, published, files=[fake])
    assert Appeal.objects.count() == 0
