"""The legality review (合法性审查, LEGAL_RULES A9–A11).

The undertaker requests the review of the current draft with the legal basis and the statement
of how the statutory procedures were performed (A10); the minimum review time is counted in
working days on the holiday calendar, and a meeting planned before it needs an urgency reason
and is flagged. The reviewers of the reviewing unit take the request, ask for supplements (their
clock stops meanwhile), return it, or conclude with the three sections 权限/程序/内容 and at
least one opinion of a government legal adviser or public lawyer linked to the review (A11).
A missing, unlawful or unfinished review blocks the meeting for everyone (A9, gates.py).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register
from ganchao.common import workdays
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.decisions.choices import (
    AdviserKind,
    MaterialKind,
    ProcedureKind,
    ReviewConclusion,
    ReviewState,
    State,
    Step,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    AdviserConsultation,
    DraftVersion,
    LegalityReview,
    ReviewPause,
)
from ganchao.decisions.services.base import (
    lock,
    move,
    now,
    record,
    require,
    require_runs_procedures,
)
from ganchao.decisions.services.files import decision_file_add
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

__all__ = [
    "MATERIAL_KINDS",
    "may_act_as_reviewer",
    "review_changes_confirm",
    "review_conclude",
    "review_material_add",
    "review_request",
    "review_return",
    "review_supplement_done",
    "review_supplement_request",
    "review_take",
    "reviewing_units",
]

# The material kinds a review request carries (A10).
MATERIAL_KINDS = (
    MaterialKind.DRAFT,
    MaterialKind.LEGAL_BASIS,
    MaterialKind.PROCEDURE_STATEMENT,
    MaterialKind.SUPPLEMENT,
)
# Conclusions after which the undertaker may request a new review of a newer draft.
RE_REQUESTABLE = (ReviewConclusion.UNLAWFUL, ReviewConclusion.LAWFUL_AFTER_CHANGES)
ADVISER_KINDS = (AdviserKind.GOVERNMENT_ADVISER, AdviserKind.PUBLIC_LAWYER)

register("decision.review_request", gettext_lazy("提请合法性审查"))
register("decision.review_take", gettext_lazy("承接合法性审查"))
register("decision.review_supplement_request", gettext_lazy("合法性审查要求补充材料"))
register("decision.review_supplement_done", gettext_lazy("合法性审查材料补充完毕"))
register("decision.review_return", gettext_lazy("退回合法性审查申请"))
register("decision.review_conclude", gettext_lazy("出具合法性审查意见"))
register("decision.review_changes_confirm", gettext_lazy("确认合法性审查意见已修改落实"))


def _text(value) -> str:
    return (value or "").strip()


def reviewing_units(decision):
    """Units in the decision organ's area whose staff hold the legality-reviewer role."""
    return (
        Unit.objects.filter(
            path__startswith=decision.owner.path,
            active=True,
            users__is_active=True,
            users__role_grants__role=Role.LEGALITY_REVIEWER,
        )
        .distinct()
        .order_by("path")
    )


def may_act_as_reviewer(actor, review) -> bool:
    """A legality reviewer whose own units cover the reviewing unit."""
    scope = scope_of(actor)
    if not scope.has(Role.LEGALITY_REVIEWER):
        return False
    return scope.covers_path(review.reviewing_unit.path, write=True)


def _require_reviewer(actor, review) -> None:
    if not may_act_as_reviewer(actor, review):
        raise Forbidden(_("只有合法性审查机构的法制审核人员可以办理此项操作"))


def _lock_review(review) -> LegalityReview:
    return (
        LegalityReview.objects.select_for_update(of=("self",))
        .select_related("reviewing_unit", "draft", "decision")
        .get(pk=review.pk)
    )


def _latest_review(decision) -> LegalityReview | None:
    return (
        LegalityReview.objects.filter(decision=decision)
        .select_related("draft")
        .order_by("-requested_at", "-pk")
        .first()
    )


