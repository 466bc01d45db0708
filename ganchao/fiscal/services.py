"""Writes of 量力而行: setting a unit's capacity for a year, committing money against it, and
deciding the commitments that go beyond it. Each runs in one transaction and records its audit
event there.

The rule (DESIGN.md 3.14): a commitment that would take the unit's commitments of the year
beyond its capacity, or that draws on a later year's budget, or that is made for a year
without a recorded capacity, needs a reason and waits for the office or a city leader to
approve it; any other takes effect at once.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.api import is_blank
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.fiscal import permissions, rules
from ganchao.fiscal.choices import (
    COMMITMENT_TRANSITIONS,
    LIVE_STATES,
    CommitmentKind,
    CommitmentState,
)
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.models import Unit

for _code, _label in [
    ("fiscal.capacity_set", gettext_lazy("核定可用财力")),
    ("fiscal.commitment_create", gettext_lazy("新增财力承诺")),
    ("fiscal.commitment_approve", gettext_lazy("批准超财力承诺")),
    ("fiscal.commitment_reject", gettext_lazy("不予批准超财力承诺")),
    ("fiscal.commitment_withdraw", gettext_lazy("撤回财力承诺")),
]:
    register(_code, _label)
register_object_type("fiscal_capacity", gettext_lazy("可用财力"))
register_object_type("fiscal_commitment", gettext_lazy("财力承诺"))

MAX_TEXT = 2000
NOT_FOUND = gettext_lazy("承诺事项不存在")


def _text(value, field: str, label: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and is_blank(text):
        raise ValidationFailed.on(field, _("%(label)s：请填写") % {"label": label})
    if len(text) > limit:
        raise ValidationFailed.on(
            field, _("%(label)s：不能超过%(n)d字") % {"label": label, "n": limit}
        )
    return text


def _locked_unit(actor, unit_id) -> Unit:
    """The unit, row-locked so that commitments of one unit are checked one at a time; NotFound
    outside the actor's read scope."""
    unit = Unit.objects.select_for_update().filter(pk=unit_id, active=True).first()
    if unit is None or not permissions.may_read(actor, unit):
        raise NotFound(_("单位不存在或不在您的查看范围内"))
    return unit


# ---- capacity --------------------------------------------------------------------------------


@transaction.atomic
def capacity_set(
    *, actor, unit, year, amount, basis: str = "", expected_version: int | None = None
) -> Capacity:
    """Record or change the unit's capacity for the year. Changing an existing figure names the
    version it was based on (`expected_version`; None skips the check, for pages that hold none)."""
    unit = _locked_unit(actor, unit.pk)
    if not permissions.may_manage(actor, unit):
        raise Forbidden(_("只有督查室或本单位的联络员、负责人才能核定可用财力"))
    year = rules.check_year(year, "year", _("年度"))
    amount = rules.parse_amount(amount, "amount", _("可用财力"), allow_zero=True)
    basis = _text(basis, "basis", _("测算依据"), required=False)
    capacity = Capacity.objects.select_for_update().filter(unit=unit, year=year).first()
    if capacity is None:
        capacity = Capacity.objects.create(
            unit=unit, year=year, amount=amount, basis=basis, set_by=actor
        )
        changes = diff({}, {"amount": amount, "basis": basis, "year": year})
    else:
        if expected_version is not None and expected_version != capacity.version:
            raise Conflict(
                _("可用财力已被他人修改（当前版本 %(current)d），请刷新后重试（您的修改未保存）")
                % {"current": capacity.version}
            )
        before = {"amount": capacity.amount, "basis": capacity.basis}
        capacity.amount, capacity.basis, capacity.set_by = amount, basis, actor
        capacity.version += 1
        capacity.save(update_fields=["amount", "basis", "set_by", "version", "updated_at"])
        changes = diff(before, {"amount": amount, "basis": basis})
    audit_record(
        actor=actor,
        action="fiscal.capacity_set",
        target=Target.of(capacity, "fiscal_capacity"),
        changes=changes,
    )
    return capacity


# ---- commitments -----------------------------------------------------------------------------


def live_total(unit_id: int, year: int) -> Decimal:
    total = Commitment.objects.filter(unit_id=unit_id, year=year, state__in=LIVE_STATES).aggregate(
        total=Sum("amount")
    )["total"]
    return total or rules.ZERO


def commitment_preview(*, unit_id: int, year: int, budget_year: int, amount) -> rules.Assessment:
    """What the rule says of a commitment before it is made (the form shows the reason field
    when it needs an approval)."""
    capacity = Capacity.objects.filter(unit_id=unit_id, year=year).values_list("amount", flat=True)
    return rules.assess(
        amount=amount,
        capacity=capacity.first(),
        live_total=live_total(unit_id, year),
        year=year,
        budget_year=budget_year,
    )


