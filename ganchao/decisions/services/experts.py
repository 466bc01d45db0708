"""Expert argumentation (A7), risk assessment (A8) and fair-competition review (A12).

Expert pools belong to a government; a decision may draw on the pools of its own organ and of
the levels above. Assigning an expert takes a conflict-of-interest declaration: a declared
direct interest (the checkbox, or the declaration text saying "直接利害关系" without a
negation — see `declares_direct_interest`) refuses the assignment with A7, and the refusal
itself is audited. Opinions must be signed and sealed; their adoption is recorded before the
meeting. Risk assessments are made on the current draft: an existing assessment under other
rules, or risk points, measures and a contingency plan all filled in. A fair-competition
review is recorded for decisions involving market activity.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.decisions import permissions
from ganchao.decisions.choices import Adoption, FairConclusion, MaterialKind, RiskConclusion
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    Expert,
    ExpertAssignment,
    ExpertOpinion,
    ExpertPool,
    FairCompetitionReview,
    RiskAssessment,
)
from ganchao.decisions.services.base import (
    lock,
    now,
    record,
    require_procedure_state,
    require_runs_procedures,
)
from ganchao.decisions.services.files import decision_file_add
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

__all__ = [
    "declares_direct_interest",
    "expert_pool_create",
    "expert_add",
    "expert_update",
    "expert_assign",
    "expert_opinion_add",
    "expert_opinion_adopt",
    "risk_assessment_add",
    "fair_review_add",
    "may_manage_pools",
]

A7_INTEREST = gettext_lazy("该专家与决策事项有直接利害关系，不得参加论证")
INTEREST_PHRASE = "直接利害关系"
# What may stand right before the phrase to deny it (无直接利害关系, 不存在直接利害关系 …).
NEGATIONS = ("无", "不存在", "没有", "并无", "不具有", "不具备")

register_object_type("expertpool", _("专家库"))
register("decision.expert_pool_create", _("设立专家库"))
register("decision.expert_add", _("专家入库"))
register("decision.expert_update", _("修改专家信息"))
register("decision.expert_assign", _("确定论证专家"))
register("decision.expert_opinion_add", _("登记专家论证意见"))
register("decision.expert_opinion_adopt", _("登记专家意见采纳情况"))
register("decision.risk_assessment_add", _("登记风险评估"))
register("decision.fair_review_add", _("登记公平竞争审查"))


# ---- pools -----------------------------------------------------------------------------------


def may_manage_pools(actor) -> bool:
    """The office (督查室 / 政府办公室) or a system administrator keeps the pools."""
    scope = scope_of(actor)
    return scope.has(Role.OFFICE, Role.SYSTEM_ADMIN)


def _require_pool_manager(actor) -> None:
    if not may_manage_pools(actor):
        raise Forbidden(_("只有政府办公室（督查室）或系统管理员可以维护专家库"))


def _require_own_pool(actor, pool) -> None:
    """Pools of the levels above are used, not edited, by a city."""
    from ganchao.decisions.selectors_experts import actor_city

    city = actor_city(actor)
    if city is None or not pool.owner.path.startswith(city.path):
        raise Forbidden(_("只能维护本级政府设立的专家库"))


def _text(value, field: str, message: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, message)
    if limit and len(value) > limit:
        raise ValidationFailed.on(field, _("不能超过%(n)s个字") % {"n": limit})
    return value


def expert_pool_create(*, actor, name: str, owner=None) -> ExpertPool:
    """A pool of the actor's government (or of a government below it)."""
    from ganchao.decisions.selectors_experts import actor_city

    _require_pool_manager(actor)
    name = _text(name, "name", _("请填写专家库名称"), 200)
    city = actor_city(actor)
    owner = owner or city
    if owner is None or city is None or not owner.path.startswith(city.path):
        raise ValidationFailed.on("owner", _("只能为本级或下级政府设立专家库"))
    with transaction.atomic():
        pool = ExpertPool.objects.create(owner=owner, name=name)
        from ganchao.audit.services import Target, audit_record

        audit_record(
            actor=actor,
            action="decision.expert_pool_create",
            target=Target("expertpool", str(pool.pk), name),
            changes={"name": {"before": None, "after": name}},
        )
    return pool


