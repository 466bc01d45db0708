"""Services of field visits and the burden meter: writes, audit, validation, scope."""

import datetime as dt

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import Role
from ganchao.visits import selectors, services
from ganchao.visits.models import BurdenSetting
from ganchao.visits.tests.factories import record_visit

pytestmark = pytest.mark.django_db


def test_office_records_a_visit_with_findings_guidance_and_demands(city):
    visit = record_visit(city, participants=[city.liaison_a])
    assert [f.unit for f in visit.findings.all()] == [city.village_a]
    assert [g.content for g in visit.guidance.all()] == ["介绍邻村第三方保洁做法"]
    assert visit.demands.count() == 2
    event = AuditEvent.objects.get(action="visit.create")
    assert event.object_id == str(visit.pk)
    assert event.changes["demands"]["after"] == ["月底前完成清运", "建立长效机制"]


def test_a_leader_records_only_their_own_visits(city):
    record_visit(city, actor=city.leader_user)
    other = _other_leader()
    with pytest.raises(ValidationFailed) as error:
        record_visit(city, actor=city.leader_user, leader=other)
    assert error.value.errors[0].field == "leader"


def _other_leader():
    from django.db import transaction

    from ganchao.orgs import services as org_services

    with transaction.atomic():
        return org_services.leader_create(actor=None, name="李建国", title="副市长")


def test_units_cannot_record_visits(city):
    with pytest.raises(NotFound):
        record_visit(city, actor=city.liaison_a)


def test_bad_input_names_each_field_and_writes_nothing(city):
    with pytest.raises(ValidationFailed) as error:
        record_visit(
            city,
            leader=None,
            place_name=" ",
            visited_on=None,
            place_kind="moon",
            guidance=[""],
            findings=[{"description": "x", "severity": "fatal", "unit": None}],
        )
    fields = {e.field for e in error.value.errors}
    assert {
        "leader",
        "place_name",
        "visited_on",
        "place_kind",
        "guidance[1]",
        "findings[1]",
    } <= fields
    assert not AuditEvent.objects.filter(action="visit.create").exists()


def test_scope_town_b_cannot_see_a_visit_to_town_a(city):
    visit = record_visit(city)
    assert selectors.visit_get(actor=city.liaison_a, pk=visit.pk) == visit
    assert selectors.visit_get(actor=city.leader_user, pk=visit.pk) == visit
    with pytest.raises(NotFound):
        selectors.visit_get(actor=city.liaison_b, pk=visit.pk)
    assert not selectors.visit_list(actor=city.liaison_b).exists()
    assert selectors.visit_list(actor=city.auditor).count() == 0


def test_visit_list_filters(city):
    record_visit(city, day="2026-03-10")
    record_visit(
        city,
        unit=city.village_b,
        place_name="王庄村",
        day="2026-04-02",
        leader=None,
        participants=[city.office],
    )
    office = city.office
    assert selectors.visit_list(actor=office, unit="西湖镇").count() == 1
    assert selectors.visit_list(actor=office, leader_id=city.leader.pk).count() == 1
    assert selectors.visit_list(actor=office, date_from=dt.date(2026, 4, 1)).count() == 1
    assert selectors.visit_list(actor=office, date_to=dt.date(2026, 3, 31)).count() == 1


def test_guidance_meter_flags_demands_without_guidance(city):
    record_visit(city, day="2026-03-10", guidance=[])
    meter = selectors.guidance_meter(actor=city.leader_user, leader_id=city.leader.pk, year=2026)
    assert meter["totals"] == {"visits": 1, "findings": 1, "guidance": 0, "demands": 2}
    assert meter["verdict_level"] == "warn"
    record_visit(city, day="2026-03-12", guidance=["对接省农业专家", "提供补助政策", "示范点参观"])
    meter = selectors.guidance_meter(actor=city.office, leader_id=city.leader.pk, year=2026)
    assert meter["months"][2]["guidance"] == 3 and meter["guidance_share"] == 43
    assert meter["verdict_level"] == "ok"
    with pytest.raises(NotFound):
        selectors.guidance_meter(actor=city.liaison_a, leader_id=city.leader.pk, year=2026)


def test_a_finding_becomes_a_matter_assigned_to_its_unit(city):
    assert services.matter_services() is not None
    visit = record_visit(city)
    finding = visit.findings.get()
    done = services.finding_to_matter(
        actor=city.office, finding_id=finding.pk, urgency="normal", person="张村长"
    )
    from ganchao.supervision.models import Matter

    matter = Matter.objects.get(pk=done.matter_id)
    assert matter.lead_unit == city.village_a
    assert "调研督导发现" in matter.content
    assert AuditEvent.objects.filter(action="visit.finding_to_matter").exists()
    with pytest.raises(ValidationFailed):
        services.finding_to_matter(
            actor=city.office, finding_id=finding.pk, urgency="normal", person="张村长"
        )
    with pytest.raises(NotFound):
        services.finding_to_matter(
            actor=city.liaison_a, finding_id=finding.pk, urgency="normal", person="张"
        )


def test_burden_request_rules(city):
    request = services.burden_request_create(
        actor=city.office,
        title="报送秸秆禁烧情况",
        from_unit=city.stats,
        to_units=[city.town_a, city.village_a],
        sent_on=dt.date(2026, 3, 2),
    )
    assert set(request.to_units.all()) == {city.town_a, city.village_a}
    with pytest.raises(ValidationFailed) as error:
        services.burden_request_create(
            actor=city.liaison_a,
            title="",
            from_unit=city.stats,
            to_units=[city.stats],
            sent_on=None,
        )
    fields = {e.field for e in error.value.errors}
    assert fields == {"title", "from_unit", "to_units", "sent_on"}


def test_threshold_is_the_office_s_to_set(city):
    services.burden_threshold_set(actor=city.office, monthly_threshold="12")
    assert BurdenSetting.objects.get(pk=1).monthly_threshold == 12
    with pytest.raises(ValidationFailed):
        services.burden_threshold_set(actor=city.office, monthly_threshold="0")
    with pytest.raises(Forbidden):
        services.burden_threshold_set(actor=city.liaison_a, monthly_threshold=5)
    assert city.office.role_grants.filter(role=Role.OFFICE).exists()