def _check_request_state(decision, draft) -> None:
    """launched/adjusting; or in review when the latest review asked for a newer draft."""
    if decision.state in (State.LAUNCHED, State.ADJUSTING):
        latest = _latest_review(decision)
        if latest and latest.state in (ReviewState.REQUESTED, ReviewState.SUPPLEMENTING):
            raise Conflict(_("已有正在进行的合法性审查"))
        return
    if decision.state != State.IN_REVIEW:
        raise Conflict(
            _("决策当前状态为“%(state)s”，不能提请合法性审查")
            % {"state": State(decision.state).label}
        )
    latest = _latest_review(decision)
    if (
        latest is None
        or latest.state != ReviewState.CONCLUDED
        or latest.conclusion not in RE_REQUESTABLE
    ):
        raise Conflict(_("合法性审查正在进行或已通过，不能重复提请"))
    if draft.number <= latest.draft.number:
        raise Conflict(_("请先形成修改后的新一稿草案，再重新提请合法性审查"))


def _check_files(files) -> list:
    out = []
    for kind, upload in files or ():
        if kind not in MATERIAL_KINDS:
            raise ValidationFailed.on("kind", _("合法性审查材料类别无效"))
        if upload is not None:
            out.append((kind, upload))
    return out


def review_request(
    *,
    actor,
    decision,
    legal_basis: str,
    procedure_statement: str,
    reviewing_unit=None,
    planned_meeting_on: dt.date | None = None,
    urgency_reason: str = "",
    files=(),
) -> LegalityReview:
    """launched/adjusting → in_review with a LegalityReview of the latest draft (A10).

    `files` is a list of (kind, upload) with kind in MATERIAL_KINDS. The earliest meeting date
    is the request date plus the minimum review time in working days; an earlier planned
    meeting needs an urgency reason (refused under A10 without one, flagged with one)."""
    legal_basis, procedure_statement = _text(legal_basis), _text(procedure_statement)
    urgency_reason = _text(urgency_reason)
    errors = []
    if not legal_basis:
        errors.append(FieldError("legal_basis", _("请填写法律依据")))
    if not procedure_statement:
        errors.append(FieldError("procedure_statement", _("请填写履行法定程序情况说明")))
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    files = _check_files(files)
    from ganchao.decisions.selectors import settings_get

    with transaction.atomic():
        decision = lock(decision)
        require_runs_procedures(actor, decision)
        draft = DraftVersion.objects.filter(decision=decision).order_by("-number").first()
        if draft is None:
            raise ValidationFailed.on("draft", _("尚未形成决策草案"))
        _check_request_state(decision, draft)
        require(decision, Step.REQUEST_REVIEW)
        units = reviewing_units(decision)
        if reviewing_unit is None:
            reviewing_unit = units.first()
            if reviewing_unit is None:
                raise ValidationFailed.on(
                    "reviewing_unit", _("本级尚无配备法制审核人员的合法性审查机构")
                )
        elif not units.filter(pk=reviewing_unit.pk).exists():
            raise ValidationFailed.on(
                "reviewing_unit", _("所选单位不是本级合法性审查机构（须有法制审核人员）")
            )
        settings = settings_get()
        requested_at = now()
        today = timezone.localdate(requested_at)
        earliest = workdays.add_working_days(today, settings.min_review_working_days)
        if planned_meeting_on and planned_meeting_on < earliest and not urgency_reason:
            raise ProcedureBlocked.rule(
                "A10",
                _("合法性审查时间少于%(days)s个工作日，须说明紧急情况")
                % {"days": settings.min_review_working_days},
            )
        review = LegalityReview.objects.create(
            decision=decision,
            draft=draft,
            reviewing_unit=reviewing_unit,
            requested_by=actor,
            requested_at=requested_at,
            legal_basis=legal_basis,
            procedure_statement=procedure_statement,
            planned_meeting_on=planned_meeting_on,
            earliest_meeting_on=earliest,
            urgency_reason=urgency_reason,
            due_on=workdays.add_working_days(today, settings.review_limit_working_days),
        )
        if decision.state != State.IN_REVIEW:
            move(
                actor=actor,
                decision=decision,
                to=State.IN_REVIEW,
                action="decision.review_request",
            )
        else:
            record(
                actor=actor,
                decision=decision,
                action="decision.review_request",
                changes={"draft": {"before": None, "after": draft.number}},
            )
        for kind, upload in files:
            _file(actor, review, kind, upload)
    return review


def _file(actor, review, kind, upload):
    return decision_file_add(
        actor=actor,
        decision=review.decision,
        kind=kind,
        upload=upload,
        procedure=ProcedureKind.LEGALITY,
        object_id=review.pk,
    )


