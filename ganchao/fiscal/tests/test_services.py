"""量力而行: the capacity rule and every refusal, through the services."""

from decimal import Decimal

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.fiscal import rules
from ganchao.fiscal.choices import CommitmentState
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.fiscal.services import (
    capacity_set,
    commitment_approve,
    commitment_create,
    commitment_reject,
    commitment_withdraw,
)

pytestmark = pytest.mark.django_db
S = CommitmentState


def pledge(city, amount, *, actor=None, unit=None, year=2026, budget_year=None, reason=""):
    return commitment_create(
        actor=actor or city.liaison_a,
        unit=unit or city.town_a,
        year=year,
        budget_year=budget_year,
        amount=amount,
        title="村道提升工程",
        kind="other",
        reason=reason,
    )


@pytest.fixture
def funded(city):
    """西湖镇 can carry 1,000 万元 in 2026."""
    capacity_set(actor=city.office, unit=city.town_a, year=2026, amount="1000", basis="预算草案")
    return city


def field_of(error) -> list[str]:
    return [e.field for e in error.value.errors]


def test_a_commitment_within_capacity_takes_effect_at_once(funded):
    first = pledge(funded, "600")
    second = pledge(funded, "400")
    assert (first.state, second.state) == (S.EFFECTIVE, S.EFFECTIVE)
    assert second.excess == 0 and not second.needs_approval
    assert AuditEvent.objects.filter(action="fiscal.commitment_create").count() == 2


def test_going_beyond_capacity_needs_a_reason_and_waits_for_approval(funded):
    pledge(funded, "800")
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, "300")
    assert field_of(refused) == ["reason"]
    assert "超出可用财力 100.00 万元" in refused.value.message
    assert Commitment.objects.count() == 1
    over = pledge(funded, "300", reason="防汛应急工程，年中追加")
    assert over.state == S.PENDING and over.excess == Decimal("100.00")


def test_a_pending_commitment_counts_against_the_next_one(funded):
    pledge(funded, "1200", reason="重点项目提前开工")
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, "1")
    assert field_of(refused) == ["reason"]


def test_drawing_on_next_years_budget_needs_approval_even_within_capacity(funded):
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, "10", budget_year=2027)
    assert field_of(refused) == ["reason"]
    assert "以后年度预算" in refused.value.message
    later = pledge(funded, "10", budget_year=2027, reason="跨年度实施")
    assert later.state == S.PENDING and later.future_budget and later.excess == 0


def test_without_a_capacity_any_commitment_needs_approval(city):
    with pytest.raises(ValidationFailed) as refused:
        pledge(city, "5")
    assert "尚未核定可用财力" in refused.value.message
    made = pledge(city, "5", reason="财力尚未核定，先行申报")
    assert made.state == S.PENDING and made.no_capacity and made.excess == Decimal("5.00")


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "abc", "NaN", "1e20", ""])
def test_amounts_are_positive_with_at_most_two_decimals(funded, amount):
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, amount)
    assert field_of(refused) == ["amount"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "请填写承诺金额"),
        ("abc", "承诺金额不是数字"),
        ("1e20", "承诺金额超出允许范围"),
        ("-1", "承诺金额不能为负数"),
        ("0", "承诺金额须大于0"),
        ("1.234", "承诺金额最多保留两位小数"),
        ("1.00001", "承诺金额最多保留两位小数"),
    ],
)
def test_a_bad_amount_reads_as_everywhere_else(funded, amount, message):
    """The fiscal sums go through the shared number parser (goals.service_base.to_decimal) and
    the key projects' money words: the same typo gets the same message on either page."""
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, amount)
    assert refused.value.errors[0].message == message
    assert pledge(funded, "1,234.5", reason="超出部分年内追加").amount == Decimal("1234.50")
    if amount != "0":  # a project's sum may be zero
        with pytest.raises(ValidationFailed) as on_project:
            rules.parse_amount(amount, "amount", "承诺金额", allow_zero=True)
        assert on_project.value.errors[0].message == message


def test_budget_year_before_the_year_is_refused(funded):
    with pytest.raises(ValidationFailed) as refused:
        pledge(funded, "10", budget_year=2025)
    assert field_of(refused) == ["budget_year"]


def test_the_office_approves_and_the_excess_stays_shown_as_approved(funded):
    over = pledge(funded, "1500", reason="重点项目")
    approved = commitment_approve(actor=funded.office, commitment_id=over.pk, note="同意")
    assert approved.state == S.APPROVED and approved.approver == funded.office
    assert approved.decided_at is not None and approved.excess == Decimal("500.00")
    with pytest.raises(Conflict):
        commitment_approve(actor=funded.office, commitment_id=over.pk)
    with pytest.raises(Conflict):
        commitment_reject(actor=funded.office, commitment_id=over.pk, note="再议")


