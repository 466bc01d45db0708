"""Proposing, editing, staffing and launching a decision; draft versions; the A3 exemption."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.choices import (
    EXCLUDED_CATEGORIES,
    CatalogueState,
    Category,
    State,
    Step,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import Decision, DraftVersion, UndertakingUnit
from ganchao.decisions.services.base import (
    lock,
    move,
    now,
    record,
    require,
    require_not_frozen,
    require_procedure_state,
    require_runs_procedures,
)
from ganchao.orgs.scoping import scope_of


def _check_category(category: str) -> None:
    if category not in Category.values:
        raise ValidationFailed.on("category", _("决策类别无效"))
    if category in EXCLUDED_CATEGORIES:
        raise ProcedureBlocked.rule(
            "A1",
            _("宏观调控、政府立法和突发事件应急处置决策不适用重大行政决策程序（%(category)s）")
            % {"category": Category(category).label},
        )


def _check_catalogue(catalogue_item, settings) -> None:
    if catalogue_item is None:
        if settings.catalogue_mode:
            raise ProcedureBlocked.rule("A1", _("未列入已公布目录"))
        return
    if catalogue_item.catalogue.state != CatalogueState.PUBLISHED:
        raise ProcedureBlocked.rule("A1", _("未列入已公布目录"))
    if catalogue_item.category in EXCLUDED_CATEGORIES:
        _check_category(catalogue_item.category)


def _next_code(year: int) -> str:
    last = (
        Decision.objects.filter(code__startswith=f"JC-{year}-")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"JC-{year}-{number:03d}"


def _set_undertakers(decision, units, lead) -> None:
    if not units:
        raise ValidationFailed.on("units", _("请至少确定一个决策承办单位"))
    ids = {u.pk for u in units}
    if lead is not None and lead.pk not in ids:
        ids.add(lead.pk)
        units = [*units, lead]
    if len(units) > 1 and lead is None:
        raise ProcedureBlocked.rule("A2", _("须明确牵头承办单位"))
    lead = lead or units[0]
    UndertakingUnit.objects.filter(decision=decision).delete()
    UndertakingUnit.objects.bulk_create(
        [UndertakingUnit(decision=decision, unit=u, is_lead=u.pk == lead.pk) for u in units]
    )


def decision_propose(
    *,
    actor,
    owner,
    title: str,
    category: str,
    year: int,
    units,
    lead=None,
    catalogue_item=None,
    summary: str = "",
    proposal_reason: str = "",
    technical=False,
    stability_risk=False,
    market_activity=False,
    exploratory=False,
    wide_concern=True,
) -> Decision:
    """A proposed decision (state proposed). A1: in catalogue mode only against an item of a
    published catalogue; the excluded categories are refused."""
    from ganchao.decisions.selectors import settings_get

    scope = scope_of(actor)
    if not scope.covers_path(owner.path) or scope.is_admin_only or scope.is_auditor_only:
        raise Forbidden(_("您不能为该决策机关提出决策事项"))
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.on("title", _("请填写决策事项名称"))
    if catalogue_item is not None:
        category = catalogue_item.category
    _check_category(category)
    _check_catalogue(catalogue_item, settings_get())
    for _attempt in range(3):
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    code=_next_code(year),
                    year=year,
                    title=title[:200],
                    summary=summary,
                    owner=owner,
                    catalogue_item=catalogue_item,
                    category=category,
                    technical=technical,
                    stability_risk=stability_risk,
                    market_activity=market_activity,
                    exploratory=exploratory,
                    wide_concern=wide_concern,
                    proposal_reason=proposal_reason,
                    proposed_by=actor,
                )
                _set_undertakers(decision, list(units), lead)
                record(actor=actor, decision=decision, action="decision.propose")
                return decision
        except IntegrityError:
            continue
    raise Conflict(_("编号冲突，请重试"))


def decision_update(*, actor, decision, **fields) -> Decision:
    """Edit title, summary, flags and undertakers while the procedures are open. Flags can be
    added, never removed once a procedure depends on them (the gates would be passed)."""
    allowed = {
        "title",
        "summary",
        "proposal_reason",
        "technical",
        "stability_risk",
        "market_activity",
        "exploratory",
        "wide_concern",
    }
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        require_not_frozen(decision)
        before = {}
        for name, value in fields.items():
            if name not in allowed:
                raise ValidationFailed.on(name, _("不能修改该字段"))
            old = getattr(decision, name)
            if isinstance(old, bool) and old and not value and decision.state != State.PROPOSED:
                raise ProcedureBlocked.rule(
                    "A15",
                    _("决策启动后不得取消“%(flag)s”")
                    % {"flag": Decision._meta.get_field(name).verbose_name},
                )
            before[name] = old
            setattr(decision, name, value)
        decision.version += 1
        decision.save(update_fields=[*before, "version", "updated_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.update",
            changes={
                k: {"before": v, "after": getattr(decision, k)}
                for k, v in before.items()
                if v != getattr(decision, k)
            },
        )
    return decision


def undertakers_set(*, actor, decision, units, lead=None) -> Decision:
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        if decision.state not in (State.PROPOSED, State.LAUNCHED):
            raise Conflict(_("只能在决策启动前后确定承办单位"))
        before = sorted(str(u.unit) for u in decision.undertakers.all())
        _set_undertakers(decision, list(units), lead)
        record(
            actor=actor,
            decision=decision,
            action="decision.undertakers_set",
            changes={"units": {"before": before, "after": sorted(str(u) for u in units)}},
        )
    return decision


def draft_add(*, actor, decision, text: str, explanation: str = "", change_note: str = ""):
    """A new draft version (第N稿)."""
    if not (text or "").strip():
        raise ValidationFailed.on("text", _("请填写草案文本"))
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        if decision.state != State.PROPOSED:
            require_procedure_state(decision)
        last = decision.drafts.order_by("-number").values_list("number", flat=True).first() or 0
        if last and not (change_note or "").strip():
            raise ValidationFailed.on("change_note", _("请说明本稿相对上一稿的修改"))
        draft = DraftVersion.objects.create(
            decision=decision,
            number=last + 1,
            text=text,
            explanation=explanation,
            change_note=change_note,
            created_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.draft_add",
            changes={"draft": {"before": last or None, "after": draft.number}},
        )
    return draft


def decision_launch(*, actor, decision) -> Decision:
    """proposed → launched (A1, A2): office only."""
    from ganchao.decisions.services.base import require_office

    with transaction.atomic():
        decision = lock(decision)
        require_office(actor)
        if decision.state != State.PROPOSED:
            raise Conflict(_("该决策已启动"))
        require(decision, Step.LAUNCH)
        move(
            actor=actor,
            decision=decision,
            to=State.LAUNCHED,
            action="decision.launch",
            extra={"launched_at": now()},
        )
    return decision


def participation_exempt(*, actor, decision, legal_basis: str) -> Decision:
    """A3: public participation not held because the matter is 依法不予公开; the legal basis
    is required, audited and shown to the legality reviewer."""
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ValidationFailed.on("legal_basis", _("依法不予公开须写明法律依据"))
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        require_procedure_state(decision)
        decision.participation_exempt_basis = legal_basis
        decision.participation_exempted_by = actor
        decision.participation_exempted_at = now()
        decision.version += 1
        decision.save(
            update_fields=[
                "participation_exempt_basis",
                "participation_exempted_by",
                "participation_exempted_at",
                "version",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.exempt_participation",
            changes={"participation_exempt_basis": {"before": "", "after": legal_basis}},
            reason=_("依法不予公开"),
        )
    return decision
