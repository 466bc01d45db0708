"""Enterprises, commissioners, visits and the appeal's life: every step and every refusal."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.enterprises import selectors, services
from ganchao.enterprises.choices import AppealState, ClockState, EventKind, Scale, Sector
from ganchao.enterprises.clocks import clocks_of
from ganchao.enterprises.models import Appeal, EnterpriseSettings
from ganchao.enterprises.tests.conftest import CODES, local


def test_enterprise_with_a_bad_credit_code_is_refused_naming_the_fault(ecity):
    with pytest.raises(ValidationFailed) as caught:
        ecity.make_enterprise("某公司", "9144030071526726X3")
    assert caught.value.errors[0].field == "credit_code"
    assert caught.value.errors[0].message == "校验位（第18位）应为G"


def test_a_credit_code_is_registered_once(ecity):
    with pytest.raises(ValidationFailed) as caught:
        ecity.make_enterprise("另一家公司", CODES[0].lower())
    assert "已登记为“赶超精密机械有限公司”" in caught.value.message


def test_a_town_liaison_registers_in_own_town_only(ecity):
    with transaction.atomic():
        made = services.enterprise_create(
            actor=ecity.liaison_a,
            name="腾讯西湖分公司",
            credit_code=CODES[1],
            sector=Sector.SOFTWARE,
            scale=Scale.LARGE,
            town=ecity.town_a,
        )
    assert made.credit_code == CODES[1]
    with pytest.raises(Forbidden):
        services.enterprise_create(
            actor=ecity.liaison_b,
            name="华为",
            credit_code=CODES[2],
            sector=Sector.SOFTWARE,
            scale=Scale.LARGE,
            town=ecity.town_a,
        )


def test_update_checks_the_version_and_audits(ecity):
    e = ecity.enterprise
    services.enterprise_update(actor=ecity.office, enterprise=e, version=1, phone="0000-7654321")
    with pytest.raises(Conflict):
        services.enterprise_update(actor=ecity.office, enterprise=e, version=1, phone="1")
    assert AuditEvent.objects.filter(action="enterprises.enterprise_update").count() == 1


def test_only_a_commissioner_role_can_be_assigned(ecity):
    with pytest.raises(ValidationFailed) as caught:
        services.commissioner_assign(
            actor=ecity.office, enterprise=ecity.enterprise, user=ecity.liaison_a
        )
    assert "没有“企业服务专员”角色" in caught.value.message


def test_a_commissioner_records_visits_of_own_enterprise_only(ecity):
    visit = services.visit_record(
        actor=ecity.commissioner,
        enterprise=ecity.enterprise,
        visited_on=dt.date(2026, 11, 2),
        notes="了解生产线扩建进度",
        findings="用电容量不足",
    )
    assert list(selectors.visits_of(ecity.enterprise)) == [visit]
    with pytest.raises(Forbidden):
        services.visit_record(
            actor=ecity.commissioner_b,
            enterprise=ecity.enterprise,
            visited_on=dt.date(2026, 11, 2),
            notes="x",
        )


def test_an_ended_commissioner_no_longer_serves(ecity):
    row = ecity.enterprise.commissioners.get()
    services.commissioner_end(actor=ecity.liaison_a, assignment=row)
    with pytest.raises(Forbidden):
        ecity.receive()


@time_machine.travel(local(2026, 11, 30, 9, 0), tick=False)
def test_appeal_goes_through_every_step_with_its_clocks(ecity):
    appeal = ecity.receive()
    assert appeal.number == "SQ202600001"
    assert appeal.commissioner == ecity.commissioner
    assert appeal.acknowledge_due == local(2026, 11, 30, 11, 0)
    with time_machine.travel(local(2026, 11, 30, 10, 0), tick=False):
        appeal = services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    with time_machine.travel(local(2026, 12, 4, 10, 0), tick=False):  # after 3 Dec 17:30
        appeal = services.appeal_plan(actor=ecity.stats_liaison, appeal=appeal, plan="协调供电公司")
    with time_machine.travel(local(2026, 12, 8, 10, 0), tick=False):
        appeal = services.appeal_resolve(
            actor=ecity.stats_liaison, appeal=appeal, resolution="已完成增容"
        )
        states = [c.state for c in clocks_of(appeal, local(2026, 12, 8, 10, 0))]
        assert states == [ClockState.MET, ClockState.LATE, ClockState.MET]
        # 30 Nov 09:00 → 8 Dec 10:00: six whole working days (7 h) minus the first half hour + 1.5
        assert appeal.resolve_hours == 7 * 6 - 0.5 + 1.5
        appeal = services.appeal_close(actor=ecity.commissioner, appeal=appeal)
    assert appeal.state == AppealState.CLOSED
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["received", "acknowledged", "planned", "resolved", "closed"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"enterprises.appeal_receive", "enterprises.appeal_close"} <= actions


def test_steps_out_of_order_are_refused_with_409(ecity):
    appeal = ecity.receive()
    with pytest.raises(Conflict) as caught:
        services.appeal_plan(actor=ecity.stats_liaison, appeal=appeal, plan="x")
    assert caught.value.message == "诉求当前“已受理”，不能制定方案"
    with pytest.raises(Conflict):
        services.appeal_close(actor=ecity.commissioner, appeal=appeal)


def test_only_the_owner_unit_handles(ecity):
    appeal = ecity.receive()
    with pytest.raises(Forbidden):
        services.appeal_acknowledge(actor=ecity.liaison_b, appeal=appeal)
    with pytest.raises(Forbidden):
        services.appeal_acknowledge(actor=ecity.commissioner, appeal=appeal)


def test_an_unresolvable_appeal_closes_without_a_resolution_time(ecity):
    appeal = ecity.receive()
    appeal = services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    appeal = services.appeal_plan(actor=ecity.stats_liaison, appeal=appeal, plan="研究")
    appeal = services.appeal_resolve(
        actor=ecity.stats_liaison, appeal=appeal, resolution="超出政策范围", resolved=False
    )
    assert appeal.state == AppealState.UNRESOLVED and appeal.resolved_at is None
    appeal = services.appeal_close(actor=ecity.commissioner, appeal=appeal)
    assert appeal.state == AppealState.CLOSED


def closed_appeal(ecity):
    appeal = ecity.receive()
    appeal = services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    appeal = services.appeal_plan(actor=ecity.stats_liaison, appeal=appeal, plan="协调")
    appeal = services.appeal_resolve(actor=ecity.stats_liaison, appeal=appeal, resolution="完成")
    return services.appeal_close(actor=ecity.commissioner, appeal=appeal)


def test_the_rating_link_is_single_use(ecity):
    appeal = closed_appeal(ecity)
    link, token = services.rating_link_issue(actor=ecity.commissioner, appeal=appeal)
    assert token not in link.token_hash and len(link.token_hash) == 64
    rated = services.appeal_rate(token=token, rating=4, comment="响应很快")
    assert (rated.rating, rated.rating_comment) == (4, "响应很快")
    with pytest.raises(Conflict) as caught:
        services.appeal_rate(token=token, rating=5)
    assert caught.value.message == "该评价链接已使用过，感谢您的评价"
    with pytest.raises(Conflict):
        services.rating_link_issue(actor=ecity.commissioner, appeal=rated)


def test_a_rating_link_expires(ecity):
    appeal = closed_appeal(ecity)
    link, token = services.rating_link_issue(actor=ecity.commissioner, appeal=appeal)
    with (
        time_machine.travel(link.expires_at + dt.timedelta(seconds=1)),
        pytest.raises(Conflict) as caught,
    ):
        services.appeal_rate(token=token, rating=5)
    assert "已过期" in caught.value.message


def test_a_rating_is_1_to_5_and_a_bad_token_is_not_found(ecity):
    appeal = closed_appeal(ecity)
    _link, token = services.rating_link_issue(actor=ecity.commissioner, appeal=appeal)
    with pytest.raises(ValidationFailed):
        services.appeal_rate(token=token, rating=6)
    with pytest.raises(NotFound):
        services.appeal_rate(token="x" + token, rating=5)


def test_no_rating_link_before_closure(ecity):
    appeal = ecity.receive()
    with pytest.raises(Conflict):
        services.rating_link_issue(actor=ecity.commissioner, appeal=appeal)


def test_settings_change_applies_to_new_appeals(ecity):
    first = ecity.receive(received_at=local(2026, 12, 2, 9, 0))
    row = EnterpriseSettings.load()
    services.settings_update(actor=ecity.office, version=row.version, acknowledge_hours=4)
    second = ecity.receive(received_at=local(2026, 12, 2, 9, 0))
    assert first.acknowledge_due == local(2026, 12, 2, 11, 0)
    assert second.acknowledge_due == local(2026, 12, 2, 15, 0)  # 3 h before noon, 1 after 14:00
    with pytest.raises(ValidationFailed):
        services.settings_update(actor=ecity.office, resolve_days=0)
    with pytest.raises(Forbidden):
        services.settings_update(actor=ecity.liaison_a, resolve_days=10)


def test_scope_hides_another_towns_appeals(ecity):
    appeal = ecity.receive()
    assert selectors.appeal_get(ecity.liaison_a, appeal.pk) == appeal
    assert selectors.appeal_get(ecity.stats_liaison, appeal.pk) == appeal
    with pytest.raises(NotFound):
        selectors.appeal_get(ecity.liaison_b, appeal.pk)
    with pytest.raises(NotFound):
        selectors.enterprise_get(ecity.commissioner_b, ecity.enterprise.pk)


def test_the_desk_puts_the_most_urgent_clock_first(ecity):
    later = ecity.receive(received_at=local(2026, 12, 2, 9, 0), title="融资")
    urgent = ecity.receive(received_at=local(2026, 12, 1, 9, 0), title="用工")
    services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=later)  # now plan due 7 Dec
    rows = list(selectors.desk_appeals(ecity.commissioner))
    assert rows == [urgent, later]
    assert Appeal.objects.count() == 2
    assert list(selectors.desk_enterprises(ecity.commissioner)) == [ecity.enterprise]


def test_event_kinds_are_labelled():
    assert EventKind("problem").label == "转入问题台账"