def _expert_fields(fields: dict, *, partial: bool) -> dict:
    out = {}
    required = {
        "name": (_("请填写专家姓名"), 50),
        "organisation": (_("请填写工作单位"), 200),
        "specialty": (_("请填写专业领域"), 200),
    }
    for name, (message, limit) in required.items():
        if name in fields or not partial:
            out[name] = _text(fields.get(name), name, message, limit)
    if "title" in fields:
        title = (fields.get("title") or "").strip()
        if len(title) > 100:
            raise ValidationFailed.on("title", _("不能超过%(n)s个字") % {"n": 100})
        out["title"] = title
    if "active" in fields and fields["active"] is not None:
        out["active"] = bool(fields["active"])
    return out


def _expert_audit(actor, expert, action, changes) -> None:
    from ganchao.audit.services import Target, audit_record

    audit_record(
        actor=actor,
        action=action,
        target=Target("expertpool", str(expert.pool_id), str(expert.pool)),
        changes=changes,
    )


def expert_add(*, actor, pool, name, organisation, specialty, title="") -> Expert:
    _require_pool_manager(actor)
    _require_own_pool(actor, pool)
    values = _expert_fields(
        {"name": name, "organisation": organisation, "specialty": specialty, "title": title},
        partial=False,
    )
    with transaction.atomic():
        expert = Expert.objects.create(pool=pool, **values)
        _expert_audit(
            actor, expert, "decision.expert_add", {"expert": {"before": None, "after": str(expert)}}
        )
    return expert


def expert_update(*, actor, expert, **fields) -> Expert:
    """Edit name, organisation, specialty, title, or take the expert out of (back into) the
    pool with `active`. Past assignments keep the expert."""
    _require_pool_manager(actor)
    _require_own_pool(actor, expert.pool)
    unknown = set(fields) - {"name", "organisation", "specialty", "title", "active"}
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("不能修改该字段"))
    values = _expert_fields(fields, partial=True)
    with transaction.atomic():
        expert = (
            Expert.objects.select_for_update(of=("self",)).select_related("pool").get(pk=expert.pk)
        )
        changes = {}
        for name, value in values.items():
            if getattr(expert, name) != value:
                changes[name] = {"before": getattr(expert, name), "after": value}
                setattr(expert, name, value)
        if changes:
            expert.save(update_fields=list(changes))
            _expert_audit(actor, expert, "decision.expert_update", changes)
    return expert


# ---- assignment (A7) -------------------------------------------------------------------------


def declares_direct_interest(declaration: str, direct_interest: bool = False) -> bool:
    """The declaration declares a direct interest: the checkbox, or the phrase "直接利害关系"
    in the text with no negation (无 / 不存在 / 没有 / 并无 / 不具有 / 不具备) right before it.
    Only this phrase is read; other wordings of an interest are the declarer's to tick."""
    if direct_interest:
        return True
    text = "".join((declaration or "").split())
    start = text.find(INTEREST_PHRASE)
    while start != -1:
        if not text[:start].endswith(NEGATIONS):
            return True
        start = text.find(INTEREST_PHRASE, start + 1)
    return False