@transaction.atomic
def commitment_create(
    *,
    actor,
    unit,
    year,
    budget_year=None,
    amount,
    title: str,
    kind: str,
    item=None,
    reason: str = "",
) -> Commitment:
    unit = _locked_unit(actor, unit.pk)
    if not permissions.may_manage(actor, unit):
        raise Forbidden(_("只有督查室或本单位的联络员、负责人才能新增财力承诺"))
    title = _text(title, "title", _("事项名称"), required=True, limit=200)
    if kind not in CommitmentKind.values:
        raise ValidationFailed.on("kind", _("类型：请选择重点项目或其他承诺事项"))
    year = rules.check_year(year, "year", _("支出年度"))
    budget_year = year if budget_year is None else budget_year
    budget_year = rules.check_year(budget_year, "budget_year", _("资金所属预算年度"))
    if budget_year < year:
        raise ValidationFailed.on(
            "budget_year", _("资金所属预算年度：不能早于支出年度（结转资金请计入当年可用财力）")
        )
    amount = rules.parse_amount(amount, "amount", _("承诺金额"))
    verdict = commitment_preview(unit_id=unit.pk, year=year, budget_year=budget_year, amount=amount)
    reason = _text(reason, "reason", _("超出理由"), required=False)
    if verdict.needs_approval and not reason:
        raise ValidationFailed.on("reason", _needs_reason_message(verdict))
    commitment = Commitment.objects.create(
        unit=unit,
        year=year,
        budget_year=budget_year,
        amount=amount,
        title=title,
        kind=kind,
        item=item,
        state=CommitmentState.PENDING if verdict.needs_approval else CommitmentState.EFFECTIVE,
        reason=reason,
        excess=verdict.excess,
        no_capacity=verdict.no_capacity,
        future_budget=verdict.future_budget,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="fiscal.commitment_create",
        target=Target.of(commitment, "fiscal_commitment"),
        changes=diff(
            {},
            {
                "unit": unit.code,
                "year": year,
                "budget_year": budget_year,
                "amount": amount,
                "kind": kind,
                "state": commitment.state,
                "excess": verdict.excess,
            },
        ),
        reason=reason,
    )
    if commitment.state == CommitmentState.PENDING:
        _tell_the_office(commitment)
    return commitment


def _tell_the_office(commitment: Commitment) -> None:
    """The office users over the unit hear of a commitment waiting for their approval."""
    officers = offices_for([commitment.unit_id]).get(commitment.unit_id, [])
    message = {
        "title": _("待审批：%(unit)s超财力承诺“%(title)s”")
        % {"unit": commitment.unit.name, "title": commitment.title},
        "body": "；".join(str(g) for g in commitment.approval_grounds()),
        "url": reverse("fiscal:approvals"),
    }
    notifications_create_many([(user, message) for user in officers])


def _tell_the_maker(commitment: Commitment) -> None:
    """Whoever made the commitment hears of the decision on it."""
    message = {
        "title": _("财力承诺“%(title)s”%(state)s")
        % {"title": commitment.title, "state": commitment.get_state_display()},
        "body": commitment.decision_note,
        "url": reverse("fiscal:unit_year", args=[commitment.unit_id, commitment.year]),
    }
    notifications_create_many([(commitment.created_by, message)])


def _needs_reason_message(verdict: rules.Assessment) -> str:
    if verdict.no_capacity:
        why = _("该单位该年度尚未核定可用财力")
    elif verdict.excess:
        why = _("承诺后将超出可用财力 %(excess)s 万元") % {"excess": verdict.excess}
    else:
        why = _("资金占用以后年度预算")
    return _("超出理由：%(why)s，须说明理由并经督查室或市级领导批准") % {"why": why}


def _commitment_for_change(actor, commitment_id) -> Commitment:
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("unit", "created_by")
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None or not permissions.may_read(actor, commitment.unit):
        raise NotFound(NOT_FOUND)
    return commitment


def _step(actor, commitment: Commitment, verb: str, note: str, *, at=None) -> Commitment:
    step = COMMITMENT_TRANSITIONS[verb]
    if commitment.state not in step.sources:
        raise Conflict(
            _("承诺事项当前为“%(state)s”，不能%(verb)s")
            % {"state": commitment.get_state_display(), "verb": step.label}
        )
    before = commitment.state
    commitment.state = step.target
    commitment.version += 1
    fields = ["state", "version", "updated_at"]
    now = at or timezone.now()
    if verb == "withdraw":
        commitment.withdrawn_at = now
        fields.append("withdrawn_at")
    else:
        commitment.approver, commitment.decided_at, commitment.decision_note = actor, now, note
        fields += ["approver", "decided_at", "decision_note"]
    commitment.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"fiscal.commitment_{verb}",
        target=Target.of(commitment, "fiscal_commitment"),
        changes=diff({"state": before}, {"state": commitment.state}),
        reason=note,
    )
    return commitment


@transaction.atomic
def commitment_approve(*, actor, commitment_id: int, note: str = "") -> Commitment:
    commitment = _commitment_for_change(actor, commitment_id)
    if not permissions.may_approve(actor, commitment.unit):
        raise Forbidden(_("只有督查室或市级领导才能批准超出财力的承诺"))
    note = _text(note, "note", _("审批意见"), required=False)
    _step(actor, commitment, "approve", note)
    _tell_the_maker(commitment)
    return commitment


@transaction.atomic
def commitment_reject(*, actor, commitment_id: int, note: str = "") -> Commitment:
    commitment = _commitment_for_change(actor, commitment_id)
    if not permissions.may_approve(actor, commitment.unit):
        raise Forbidden(_("只有督查室或市级领导才能审批超出财力的承诺"))
    note = _text(note, "note", _("审批意见"), required=True)
    _step(actor, commitment, "reject", note)
    _tell_the_maker(commitment)
    return commitment


@transaction.atomic
def commitment_withdraw(*, actor, commitment_id: int, note: str = "") -> Commitment:
    commitment = _commitment_for_change(actor, commitment_id)
    if not permissions.may_manage(actor, commitment.unit):
        raise Forbidden(_("只有督查室或本单位的联络员、负责人才能撤回财力承诺"))
    note = _text(note, "note", _("撤回说明"), required=False)
    return _step(actor, commitment, "withdraw", note)
