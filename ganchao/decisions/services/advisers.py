"""Services: the legal-adviser register and the consultation log (法律顾问制度, A16).

The register (法律顾问、公职律师名册) is kept by the office or by the legality reviewers (司法局)
of the appointing unit's city: appointment, edit, end of appointment with a reason. Every unit
records the consultations it makes — the liaison, the unit head, the office (for any unit), a
legality reviewer, or the adviser's own account — and later whether the opinion was adopted; a
partly or not adopted opinion needs the written reason (A16), kept with the record. An opinion
linked to a decision (or its legality review) is what the A16 gate of the meeting reads.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from ganchao.decisions.choices import (
    FROZEN_STATES,
    AdviserAdoption,
    AdviserConclusion,
    AdviserKind,
    MaterialKind,
    ProcedureKind,
    State,
)
from ganchao.decisions.models import AdviserConsultation, LegalAdviser
from ganchao.decisions.selectors_advisers import city_path
from ganchao.decisions.services.base import lock, record
from ganchao.decisions.services.files import decision_file_add
from ganchao.orgs.choices import Role
from ganchao.orgs.models import RoleGrant
from ganchao.orgs.scoping import scope_of

__all__ = [
    "adviser_opinion_adopt",
    "adviser_opinion_record",
    "legal_adviser_create",
    "legal_adviser_end",
    "legal_adviser_update",
    "may_adopt",
    "may_manage_advisers",
    "may_record_opinions",
]

register("decision.adviser_create", _("聘任法律顾问（公职律师）"))
register("decision.adviser_update", _("修改法律顾问信息"))
register("decision.adviser_end", _("解聘法律顾问（公职律师）"))
register("decision.adviser_opinion", _("登记法律顾问咨询意见"))
register("decision.adviser_adoption", _("登记法律顾问意见采纳情况"))
register_object_type("adviserconsultation", _("法律顾问咨询记录"))

MAX_TEXT = 5000
RECORDING_ROLES = (Role.OFFICE, Role.LIAISON, Role.UNIT_HEAD, Role.LEGALITY_REVIEWER)
# Opinions on a decision are heard before its collective discussion (and while it waits for it).
OPINION_STATES = {State.PROPOSED, State.LAUNCHED, State.IN_REVIEW, State.READY, State.ADJUSTING}
REGISTER_FIELDS = (
    "name",
    "kind",
    "appointing_unit",
    "organisation",
    "qualification",
    "term_start",
    "term_end",
    "conflicts",
    "phone",
    "user",
)


# ---- who may ------------------------------------------------------------------------------------


def may_manage_advisers(actor, appointing_unit=None) -> bool:
    """The office anywhere; a legality reviewer for appointing units of their own city (with no
    unit given: whether the actor manages any register at all)."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    if not scope.has(Role.LEGALITY_REVIEWER) or not getattr(actor, "unit_id", None):
        return False
    if appointing_unit is None:
        return True
    return appointing_unit.path.startswith(city_path(actor.unit))


def _require_manager(actor, appointing_unit) -> None:
    if not may_manage_advisers(actor, appointing_unit):
        raise Forbidden(_("只有政府办公室或本市司法行政部门的法制审核人员可以管理法律顾问名册"))


def may_record_opinions(actor) -> bool:
    """Whether the actor records consultations at all (their own unit's, or as the adviser)."""
    scope = scope_of(actor)
    return scope.has(*RECORDING_ROLES) or (
        scope.has(Role.LEGAL_ADVISER) and _own_adviser_id(actor) is not None
    )


def _own_adviser_id(actor) -> int | None:
    return LegalAdviser.objects.filter(user=actor).values_list("pk", flat=True).first()


def _may_record_for(actor, unit, adviser) -> bool:
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    if scope.has(*RECORDING_ROLES[1:]) and scope.covers_path(unit.path, write=True):
        return True
    # the adviser's own account records the opinions they gave to the units of their appointer
    return adviser.user_id == actor.pk and unit.path.startswith(adviser.appointing_unit.path)


