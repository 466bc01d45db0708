"""Writes of appeals (申诉, DESIGN.md 3.10): a unit contests one component of the latest
published result within 5 working days of its publication; the office accepts it with an
adjusted score — which, in the same transaction, publishes the next result revision listing the
differences — or rejects it with a reason. The original score stays on the appeal and in the
new revision's breakdown details."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import permissions, selectors, services
from ganchao.assessment.choices import APPEAL_TRANSITIONS, AppealState
from ganchao.assessment.models import Appeal, AppealEvidence, Result
from ganchao.assessment.selectors_appeals import appeal_deadline, chinese_date, result_row
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.goals import evidence as evidence_files
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notification_create
from ganchao.orgs.selectors import unit_contacts

APPEAL_SUBMIT = register("assessment.appeal_submit", gettext_lazy("提出考核申诉"))
APPEAL_ACCEPT = register("assessment.appeal_accept", gettext_lazy("采纳考核申诉"))
APPEAL_REJECT = register("assessment.appeal_reject", gettext_lazy("不予采纳考核申诉"))
EVIDENCE_FAILED = register(
    "assessment.appeal_evidence_integrity_failed", gettext_lazy("申诉材料校验失败")
)
register_object_type("appeal", gettext_lazy("考核申诉"))
register_object_type("appealevidence", gettext_lazy("申诉材料"))

CENT = Decimal("0.01")


# ---- checks --------------------------------------------------------------------------------


def _score(raw, field: str, label: str, points: Decimal, *, required: bool) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        if required:
            raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed.on(field, _("%(label)s不是数字") % {"label": label}) from None
    if not value.is_finite() or not Decimal(0) <= value <= points:
        raise ValidationFailed.on(
            field, _("%(label)s应在 0 至 %(points)s 之间") % {"label": label, "points": points}
        )
    return value.quantize(CENT)


def _require_latest(result: Result) -> None:
    latest = selectors.latest_result(result.scheme_code, result.period)
    if latest is None or latest.pk != result.pk:
        raise ValidationFailed.on(
            "result",
            _("该结果已有更新的版本（第%(n)s版），请针对最新发布的结果提出申诉")
            % {"n": latest.result_revision if latest else "?"},
        )


def _require_window(result: Result, at: dt.datetime) -> None:
    deadline = appeal_deadline(result)
    if timezone.localtime(at).date() > deadline:
        raise ValidationFailed.on(
            "result",
            _("申诉期限已过：应在结果发布后5个工作日内（%(day)s 24时前）提出")
            % {"day": chinese_date(deadline)},
        )


def _component(result: Result, unit, component_code: str) -> dict:
    component = result_row(result, unit.code, component_code)
    if component is None:
        raise ValidationFailed.on(
            "component", _("本次考核结果中没有该单位的这一组成项，请重新选择")
        )
    return component


def _require_no_open(result: Result, unit, component_code: str) -> None:
    open_appeal = Appeal.objects.filter(
        scheme_code=result.scheme_code,
        period=result.period,
        unit=unit,
        component_code=component_code,
        state=AppealState.SUBMITTED,
    ).exists()
    if open_appeal:
        raise ValidationFailed.on(
            "component", _("本单位对该组成项已有待处理的申诉，请等待督查室处理")
        )


def _transition(appeal: Appeal, target: str, verb: str) -> None:
    if target not in APPEAL_TRANSITIONS[AppealState(appeal.state)]:
        raise Conflict(
            _("该申诉当前状态为“%(state)s”，不能%(verb)s")
            % {"state": appeal.get_state_display(), "verb": verb}
        )


def _require_office(actor) -> None:
    if not permissions.manages_assessment(actor):
        raise Forbidden(_("只有督查室可以处理考核申诉"))


# ---- evidence ------------------------------------------------------------------------------


def _check_files(files) -> list:
    files = list(files)
    if len(files) > evidence_files.MAX_FILES:
        raise ValidationFailed.on(
            "files", _("一次最多上传 %(n)d 个文件") % {"n": evidence_files.MAX_FILES}
        )
    return [(upload, evidence_files.check_upload(upload)) for upload in files]


def _store_files(appeal: Appeal, checked) -> list[AppealEvidence]:
    rows = []
    for upload, check in checked:
        name = evidence_files.store(upload, check)
        rows.append(
            AppealEvidence.objects.create(
                appeal=appeal,
                file=name,
                original_name=(upload.name or name)[-255:],
                content_type=check.content_type,
                size=check.size,
                sha256=check.sha256,
            )
        )
    return rows


def appeal_evidence_open(*, actor, evidence: AppealEvidence):
    """The stored file after re-checking its hash; a mismatch is recorded and refused."""
    if not evidence_files.verify(evidence):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=EVIDENCE_FAILED,
                target=Target("appealevidence", str(evidence.pk), evidence.original_name),
                success=False,
            )
        raise Conflict(
            _("文件“%(name)s”校验未通过，可能已被改动或损坏，已停止下载；请联系督查室核实")
            % {"name": evidence.original_name}
        )
    from django.core.files.storage import default_storage

    return default_storage.open(evidence.file.name, "rb")


# ---- notifications -------------------------------------------------------------------------


def _appeal_url(appeal: Appeal) -> str:
    return f"/assessment/appeals/{appeal.pk}/"


def _notify_office(appeal: Appeal, at) -> None:
    notification_create(
        users=offices_for([appeal.unit_id]).get(appeal.unit_id, []),
        title=_("新的考核申诉：%(unit)s %(component)s")
        % {"unit": appeal.unit.name, "component": appeal.component_name},
        body=appeal.reason[:500],
        url=_appeal_url(appeal),
        kind="appeal",
        at=at,
    )


def _notify_unit(appeal: Appeal, at) -> None:
    outcome = appeal.get_state_display()
    notification_create(
        users=unit_contacts([appeal.unit_id]).get(appeal.unit_id, []),
        title=_("考核申诉%(outcome)s：%(scheme)s %(period)s %(component)s")
        % {
            "outcome": outcome,
            "scheme": appeal.scheme_code,
            "period": appeal.period,
            "component": appeal.component_name,
        },
        body=appeal.decision[:500],
        url=_appeal_url(appeal),
        kind="appeal",
        at=at,
    )


# ---- verbs ---------------------------------------------------------------------------------


@transaction.atomic
def appeal_submit(
    *,
    actor,
    result: Result,
    unit,
    component_code: str,
    reason: str,
    requested_score=None,
    files=(),
    at: dt.datetime | None = None,
) -> Appeal:
    """A unit's appeal against one component of the latest published result."""
    at = at or timezone.now()
    if not permissions.may_appeal(actor, unit):
        raise Forbidden(_("只有本单位的联络员或负责人可以为本单位提出申诉"))
    result = Result.objects.select_for_update().get(pk=result.pk)  # one submit at a time
    _require_latest(result)
    _require_window(result, at)
    component = _component(result, unit, component_code)
    _require_no_open(result, unit, component_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写申诉理由"))
    points = Decimal(component["points"])
    requested = _score(requested_score, "requested_score", _("申请调整为"), points, required=False)
    checked = _check_files(files)
    appeal = Appeal.objects.create(
        scheme_code=result.scheme_code,
        period=result.period,
        result=result,
        unit=unit,
        component_code=component_code,
        component_name=component["name"],
        original_score=Decimal(component["score"]),
        requested_score=requested,
        reason=reason,
        submitted_by=actor,
        submitted_at=at,
    )
    stored = _store_files(appeal, checked)
    audit_record(
        actor=actor,
        action=APPEAL_SUBMIT,
        target=Target("appeal", str(appeal.pk), str(appeal)),
        changes=diff(
            {},
            {
                "result": str(result),
                "component": component_code,
                "original_score": appeal.original_score,
                "requested_score": requested,
                "evidence": [e.sha256 for e in stored],
            },
        ),
        reason=reason,
        at=at,
    )
    _notify_office(appeal, at)
    return appeal


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("unit", "result").get(pk=appeal.pk)


@transaction.atomic
def appeal_accept(
    *, actor, appeal: Appeal, adjusted_score, decision: str = "", at: dt.datetime | None = None
) -> tuple[Appeal, Result | None]:
    """Accept with an adjusted score and publish the next result revision (same transaction)."""
    _require_office(actor)
    at = at or timezone.now()
    appeal = _lock(appeal)
    _transition(appeal, AppealState.ACCEPTED, _("采纳"))
    component = result_row(appeal.result, appeal.unit.code, appeal.component_code)
    points = Decimal(component["points"]) if component else Decimal(100)
    score = _score(adjusted_score, "adjusted_score", _("调整后得分"), points, required=True)
    if score == appeal.original_score:
        raise ValidationFailed.on(
            "adjusted_score", _("调整后得分与原得分相同；如不调整得分，请选择不予采纳")
        )
    before = {"state": appeal.state}
    appeal.state = AppealState.ACCEPTED
    appeal.adjusted_score = score
    appeal.decision = (decision or "").strip()
    appeal.decided_by = actor
    appeal.decided_at = at
    appeal.save(update_fields=["state", "adjusted_score", "decision", "decided_by", "decided_at"])
    result, _changes = services.result_publish(
        actor=actor, scheme=appeal.result.scheme, period=appeal.period, cutoff=appeal.result.cutoff
    )
    if result is not None:
        appeal.revision_made = result.result_revision
        appeal.save(update_fields=["revision_made"])
    _audit_decision(actor, appeal, APPEAL_ACCEPT, before, at)
    _notify_unit(appeal, at)
    return appeal, result


@transaction.atomic
def appeal_reject(*, actor, appeal: Appeal, decision: str, at: dt.datetime | None = None) -> Appeal:
    """Reject with a reason; the result stands."""
    _require_office(actor)
    at = at or timezone.now()
    appeal = _lock(appeal)
    _transition(appeal, AppealState.REJECTED, _("不予采纳"))
    decision = (decision or "").strip()
    if not decision:
        raise ValidationFailed.on("decision", _("请填写不予采纳的理由"))
    before = {"state": appeal.state}
    appeal.state = AppealState.REJECTED
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = at
    appeal.save(update_fields=["state", "decision", "decided_by", "decided_at"])
    _audit_decision(actor, appeal, APPEAL_REJECT, before, at)
    _notify_unit(appeal, at)
    return appeal


def _audit_decision(actor, appeal: Appeal, action: str, before: dict, at) -> None:
    after = {
        "state": appeal.state,
        "original_score": appeal.original_score,
        "adjusted_score": appeal.adjusted_score,
        "revision_made": appeal.revision_made,
    }
    audit_record(
        actor=actor,
        action=action,
        target=Target("appeal", str(appeal.pk), str(appeal)),
        changes=diff(before, after),
        reason=appeal.decision,
        at=at,
    )