def review_material_add(*, actor, review, kind: str, upload):
    """One more material of the request (draft, legal basis, procedure statement, supplement),
    by the undertaker while the review is open."""
    if kind not in MATERIAL_KINDS:
        raise ValidationFailed.on("kind", _("合法性审查材料类别无效"))
    if upload is None:
        raise ValidationFailed.on("file", _("请选择要上传的文件"))
    with transaction.atomic():
        review = _lock_review(review)
        require_runs_procedures(actor, review.decision)
        if review.state not in (ReviewState.REQUESTED, ReviewState.SUPPLEMENTING):
            raise Conflict(_("合法性审查已结束，不能再补充材料"))
        return _file(actor, review, kind, upload)


def review_take(*, actor, review) -> LegalityReview:
    """The reviewer takes the request (assigns themself)."""
    with transaction.atomic():
        review = _lock_review(review)
        _require_reviewer(actor, review)
        if review.state not in (ReviewState.REQUESTED, ReviewState.SUPPLEMENTING):
            raise Conflict(_("该合法性审查已结束"))
        before = review.reviewer_id
        review.reviewer = actor
        review.save(update_fields=["reviewer"])
        record(
            actor=actor,
            decision=review.decision,
            action="decision.review_take",
            changes={"reviewer": {"before": before, "after": actor.pk}},
        )
    return review


def review_supplement_request(*, actor, review, reason: str) -> LegalityReview:
    """The reviewer asks for supplementary material: the clock stops (ReviewPause)."""
    reason = _text(reason)
    if not reason:
        raise ValidationFailed.on("reason", _("请写明需要补充的材料"))
    with transaction.atomic():
        review = _lock_review(review)
        _require_reviewer(actor, review)
        if review.state != ReviewState.REQUESTED:
            raise Conflict(_("只有审查中的申请可以要求补充材料"))
        ReviewPause.objects.create(review=review, reason=reason, started_at=now())
        review.state = ReviewState.SUPPLEMENTING
        if review.reviewer_id is None:
            review.reviewer = actor
        review.save(update_fields=["state", "reviewer"])
        record(
            actor=actor,
            decision=review.decision,
            action="decision.review_supplement_request",
            changes={"state": {"before": ReviewState.REQUESTED, "after": review.state}},
            reason=reason,
        )
    return review


def _end_pause(review) -> int:
    """Close the open pause; extend the due date by the working days it took."""
    pause = review.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:
        return 0
    pause.ended_at = now()
    pause.save(update_fields=["ended_at"])
    start = timezone.localdate(pause.started_at)
    end = timezone.localdate(pause.ended_at)
    days = max(workdays.working_days_between(start, end), 0)
    if days:
        review.due_on = workdays.add_working_days(review.due_on, days)
    return days


def review_supplement_done(*, actor, review, files=()) -> LegalityReview:
    """The undertaker has supplemented the material: the clock runs again, the due date moves
    by the working days spent supplementing."""
    files = _check_files(files)
    with transaction.atomic():
        review = _lock_review(review)
        require_runs_procedures(actor, review.decision)
        if review.state != ReviewState.SUPPLEMENTING:
            raise Conflict(_("该合法性审查没有待补充的材料"))
        before_due = review.due_on
        days = _end_pause(review)
        review.state = ReviewState.REQUESTED
        review.save(update_fields=["state", "due_on"])
        record(
            actor=actor,
            decision=review.decision,
            action="decision.review_supplement_done",
            changes={
                "state": {"before": ReviewState.SUPPLEMENTING, "after": review.state},
                "due_on": {"before": str(before_due), "after": str(review.due_on)},
                "paused_working_days": {"before": None, "after": days},
            },
        )
        for _kind, upload in files:
            _file(actor, review, MaterialKind.SUPPLEMENT, upload)
    return review