def may_adopt(actor, consultation) -> bool:
    """The consulting unit's staff or the office record what became of the opinion."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    return scope.has(*RECORDING_ROLES[1:]) and scope.covers_path(consultation.unit.path, write=True)


# ---- the register --------------------------------------------------------------------------------


def _text(value, field: str, label: str, errors: list, *, max_length: int, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.append(FieldError(field, _("%(label)s：请填写") % {"label": label}))
    elif len(text) > max_length:
        errors.append(
            FieldError(field, _("%(label)s：不能超过%(n)d字") % {"label": label, "n": max_length})
        )
    return text


def _clean_register(fields: dict, errors: list, *, current: LegalAdviser | None = None) -> dict:
    cleaned = {
        "name": _text(fields.get("name"), "name", _("姓名"), errors, max_length=50),
        "organisation": _text(
            fields.get("organisation"),
            "organisation",
            _("执业机构或所在单位"),
            errors,
            max_length=200,
        ),
        "qualification": _text(
            fields.get("qualification"),
            "qualification",
            _("法律职业资格或执业证号"),
            errors,
            max_length=100,
        ),
        "conflicts": _text(
            fields.get("conflicts"),
            "conflicts",
            _("利益冲突申报"),
            errors,
            max_length=MAX_TEXT,
            required=False,
        ),
        "phone": _text(
            fields.get("phone"), "phone", _("联系电话"), errors, max_length=30, required=False
        ),
    }
    kind = fields.get("kind") or ""
    if kind not in AdviserKind.values:
        errors.append(FieldError("kind", _("类别：请选择政府法律顾问或公职律师")))
    cleaned["kind"] = kind
    unit = fields.get("appointing_unit")
    if unit is None or not unit.active:
        errors.append(FieldError("appointing_unit", _("聘任单位：请选择一个启用的单位")))
    cleaned["appointing_unit"] = unit
    start, end = fields.get("term_start"), fields.get("term_end")
    if start is None:
        errors.append(FieldError("term_start", _("聘期开始：请填写")))
    if end is None:
        errors.append(FieldError("term_end", _("聘期结束：请填写")))
    elif start is not None and end < start:
        errors.append(FieldError("term_end", _("聘期结束：不能早于聘期开始")))
    cleaned["term_start"], cleaned["term_end"] = start, end
    cleaned["user"] = _clean_linked_user(fields.get("user"), current, errors)
    return cleaned


def _clean_linked_user(user, current, errors: list):
    if user is None:
        return None
    if not user.is_active:
        errors.append(FieldError("user", _("关联账号：不能选择已停用的账号")))
    elif not RoleGrant.objects.filter(user=user, role=Role.LEGAL_ADVISER).exists():
        errors.append(FieldError("user", _("关联账号：该账号没有“法律顾问”角色")))
    else:
        taken = LegalAdviser.objects.filter(user=user)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors.append(FieldError("user", _("关联账号：该账号已关联其他法律顾问")))
    return user


def _snapshot(adviser: LegalAdviser) -> dict:
    return {
        "name": adviser.name,
        "kind": adviser.kind,
        "appointing_unit": adviser.appointing_unit.code if adviser.appointing_unit_id else None,
        "organisation": adviser.organisation,
        "qualification": adviser.qualification,
        "term_start": adviser.term_start,
        "term_end": adviser.term_end,
        "conflicts": adviser.conflicts,
        "phone": adviser.phone,
        "user": adviser.user.username if adviser.user_id else None,
        "active": adviser.active,
    }


def _adviser_target(adviser: LegalAdviser) -> Target:
    return Target("legaladviser", str(adviser.pk), str(adviser)[:300])


def _raise(errors: list) -> None:
    if errors:
        raise ValidationFailed(errors[0].message, errors)


@transaction.atomic
def legal_adviser_create(
    *,
    actor,
    name: str,
    kind: str,
    appointing_unit,
    organisation: str,
    qualification: str,
    term_start: dt.date | None,
    term_end: dt.date | None,
    conflicts: str = "",
    phone: str = "",
    user=None,
) -> LegalAdviser:
    """Appoint a legal adviser or public lawyer for a term (end not before start)."""
    if appointing_unit is not None:
        _require_manager(actor, appointing_unit)
    elif not may_manage_advisers(actor):
        raise Forbidden(_("只有政府办公室或本市司法行政部门的法制审核人员可以管理法律顾问名册"))
    errors: list[FieldError] = []
    cleaned = _clean_register(
        {
            "name": name,
            "kind": kind,
            "appointing_unit": appointing_unit,
            "organisation": organisation,
            "qualification": qualification,
            "term_start": term_start,
            "term_end": term_end,
            "conflicts": conflicts,
            "phone": phone,
            "user": user,
        },
        errors,
    )
    _raise(errors)
    adviser = LegalAdviser.objects.create(**cleaned)
    audit_record(
        actor=actor,
        action="decision.adviser_create",
        target=_adviser_target(adviser),
        changes=diff({}, _snapshot(adviser)),
    )
    return adviser


def _locked_adviser(adviser) -> LegalAdviser:
    return (
        LegalAdviser.objects.select_for_update(of=("self",))
        .select_related("appointing_unit", "user")
        .get(pk=adviser.pk)
    )


@transaction.atomic
def legal_adviser_update(
    *, actor, adviser: LegalAdviser, expected_version: int | None = None, **changes
) -> LegalAdviser:
    """Change the given register fields (the others stay); a new appointing unit must be one the
    actor manages too."""
    adviser = _locked_adviser(adviser)
    _require_manager(actor, adviser.appointing_unit)
    if expected_version is not None and expected_version != adviser.version:
        raise Conflict(_("该法律顾问信息已被他人修改，请刷新后重试"))
    unknown = sorted(set(changes) - set(REGISTER_FIELDS))
    if unknown:
        raise ValidationFailed.on(unknown[0], _("不能修改的字段：%(f)s") % {"f": unknown[0]})
    merged = {name: getattr(adviser, name) for name in REGISTER_FIELDS} | changes
    if merged["appointing_unit"] != adviser.appointing_unit and merged["appointing_unit"]:
        _require_manager(actor, merged["appointing_unit"])
    errors: list[FieldError] = []
    cleaned = _clean_register(merged, errors, current=adviser)
    _raise(errors)
    before = _snapshot(adviser)
    for name, value in cleaned.items():
        setattr(adviser, name, value)
    after = _snapshot(adviser)
    if before == after:
        return adviser
    adviser.version += 1
    adviser.save(update_fields=[*cleaned, "version", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.adviser_update",
        target=_adviser_target(adviser),
        changes=diff(before, after),
    )
    return adviser


@transaction.atomic
def legal_adviser_end(*, actor, adviser: LegalAdviser, reason: str) -> LegalAdviser:
    """End the appointment (解聘) with a reason, kept in the audit event. The consultations the
    adviser gave stay."""
    adviser = _locked_adviser(adviser)
    _require_manager(actor, adviser.appointing_unit)
    errors: list[FieldError] = []
    reason = _text(reason, "reason", _("解聘理由"), errors, max_length=MAX_TEXT)
    _raise(errors)
    if not adviser.active:
        raise Conflict(_("%(name)s已解聘") % {"name": adviser.name})
    adviser.active = False
    adviser.version += 1
    adviser.save(update_fields=["active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="decision.adviser_end",
        target=_adviser_target(adviser),
        changes={"active": {"before": True, "after": False}},
        reason=reason,
    )
    return adviser


# ---- the consultation log ------------------------------------------------------------------------


def adviser_available_on(adviser: LegalAdviser, day: dt.date) -> bool:
    return adviser.active and adviser.term_start <= day <= adviser.term_end


def _day(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _check_adviser(adviser, consulted_on, errors: list) -> None:
    if adviser is None:
        errors.append(FieldError("adviser", _("法律顾问：请选择")))
    elif not adviser.active:
        errors.append(FieldError("adviser", _("法律顾问：%(name)s已解聘") % {"name": adviser.name}))
    elif consulted_on is not None and not adviser_available_on(adviser, consulted_on):
        errors.append(
            FieldError(
                "adviser",
                _("法律顾问：%(name)s的聘期为%(start)s至%(end)s，咨询日期不在聘期内")
                % {
                    "name": adviser.name,
                    "start": _day(adviser.term_start),
                    "end": _day(adviser.term_end),
                },
            )
        )


def _clean_opinion(fields: dict, errors: list) -> dict:
    cleaned = {
        "subject": _text(fields["subject"], "subject", _("咨询事项"), errors, max_length=200),
        "question": _text(
            fields["question"],
            "question",
            _("咨询内容"),
            errors,
            max_length=MAX_TEXT,
            required=False,
        ),
        "opinion": _text(fields["opinion"], "opinion", _("法律意见"), errors, max_length=MAX_TEXT),
    }
    if fields["conclusion"] not in AdviserConclusion.values:
        errors.append(FieldError("conclusion", _("意见结论：请选择")))
    consulted_on = fields["consulted_on"]
    if consulted_on is None:
        errors.append(FieldError("consulted_on", _("咨询日期：请填写")))
    elif consulted_on > timezone.localdate():
        errors.append(FieldError("consulted_on", _("咨询日期：不能晚于今天")))
    return cleaned


def _linked_decision(actor, decision, legality_review, errors: list):
    """The decision the opinion is about (the review's own when a review is named)."""
    from ganchao.decisions.selectors import decisions_visible

    if legality_review is not None:
        if decision is not None and decision.pk != legality_review.decision_id:
            errors.append(FieldError("legality_review", _("合法性审查：不属于所选的重大行政决策")))
            return decision
        decision = legality_review.decision
    if decision is None:
        return None
    if not decisions_visible(actor).filter(pk=decision.pk).exists():
        raise NotFound(_("重大行政决策不存在或不在您的查看范围内"))
    return decision


def _check_decision_state(decision) -> None:
    if decision.state not in OPINION_STATES:
        if decision.state in FROZEN_STATES:
            raise Conflict(_("决策已作出，不能再登记决策前的法律顾问意见"))
        raise Conflict(
            _("决策当前状态为“%(state)s”，不能登记法律顾问意见")
            % {"state": State(decision.state).label}
        )


@transaction.atomic
def adviser_opinion_record(
    *,
    actor,
    unit,
    adviser: LegalAdviser | None,
    subject: str,
    opinion: str,
    conclusion: str,
    consulted_on: dt.date | None,
    question: str = "",
    decision=None,
    legality_review=None,
    file=None,
) -> AdviserConsultation:
    """Record one consultation of an adviser by a unit, with the opinion and its conclusion. The
    adviser must be in post and within term on the consultation date (422 naming them). Linked
    to a decision (or its legality review), it is the opinion A16 reads before the meeting; an
    uploaded opinion (意见书) is then stored as the decision's file."""
    if not may_record_opinions(actor):
        raise Forbidden(
            _("只有单位联络员、单位负责人、督查室、法制审核人员或法律顾问本人可以登记咨询")
        )
    errors: list[FieldError] = []
    if unit is None or not unit.active:
        errors.append(FieldError("unit", _("咨询单位：请选择一个启用的单位")))
    cleaned = _clean_opinion(
        {
            "subject": subject,
            "question": question,
            "opinion": opinion,
            "conclusion": conclusion,
            "consulted_on": consulted_on,
        },
        errors,
    )
    _check_adviser(adviser, consulted_on, errors)
    if unit is not None and adviser is not None and not _may_record_for(actor, unit, adviser):
        errors.append(FieldError("unit", _("咨询单位：只能登记本单位的咨询")))
    decision = _linked_decision(actor, decision, legality_review, errors)
    if file is not None and decision is None:
        errors.append(FieldError("file", _("意见书：只有关联重大行政决策的咨询才能上传意见书")))
    _raise(errors)
    if decision is not None:
        decision = lock(decision)
        _check_decision_state(decision)
    consultation = AdviserConsultation.objects.create(
        unit=unit,
        adviser=adviser,
        decision=decision,
        legality_review=legality_review,
        conclusion=conclusion,
        consulted_on=consulted_on,
        recorded_by=actor,
        **cleaned,
    )
    if file is not None:
        consultation.file = _store_file(actor, decision, consultation, file)
        consultation.save(update_fields=["file"])
    _record_opinion_event(actor, consultation)
    return consultation


def _store_file(actor, decision, consultation, upload):
    try:
        return decision_file_add(
            actor=actor,
            decision=decision,
            kind=MaterialKind.ADVISER_OPINION,
            upload=upload,
            procedure=ProcedureKind.ADVISER,
            object_id=consultation.pk,
        )
    except ValidationFailed as exc:
        raise ValidationFailed.on("file", exc.message) from None


def _consultation_target(consultation) -> Target:
    return Target("adviserconsultation", str(consultation.pk), consultation.subject[:300])


def _record_opinion_event(actor, consultation) -> None:
    changes = diff(
        {},
        {
            "unit": consultation.unit.code,
            "adviser": str(consultation.adviser),
            "subject": consultation.subject,
            "conclusion": consultation.conclusion,
            "consulted_on": consultation.consulted_on,
            "legality_review": consultation.legality_review_id,
        },
    )
    if consultation.decision_id:
        record(
            actor=actor,
            decision=consultation.decision,
            action="decision.adviser_opinion",
            changes=changes,
        )
    else:
        audit_record(
            actor=actor,
            action="decision.adviser_opinion",
            target=_consultation_target(consultation),
            changes=changes,
        )


@transaction.atomic
def adviser_opinion_adopt(
    *, actor, consultation: AdviserConsultation, adoption: str, reason: str = ""
) -> AdviserConsultation:
    """Record whether the opinion was adopted: adopted, partly or not adopted — the last two with
    the written reason (A16). Set once; it stays pending until then."""
    consultation = (
        AdviserConsultation.objects.select_for_update(of=("self",))
        .select_related("unit", "adviser", "decision")
        .get(pk=consultation.pk)
    )
    if not may_adopt(actor, consultation):
        raise Forbidden(_("只有咨询单位或督查室可以登记采纳情况"))
    if consultation.adoption != AdviserAdoption.PENDING:
        raise Conflict(
            _("该意见的采纳情况已登记为“%(a)s”") % {"a": consultation.get_adoption_display()}
        )
    errors: list[FieldError] = []
    settled = [v for v in AdviserAdoption.values if v != AdviserAdoption.PENDING]
    if adoption not in settled:
        errors.append(FieldError("adoption", _("采纳情况：请选择已采纳、部分采纳或未采纳")))
    reason = _text(reason, "reason", _("理由"), errors, max_length=MAX_TEXT, required=False)
    if adoption in (AdviserAdoption.PARTLY, AdviserAdoption.NOT_ADOPTED) and not reason:
        errors.append(
            FieldError("reason", _("理由：部分采纳或未采纳法律顾问意见的，须书面说明理由"))
        )
    _raise(errors)
    consultation.adoption = adoption
    consultation.adoption_reason = reason
    consultation.save(update_fields=["adoption", "adoption_reason"])
    changes = {"adoption": {"before": AdviserAdoption.PENDING, "after": adoption}}
    if consultation.decision_id:
        record(
            actor=actor,
            decision=consultation.decision,
            action="decision.adviser_adoption",
            changes=changes,
            reason=reason,
        )
    else:
        audit_record(
            actor=actor,
            action="decision.adviser_adoption",
            target=_consultation_target(consultation),
            changes=changes,
            reason=reason,
        )
    return consultation