def expert_assign(
    *, actor, decision, expert, declaration: str, direct_interest: bool = False
) -> ExpertAssignment:
    """Assign an expert of a pool the decision organ may use, after the declaration. A declared
    direct interest is refused (A7); the refusal is audited in its own transaction."""
    from ganchao.decisions.selectors_experts import pool_usable_for

    declaration = _text(declaration, "declaration", _("请填写利益冲突声明"))
    try:
        with transaction.atomic():
            decision = lock(decision)
            require_runs_procedures(actor, decision)
            require_procedure_state(decision)
            if not pool_usable_for(decision, expert.pool):
                raise ValidationFailed.on(
                    "expert", _("该专家不在本级或上级政府的专家库中，不能选用")
                )
            if not expert.active:
                raise ValidationFailed.on("expert", _("该专家已出库，不能选用"))
            if declares_direct_interest(declaration, direct_interest):
                raise ProcedureBlocked.rule("A7", str(A7_INTEREST))
            try:
                with transaction.atomic():
                    assignment = ExpertAssignment.objects.create(
                        decision=decision,
                        expert=expert,
                        declaration=declaration,
                        declared_at=now(),
                        assigned_by=actor,
                    )
            except IntegrityError:
                raise Conflict(_("该专家已参加本事项论证")) from None
            record(
                actor=actor,
                decision=decision,
                action="decision.expert_assign",
                changes={"expert": {"before": None, "after": str(expert)}},
            )
            return assignment
    except ProcedureBlocked as exc:
        with transaction.atomic():
            record(
                actor=actor,
                decision=decision,
                action="decision.expert_assign",
                changes={"expert": {"before": None, "after": str(expert)}},
                reason=f"【A7】{exc.message}；{declaration}"[:1000],
                success=False,
            )
        raise


# ---- opinions --------------------------------------------------------------------------------


def _attach(actor, decision, upload, kind, procedure, obj, field: str) -> None:
    if upload is None:
        return
    item = decision_file_add(
        actor=actor,
        decision=decision,
        kind=kind,
        upload=upload,
        procedure=procedure,
        object_id=obj.pk,
    )
    setattr(obj, field, item)
    obj.save(update_fields=[field])


def expert_opinion_add(
    *, actor, assignment, text, signed_by, signed_on, seal, upload=None
) -> ExpertOpinion:
    """A written opinion, signed and sealed (A7): text, signature, date and sealing body are all
    required; the scanned original may be attached."""
    errors = []
    values = {}
    for name, value, message in (
        ("text", text, _("请填写论证意见")),
        ("signed_by", signed_by, _("书面论证意见须由专家签名")),
        ("seal", seal, _("书面论证意见须加盖单位公章（填写盖章单位）")),
    ):
        value = (value or "").strip()
        if not value:
            errors.append(FieldError(name, message))
        values[name] = value
    if signed_on is None:
        errors.append(FieldError("signed_on", _("请填写签署日期")))
    if len(values["signed_by"]) > 50:
        errors.append(FieldError("signed_by", _("不能超过%(n)s个字") % {"n": 50}))
    if len(values["seal"]) > 200:
        errors.append(FieldError("seal", _("不能超过%(n)s个字") % {"n": 200}))
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    with transaction.atomic():
        decision = lock(assignment.decision)
        require_runs_procedures(actor, decision)
        require_procedure_state(decision)
        opinion = ExpertOpinion.objects.create(assignment=assignment, signed_on=signed_on, **values)
        _attach(actor, decision, upload, MaterialKind.EXPERT_OPINION, "experts", opinion, "file")
        record(
            actor=actor,
            decision=decision,
            action="decision.expert_opinion_add",
            changes={"expert_opinion": {"before": None, "after": assignment.expert.name}},
        )
    return opinion


def expert_opinion_adopt(*, actor, opinion, adoption: str, reason: str = "") -> ExpertOpinion:
    """How the opinion was adopted; partly or not adopted needs the reason (A12)."""
    if adoption not in Adoption.values:
        raise ValidationFailed.on("adoption", _("请选择采纳情况"))
    reason = (reason or "").strip()
    if adoption != Adoption.ADOPTED and not reason:
        raise ValidationFailed.on("reason", _("部分采纳或未采纳的，须说明理由"))
    with transaction.atomic():
        decision = lock(opinion.assignment.decision)
        require_runs_procedures(actor, decision)
        require_procedure_state(decision)
        opinion = ExpertOpinion.objects.select_for_update(of=("self",)).get(pk=opinion.pk)
        before = opinion.adoption or None
        opinion.adoption = adoption
        opinion.adoption_reason = reason
        opinion.save(update_fields=["adoption", "adoption_reason"])
        record(
            actor=actor,
            decision=decision,
            action="decision.expert_opinion_adopt",
            changes={"adoption": {"before": before, "after": adoption}},
            reason=reason,
        )
    return opinion