def review_return(*, actor, review, reason: str) -> LegalityReview:
    """The reviewer returns the request (退回): the decision goes back to launched."""
    reason = _text(reason)
    if not reason:
        raise ValidationFailed.on("reason", _("请写明退回理由"))
    with transaction.atomic():
        review = _lock_review(review)
        _require_reviewer(actor, review)
        if review.state not in (ReviewState.REQUESTED, ReviewState.SUPPLEMENTING):
            raise Conflict(_("该合法性审查已结束，不能退回"))
        _end_pause(review)
        before = review.state
        review.state = ReviewState.RETURNED
        review.return_reason = reason
        review.concluded_at = now()
        if review.reviewer_id is None:
            review.reviewer = actor
        review.save(update_fields=["state", "return_reason", "concluded_at", "reviewer", "due_on"])
        decision = lock(review.decision)
        record(
            actor=actor,
            decision=decision,
            action="decision.review_return",
            changes={"review_state": {"before": before, "after": review.state}},
            reason=reason,
        )
        if decision.state == State.IN_REVIEW:
            move(
                actor=actor,
                decision=decision,
                to=State.LAUNCHED,
                action="decision.review_return",
                reason=reason,
            )
    return review


def review_conclude(
    *,
    actor,
    review,
    authority_opinion: str,
    procedure_opinion: str,
    content_opinion: str,
    conclusion: str,
    legal_risk_statement: str = "",
) -> LegalityReview:
    """The review opinion (A11): 权限, 程序 and 内容 all written, a conclusion, the legal risk
    stated for an exploratory reform, and at least one opinion of a government legal adviser or
    public lawyer linked to this review."""
    sections = {
        "authority_opinion": (_text(authority_opinion), _("请填写权限审查意见")),
        "procedure_opinion": (_text(procedure_opinion), _("请填写程序审查意见")),
        "content_opinion": (_text(content_opinion), _("请填写内容审查意见")),
    }
    errors = [FieldError(name, msg) for name, (value, msg) in sections.items() if not value]
    if conclusion not in ReviewConclusion.values:
        errors.append(FieldError("conclusion", _("请选择审查结论")))
    legal_risk_statement = _text(legal_risk_statement)
    if conclusion == ReviewConclusion.EXPLORATORY and not legal_risk_statement:
        errors.append(FieldError("legal_risk_statement", _("探索性改革事项须明示法律风险")))
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    with transaction.atomic():
        review = _lock_review(review)
        _require_reviewer(actor, review)
        if review.state == ReviewState.SUPPLEMENTING:
            raise Conflict(_("补充材料尚未完成，不能出具审查意见"))
        if review.state != ReviewState.REQUESTED:
            raise Conflict(_("该合法性审查已结束"))
        linked = AdviserConsultation.objects.filter(
            legality_review=review, adviser__kind__in=ADVISER_KINDS
        )
        if not linked.exists():
            raise ProcedureBlocked.rule("A11", _("合法性审查须听取法律顾问或公职律师的法律意见"))
        review.authority_opinion = sections["authority_opinion"][0]
        review.procedure_opinion = sections["procedure_opinion"][0]
        review.content_opinion = sections["content_opinion"][0]
        review.conclusion = conclusion
        review.legal_risk_statement = legal_risk_statement
        review.state = ReviewState.CONCLUDED
        review.concluded_at = now()
        if review.reviewer_id is None:
            review.reviewer = actor
        review.save()
        record(
            actor=actor,
            decision=review.decision,
            action="decision.review_conclude",
            changes={"conclusion": {"before": "", "after": conclusion}},
        )
    return review


def review_changes_confirm(*, actor, review) -> LegalityReview:
    """The undertaker confirms the changes a lawful-after-changes opinion asked for are made in
    a newer draft."""
    with transaction.atomic():
        review = _lock_review(review)
        require_runs_procedures(actor, review.decision)
        if (
            review.state != ReviewState.CONCLUDED
            or review.conclusion != ReviewConclusion.LAWFUL_AFTER_CHANGES
        ):
            raise Conflict(_("只有结论为“修改后合法”的审查意见需要确认修改落实"))
        if review.changes_confirmed_at:
            raise Conflict(_("已确认修改落实"))
        newer = DraftVersion.objects.filter(
            decision=review.decision, number__gt=review.draft.number
        ).exists()
        if not newer:
            raise ValidationFailed.on("draft", _("请先按审查意见修改草案，形成新一稿后再确认"))
        review.changes_confirmed_at = now()
        review.save(update_fields=["changes_confirmed_at"])
        record(
            actor=actor,
            decision=review.decision,
            action="decision.review_changes_confirm",
            changes={"changes_confirmed_at": {"before": None, "after": "confirmed"}},
        )
    return review
