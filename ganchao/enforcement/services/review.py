"""The legal review of major enforcement decisions and the collective discussion (LEGAL_RULES
B8, B9, B10).

B8: the rules engine (gates.major_reasons) says whether the proposed decision is major; an
officer may add a manual flag with a reason, never remove one. B9: a major decision is submitted
to legal review (a new round each time; a round after a returned one states the corrections),
and the gates look only at the latest round, so an old pass is never reused. B10: the reviewer
holds the 法律职业资格 (or the grandfather flag) and is not one of the case's investigating
officers; the review gives one verdict on each of the seven items within the configured working
days (one extension). Art. 57: complex or major cases are decided collectively.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common import workdays
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import permissions
from ganchao.enforcement.choices import ReviewItem, ReviewState, Stage, Step, Verdict
from ganchao.enforcement.models import (
    CaseRecord,
    CollectiveDiscussion,
    LegalReview,
    Officer,
    ReviewVerdict,
    settings_get,
)
from ganchao.enforcement.selectors import case_facts
from ganchao.enforcement.selectors_review import investigating_officer_ids, reviewer_blockers
from ganchao.enforcement.services import core
from ganchao.enforcement.services.base import (
    lock,
    move,
    now,
    record,
    require,
    require_handler,
    require_open,
    require_stage,
)

__all__ = [
    "case_flag_major",
    "collective_record",
    "review_assign",
    "review_conclude",
    "review_extend",
    "review_submit",
]

register("enforcement.review_submit", _("提交法制审核"))
register("enforcement.review_assign", _("分配法制审核人员"))
register("enforcement.review_extend", _("延长法制审核期限"))
register("enforcement.review_conclude", _("出具法制审核意见"))
register("enforcement.collective_record", _("登记集体讨论"))

SUBMIT_STAGES = (
    Stage.REVIEWED,
    Stage.NOTIFIED,
    Stage.STATEMENT,
    Stage.LEGAL_REVIEW,
    Stage.COLLECTIVE,
)
COLLECTIVE_STAGES = SUBMIT_STAGES
TEXT_LIMIT = 5000


def _text(value, name: str, label: str, *, required=True, limit=TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if len(text) > limit:
        raise ValidationFailed.on(
            name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
        )
    return text


def _lock_review(review) -> tuple[LegalReview, object]:
    """The case and then the round, both under a row lock (always in that order)."""
    case = lock(review.case)
    row = (
        LegalReview.objects.select_for_update(of=("self",))
        .select_related("reviewer", "reviewer__user")
        .get(pk=review.pk)
    )
    row.case = case
    return row, case


# ---- B8 --------------------------------------------------------------------------------------


def case_flag_major(*, actor, case, reason: str):
    """认定为重大执法决定: the manual B8 flag with its reason (core.case_update refuses to remove
    it). A case already flagged keeps its first reason."""
    reason = _text(reason, "reason", _("认定重大的理由"))
    if case.manual_major:
        raise Conflict(_("本案已认定为重大执法决定"))
    return core.case_update(actor=actor, case=case, manual_major=True, manual_major_reason=reason)


# ---- B9: submit ------------------------------------------------------------------------------


def review_submit(
    *, actor, case, materials: str, correction: str = "", voluntary: bool = False
) -> LegalReview:
    """提交法制审核: a new round. A case that is not major may be submitted only when the
    officer asks for a review voluntarily; after a returned round the corrections are stated."""
    materials = _text(materials, "materials", _("送审材料说明"))
    correction = _text(correction, "correction", _("整改说明"), required=False)
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_open(case)
        require_stage(case, *SUBMIT_STAGES)
        facts = case_facts(case)
        if not facts.major and not voluntary:
            raise Conflict(_("非重大执法决定无需法制审核"))
        require(case, Step.SUBMIT_LEGAL_REVIEW)
        if facts.review_state == ReviewState.RETURNED and not correction:
            raise ValidationFailed.on(
                "correction", _("上次法制审核认为存在问题，重新提交须说明整改情况")
            )
        last = LegalReview.objects.filter(case=case).aggregate(n=Max("round"))["n"] or 0
        review = LegalReview.objects.create(
            case=case,
            round=last + 1,
            state=ReviewState.SUBMITTED,
            submitted_at=now(),
            submitted_by=actor,
            materials=materials,
            correction=correction,
        )
        if case.stage != Stage.LEGAL_REVIEW:
            move(actor=actor, case=case, to=Stage.LEGAL_REVIEW, action="enforcement.case_move")
        text = _("第%(n)d次提交法制审核。送审材料：%(materials)s") % {
            "n": review.round,
            "materials": materials,
        }
        if correction:
            text += _("；整改情况：%(correction)s") % {"correction": correction}
        CaseRecord.objects.create(case=case, stage=Stage.LEGAL_REVIEW, text=text, created_by=actor)
        record(
            actor=actor,
            case=case,
            action="enforcement.review_submit",
            changes={"review": {"before": None, "after": f"第{review.round}次"}},
            reason=correction,
        )
        return review


# ---- B10: assign, extend, conclude -----------------------------------------------------------


def review_assign(*, actor, review, reviewer: Officer) -> LegalReview:
    """分配审核人员 (B10). The due date runs from the first assignment; a change of reviewer
    keeps it."""
    with transaction.atomic():
        review, case = _lock_review(review)
        if not permissions.assigns_reviews(actor, case):
            raise Forbidden(_("只有法制审核机构或执法机关负责人可以分配审核人员"))
        if review.state not in (ReviewState.SUBMITTED, ReviewState.ASSIGNED):
            raise Conflict(_("该次法制审核已审结，不能再分配审核人员"))
        found = reviewer_blockers(reviewer, investigating_officer_ids(case))
        if found:
            raise ProcedureBlocked.of(_("分配审核人员"), found)
        if reviewer.user_id is None:
            raise Conflict(
                _("%(name)s没有系统账号，不能在系统中出具审核意见") % {"name": reviewer.name}
            )
        before = review.reviewer.name if review.reviewer else None
        review.reviewer = reviewer
        review.assigned_at = now()
        review.assigned_by = actor
        review.state = ReviewState.ASSIGNED
        if review.due is None:
            days = settings_get().review_working_days
            review.due = workdays.add_working_days(timezone.localdate(), days)
        review.save(update_fields=["reviewer", "assigned_at", "assigned_by", "state", "due"])
        record(
            actor=actor,
            case=case,
            action="enforcement.review_assign",
            changes={
                "reviewer": {"before": before, "after": reviewer.name},
                "due": {"before": None, "after": review.due.isoformat()},
            },
        )
        return review


def _may_handle_review(actor, review, case) -> bool:
    reviewer_user = review.reviewer.user_id if review.reviewer else None
    return permissions.assigns_reviews(actor, case) or reviewer_user == actor.pk


def review_extend(*, actor, review, reason: str) -> LegalReview:
    """延长审核期限, once, by the configured working days, with the reason."""
    reason = _text(reason, "reason", _("延长理由"))
    with transaction.atomic():
        review, case = _lock_review(review)
        if not _may_handle_review(actor, review, case):
            raise Forbidden(_("只有审核人员或法制审核机构可以延长审核期限"))
        if review.state != ReviewState.ASSIGNED or review.due is None:
            raise Conflict(_("只有审核中的法制审核可以延长期限"))
        if review.extended:
            raise Conflict(_("法制审核期限只能延长一次"))
        before = review.due
        days = settings_get().review_extension_working_days
        review.due = workdays.add_working_days(before, days)
        review.extended = True
        review.extension_reason = reason
        review.save(update_fields=["due", "extended", "extension_reason"])
        record(
            actor=actor,
            case=case,
            action="enforcement.review_extend",
            changes={"due": {"before": before.isoformat(), "after": review.due.isoformat()}},
            reason=reason,
        )
        return review


def clean_verdicts(verdicts) -> dict[str, tuple[str, str]]:
    """One verdict on each of the seven items (B10); a problem needs its note. Every fault
    is named."""
    errors = []
    cleaned = {}
    for item, value in (verdicts or {}).items():
        verdict, note = (value if isinstance(value, list | tuple) else (value, ""))[:2]
        note = (note or "").strip()
        if item not in ReviewItem.values:
            errors.append(
                FieldError(f"verdicts.{item}", _("审核事项“%(item)s”不存在") % {"item": item})
            )
            continue
        label = ReviewItem(item).label
        if verdict not in Verdict.values:
            errors.append(
                FieldError(f"verdicts.{item}", _("请对“%(item)s”作出结论") % {"item": label})
            )
        elif verdict == Verdict.PROBLEM and not note:
            errors.append(
                FieldError(
                    f"verdicts.{item}.note",
                    _("“%(item)s”存在问题，须写明具体问题") % {"item": label},
                )
            )
        cleaned[item] = (verdict, note[:TEXT_LIMIT])
    for item in ReviewItem:
        if item.value not in cleaned:
            errors.append(
                FieldError(
                    f"verdicts.{item.value}", _("缺少“%(item)s”的审核结论") % {"item": item.label}
                )
            )
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    return cleaned


def review_conclude(*, actor, review, verdicts, opinion: str = "") -> LegalReview:
    """出具审核意见: all seven items pass → 审核通过; any problem → 退回 with the opinion. The
    case stays in 法制审核 until it is corrected and submitted again."""
    cleaned = clean_verdicts(verdicts)
    passed = all(verdict == Verdict.PASS for verdict, _note in cleaned.values())
    opinion = _text(opinion, "opinion", _("审核意见"), required=not passed)
    with transaction.atomic():
        review, case = _lock_review(review)
        if review.reviewer is None or review.reviewer.user_id != actor.pk:
            raise Forbidden(_("只有被分配的审核人员可以出具审核意见"))
        if review.state != ReviewState.ASSIGNED:
            raise Conflict(_("该次法制审核不在审核中，不能出具审核意见"))
        ReviewVerdict.objects.bulk_create(
            ReviewVerdict(review=review, item=item, verdict=verdict, note=note)
            for item, (verdict, note) in cleaned.items()
        )
        review.state = ReviewState.PASSED if passed else ReviewState.RETURNED
        review.opinion = opinion or _("经审核，各项均符合要求，同意作出决定。")
        review.concluded_at = now()
        review.save(update_fields=["state", "opinion", "concluded_at"])
        CaseRecord.objects.create(
            case=case,
            stage=Stage.LEGAL_REVIEW,
            text=_("第%(n)d次法制审核%(state)s。审核意见：%(opinion)s")
            % {
                "n": review.round,
                "state": ReviewState(review.state).label,
                "opinion": review.opinion,
            },
            created_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.review_conclude",
            changes={"review": {"before": ReviewState.ASSIGNED, "after": review.state}},
            reason=review.opinion,
        )
        return review


# ---- Art. 57: collective discussion ----------------------------------------------------------


def collective_record(
    *, actor, case, held_on: dt.date, chair: str, participants: str, conclusion: str
) -> CollectiveDiscussion:
    """集体讨论: recorded by the case's handlers or the organ's head after the party was heard
    and, for a major decision, after the legal review passed (gate Step.COLLECTIVE)."""
    chair = _text(chair, "chair", _("主持人"), limit=50)
    participants = _text(participants, "participants", _("参加人员"))
    conclusion = _text(conclusion, "conclusion", _("讨论决定"))
    if not isinstance(held_on, dt.date):
        raise ValidationFailed.on("held_on", _("请填写讨论日期"))
    if held_on > timezone.localdate():
        raise ValidationFailed.on("held_on", _("讨论日期不能晚于今天"))
    with transaction.atomic():
        case = lock(case)
        if not (permissions.handles(actor, case) or permissions.is_head(actor, case)):
            raise Forbidden(_("只有本案承办人员或执法机关负责人可以登记集体讨论"))
        require_open(case)
        require_stage(case, *COLLECTIVE_STAGES)
        require(case, Step.COLLECTIVE)
        item = CollectiveDiscussion.objects.create(
            case=case,
            held_on=held_on,
            chair=chair,
            participants=participants,
            conclusion=conclusion,
            created_by=actor,
        )
        if case.stage != Stage.COLLECTIVE:
            move(actor=actor, case=case, to=Stage.COLLECTIVE, action="enforcement.case_move")
        CaseRecord.objects.create(
            case=case,
            stage=Stage.COLLECTIVE,
            text=_("%(date)s集体讨论，主持人%(chair)s，参加人员：%(who)s。讨论决定：%(what)s")
            % {
                "date": f"{held_on.year}年{held_on.month}月{held_on.day}日",
                "chair": chair,
                "who": participants,
                "what": conclusion,
            },
            created_by=actor,
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.collective_record",
            changes={"discussion": {"before": None, "after": held_on.isoformat()}},
            reason=conclusion[:300],
        )
        return item