# ---- risk assessment (A8) --------------------------------------------------------------------


def _current_draft(decision):
    draft = decision.drafts.order_by("-number").first()
    if draft is None:
        raise Conflict(_("尚未形成决策草案"))
    return draft


def risk_assessment_add(
    *,
    actor,
    decision,
    assessor: str,
    conclusion: str,
    assessor_unit=None,
    third_party: bool = False,
    existing_reference: str = "",
    risk_points: str = "",
    measures: str = "",
    contingency_plan: str = "",
    departments_heard: str = "",
    upload=None,
) -> RiskAssessment:
    """A risk assessment of the current draft (A8): either a reference to an assessment already
    made under other rules, or a report naming risk points, measures and a contingency plan."""
    errors = []
    assessor = (assessor or "").strip()
    if not assessor:
        errors.append(FieldError("assessor", _("请填写评估主体")))
    elif len(assessor) > 200:
        errors.append(FieldError("assessor", _("不能超过%(n)s个字") % {"n": 200}))
    if conclusion not in RiskConclusion.values:
        errors.append(FieldError("conclusion", _("请选择评估结论（风险可控或不可控）")))
    existing_reference = (existing_reference or "").strip()[:300]
    texts = {
        "risk_points": (risk_points or "").strip(),
        "measures": (measures or "").strip(),
        "contingency_plan": (contingency_plan or "").strip(),
    }
    if not existing_reference:
        missing = {
            "risk_points": _("风险评估报告须写明风险点"),
            "measures": _("风险评估报告须写明防范化解措施"),
            "contingency_plan": _("风险评估报告须写明处置预案"),
        }
        errors += [FieldError(k, str(m)) for k, m in missing.items() if not texts[k]]
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        require_procedure_state(decision)
        draft = _current_draft(decision)
        item = RiskAssessment.objects.create(
            decision=decision,
            draft=draft,
            assessor=assessor,
            assessor_unit=assessor_unit,
            third_party=bool(third_party),
            existing_reference=existing_reference,
            departments_heard=(departments_heard or "").strip(),
            conclusion=conclusion,
            created_by=actor,
            **texts,
        )
        _attach(actor, decision, upload, MaterialKind.RISK_REPORT, "risk", item, "report")
        record(
            actor=actor,
            decision=decision,
            action="decision.risk_assessment_add",
            changes={
                "draft": {"before": None, "after": draft.number},
                "conclusion": {"before": None, "after": conclusion},
            },
        )
    return item


# ---- fair-competition review -----------------------------------------------------------------


def fair_review_add(
    *, actor, decision, reviewer_unit, reviewed_on, opinion: str, conclusion: str, upload=None
) -> FairCompetitionReview:
    """The fair-competition review of the current draft. `fails` is recorded but does not
    satisfy the meeting gate (A12)."""
    errors = []
    if reviewer_unit is None:
        errors.append(FieldError("reviewer_unit", _("请选择审查机构")))
    if reviewed_on is None:
        errors.append(FieldError("reviewed_on", _("请填写审查日期")))
    elif reviewed_on > timezone.localdate():
        errors.append(FieldError("reviewed_on", _("审查日期不能晚于今天")))
    opinion = (opinion or "").strip()
    if not opinion:
        errors.append(FieldError("opinion", _("请填写审查意见")))
    if conclusion not in FairConclusion.values:
        errors.append(FieldError("conclusion", _("请选择审查结论")))
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        require_procedure_state(decision)
        draft = _current_draft(decision)
        item = FairCompetitionReview.objects.create(
            decision=decision,
            draft=draft,
            reviewer_unit=reviewer_unit,
            reviewed_on=reviewed_on,
            opinion=opinion,
            conclusion=conclusion,
            created_by=actor,
        )
        _attach(actor, decision, upload, MaterialKind.FAIR_REVIEW, "fair_competition", item, "file")
        record(
            actor=actor,
            decision=decision,
            action="decision.fair_review_add",
            changes={"conclusion": {"before": None, "after": conclusion}},
        )
    return item


def may_run(actor, decision) -> bool:
    return permissions.runs_procedures(actor, decision)