def test_a_city_leader_over_the_unit_may_decide(funded):
    over = pledge(funded, "1500", reason="重点项目")
    rejected = commitment_reject(actor=funded.leader_user, commitment_id=over.pk, note="压减规模")
    assert rejected.state == S.REJECTED and rejected.decision_note == "压减规模"


def test_a_liaison_cannot_approve_and_a_leader_elsewhere_sees_nothing(funded):
    over = pledge(funded, "1500", reason="重点项目")
    with pytest.raises(Forbidden):
        commitment_approve(actor=funded.liaison_a, commitment_id=over.pk)
    with pytest.raises(NotFound):
        commitment_approve(actor=funded.liaison_b, commitment_id=over.pk)
    assert Commitment.objects.get(pk=over.pk).state == S.PENDING


def test_rejecting_needs_a_note(funded):
    over = pledge(funded, "1500", reason="重点项目")
    with pytest.raises(ValidationFailed) as refused:
        commitment_reject(actor=funded.office, commitment_id=over.pk, note=" ")
    assert field_of(refused) == ["note"]


def test_withdrawing_frees_the_capacity_and_cannot_happen_twice(funded):
    big = pledge(funded, "900")
    commitment_withdraw(actor=funded.liaison_a, commitment_id=big.pk, note="项目取消")
    assert Commitment.objects.get(pk=big.pk).state == S.WITHDRAWN
    assert pledge(funded, "1000").state == S.EFFECTIVE
    with pytest.raises(Conflict):
        commitment_withdraw(actor=funded.liaison_a, commitment_id=big.pk)


def test_a_leader_may_not_withdraw_a_units_pledge(funded):
    made = pledge(funded, "100")
    with pytest.raises(Forbidden):
        commitment_withdraw(actor=funded.leader_user, commitment_id=made.pk)


def test_only_the_office_or_the_units_staff_set_a_capacity(city):
    capacity_set(actor=city.liaison_a, unit=city.town_a, year=2027, amount="300")
    with pytest.raises(NotFound):
        capacity_set(actor=city.liaison_b, unit=city.town_a, year=2027, amount="1")
    with pytest.raises(Forbidden):
        capacity_set(actor=city.leader_user, unit=city.town_a, year=2027, amount="1")
    assert Capacity.objects.get(unit=city.town_a, year=2027).amount == Decimal("300.00")


def test_changing_a_capacity_bumps_its_version_and_a_stale_one_is_refused(funded):
    capacity = capacity_set(
        actor=funded.office, unit=funded.town_a, year=2026, amount="1200", expected_version=1
    )
    assert capacity.version == 2 and capacity.amount == Decimal("1200.00")
    with pytest.raises(Conflict):
        capacity_set(
            actor=funded.office, unit=funded.town_a, year=2026, amount="1", expected_version=1
        )
    event = AuditEvent.objects.filter(action="fiscal.capacity_set").order_by("-seq").first()
    assert event.changes["amount"] == {"before": "1000.00", "after": "1200.00"}


@pytest.mark.parametrize("amount", ["-1", "0.001", "x"])
def test_a_capacity_is_zero_or_more_with_two_decimals(city, amount):
    with pytest.raises(ValidationFailed) as refused:
        capacity_set(actor=city.office, unit=city.town_a, year=2026, amount=amount)
    assert field_of(refused) == ["amount"]


def test_the_rule_as_a_pure_function():
    within = rules.assess(
        amount=Decimal(10), capacity=Decimal(100), live_total=Decimal(90), year=2026,
        budget_year=2026,
    )  # fmt: skip
    assert not within.needs_approval
    over = rules.assess(
        amount=Decimal(10), capacity=Decimal(100), live_total=Decimal(95), year=2026,
        budget_year=2026,
    )  # fmt: skip
    assert over.excess == Decimal(5)
    already_over = rules.assess(
        amount=Decimal(10), capacity=Decimal(100), live_total=Decimal(150), year=2026,
        budget_year=2026,
    )  # fmt: skip
    assert already_over.excess == Decimal(10)


def test_the_office_hears_of_a_pending_commitment_and_the_maker_of_the_decision(funded):
    from ganchao.notifications.models import Notification

    over = pledge(funded, "1500", reason="重点项目")
    told = Notification.objects.get(user=funded.office)
    assert "西湖镇" in told.title and "超出可用财力 500.00 万元" in told.body
    assert told.url == "/fiscal/approvals/"
    commitment_approve(actor=funded.office, commitment_id=over.pk, note="同意")
    answer = Notification.objects.get(user=funded.liaison_a)
    assert "已批准超出" in answer.title and answer.body == "同意"
