"""Public participation (LEGAL_RULES A4–A6): consultations on the draft, the moderation of
public comments, opinions and their handling, the 采纳情况说明, and hearings with their
participants. The A3 exemption is services.core.participation_exempt.

Every write runs in one transaction under the decision's row lock, checks who may act (the
undertaking units' staff or the office) and that the procedures are open, then records the
audit event. A statutory refusal is ProcedureBlocked naming its rule."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.decisions.choices import (
    Adoption,
    CommentState,
    ConsultationState,
    HearingState,
    MaterialKind,
    OpinionSource,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.gates import Blocker
from ganchao.decisions.models import (
    AdoptionReport,
    Consultation,
    Hearing,
    HearingParticipant,
    Opinion,
    PublicComment,
)
from ganchao.decisions.services.base import (
    lock,
    now,
    record,
    require_procedure_state,
    require_runs_procedures,
)
from ganchao.decisions.services.files import decision_file_add

__all__ = [
    "adoption_report_generate",
    "comment_moderate",
    "comments_moderate",
    "consultation_close",
    "consultation_create",
    "consultation_publish",
    "hearing_close",
    "hearing_confirm",
    "hearing_create",
    "hearing_participants_publish",
    "hearing_selection_publish",
    "opinion_add",
    "opinion_handle",
    "participant_add",
    "participant_refusal_record",
    "participant_served",
    "participant_signed_record_add",
]

register("decision.consultation_create", _("拟定公开征求意见"))
register("decision.consultation_publish", _("发布公开征求意见公告"))
register("decision.consultation_close", _("公开征求意见截止"))
register("decision.comment_moderate", _("审核公众意见"))
register("decision.opinion_add", _("登记意见"))
register("decision.opinion_handle", _("处理意见（采纳情况）"))
register("decision.adoption_report", _("生成意见采纳情况说明"))
register("decision.hearing_create", _("拟定听证会"))
register("decision.hearing_selection_publish", _("公布听证参加人遴选办法"))
register("decision.hearing_participants_publish", _("公布听证参加人名单"))
register("decision.hearing_participant_add", _("增加听证参加人"))
register("decision.hearing_served", _("登记听证材料送达"))
register("decision.hearing_signed", _("上传听证笔录签字件或拒签说明"))
register("decision.hearing_confirm", _("确定听证会"))
register("decision.hearing_close", _("听证会结束"))


def _open_procedures(actor, decision):
    """The decision locked, after the permission and state checks every procedure write makes."""
    decision = lock(decision)
    require_runs_procedures(actor, decision)
    require_procedure_state(decision)
    return decision


def _text(value, field: str, message: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, message)
    if limit and len(value) > limit:
        raise ValidationFailed.on(field, _("不能超过%(n)s个字") % {"n": limit})
    return value


def _date(value, field: str, message: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed.on(field, message) from None


# ---- consultations (A4) ----------------------------------------------------------------------


def consultation_create(
    *,
    actor,
    decision,
    title: str,
    explanation: str = "",
    channel: str = "",
    start_date,
    end_date,
    media: str = "",
    shortening_reason: str = "",
) -> Consultation:
    """A consultation notice in draft on the current draft version; checked on publication."""
    title = _text(title, "title", _("请填写征求意见标题"), 200)
    start = _date(start_date, "start_date", _("请填写开始日期"))
    end = _date(end_date, "end_date", _("请填写截止日期"))
    if end < start:
        raise ValidationFailed.on("end_date", _("截止日期不能早于开始日期"))
    with transaction.atomic():
        decision = _open_procedures(actor, decision)
        draft = decision.drafts.order_by("-number").first()
        if draft is None:
            raise ValidationFailed.on("draft", _("尚未形成决策草案，不能征求意见"))
        consultation = Consultation.objects.create(
            decision=decision,
            draft=draft,
            title=title,
            explanation=(explanation or "").strip(),
            channel=(channel or "").strip(),
            start_date=start,
            end_date=end,
            media=(media or "").strip()[:200],
            shortening_reason=(shortening_reason or "").strip(),
            created_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.consultation_create",
            changes={"consultation": {"before": None, "after": title}},
        )
    return consultation


def consultation_notice_problems(consultation, min_days: int) -> list[Blocker]:
    """What keeps the notice from publication under A4 (pure over the row)."""
    out = []
    if consultation.draft_id is None or not (consultation.draft.text or "").strip():
        out.append(Blocker("A4", _("征求意见公告缺少决策草案")))
    if not consultation.explanation.strip():
        out.append(Blocker("A4", _("征求意见公告缺少草案说明")))
    if not consultation.channel.strip():
        out.append(Blocker("A4", _("征求意见公告缺少意见提交方式")))
    if consultation.end_date is None:
        out.append(Blocker("A4", _("征求意见公告缺少截止日期")))
    elif (consultation.end_date - consultation.start_date).days < min_days and not (
        consultation.shortening_reason.strip()
    ):
        out.append(
            Blocker(
                "A4",
                _("征求意见期限少于%(days)s日，须在公告中说明缩短期限的理由") % {"days": min_days},
            )
        )
    return out


def _consultation_locked(actor, consultation):
    decision = _open_procedures(actor, consultation.decision)
    return decision, Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)


def consultation_publish(*, actor, consultation) -> Consultation:
    """draft → open (A4): the draft, the explanation, the channel and the deadline are in the
    notice, and the period is at least min_consultation_days unless the shortening reason
    (shown in the notice) is given."""
    from ganchao.decisions.selectors import settings_get

    with transaction.atomic():
        decision, consultation = _consultation_locked(actor, consultation)
        if consultation.state != ConsultationState.DRAFT:
            raise Conflict(_("该征求意见已发布"))
        problems = consultation_notice_problems(consultation, settings_get().min_consultation_days)
        if problems:
            raise ProcedureBlocked.of(_("发布征求意见公告"), problems)
        consultation.state = ConsultationState.OPEN
        consultation.published_at = now()
        consultation.save(update_fields=["state", "published_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.consultation_publish",
            changes={"consultation_state": {"before": "draft", "after": "open"}},
            reason=consultation.shortening_reason,
        )
    return consultation


def consultation_close(*, actor, consultation) -> Consultation:
    """open → closed, on or after the deadline only (A4: the period is not cut short)."""
    with transaction.atomic():
        decision, consultation = _consultation_locked(actor, consultation)
        if consultation.state != ConsultationState.OPEN:
            raise Conflict(_("只有征求意见中的公告可以截止"))
        if timezone.localdate() < consultation.end_date:
            raise ProcedureBlocked.rule(
                "A4",
                _("公开征求意见期限尚未届满（截止日期%(date)s）")
                % {"date": consultation.end_date.isoformat()},
            )
        consultation.state = ConsultationState.CLOSED
        consultation.closed_at = now()
        consultation.save(update_fields=["state", "closed_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.consultation_close",
            changes={"consultation_state": {"before": "open", "after": "closed"}},
        )
    return consultation


# ---- moderation of public comments --------------------------------------------------------------

MODERATION = {"publish": CommentState.PUBLISHED, "reject": CommentState.REJECTED}


def _moderation_target(action: str, note: str) -> tuple[str, str]:
    if action not in MODERATION:
        raise ValidationFailed.on("action", _("审核操作只能是公开或不予公开"))
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed.on("note", _("审核说明不能超过200个字"))
    if action == "reject" and not note:
        raise ValidationFailed.on("note", _("不予公开须填写审核说明"))
    return MODERATION[action], note


def _moderate(actor, comments, state: str, note: str) -> int:
    stamp = now()
    for comment in comments:
        comment.state = state
        comment.moderated_by = actor
        comment.moderated_at = stamp
        comment.moderation_note = note
    PublicComment.objects.bulk_update(
        comments, ["state", "moderated_by", "moderated_at", "moderation_note"]
    )
    return len(comments)


def comments_moderate(*, actor, consultation, comment_ids, action: str, note: str = "") -> int:
    """Publish or reject several comments of one consultation at once; all or nothing."""
    state, note = _moderation_target(action, note)
    ids = sorted({int(i) for i in comment_ids or []})
    if not ids:
        raise ValidationFailed.on("comment_ids", _("请选择要审核的意见"))
    with transaction.atomic():
        decision = lock(consultation.decision)
        require_runs_procedures(actor, decision)
        comments = list(
            PublicComment.objects.select_for_update(of=("self",)).filter(
                consultation=consultation, pk__in=ids
            )
        )
        missing = sorted(set(ids) - {c.pk for c in comments})
        if missing:
            raise ValidationFailed.on(
                "comment_ids",
                _("这些意见不属于本次征求意见：%(ids)s") % {"ids": "、".join(map(str, missing))},
            )
        before = sorted({c.state for c in comments})
        count = _moderate(actor, comments, state, note)
        record(
            actor=actor,
            decision=decision,
            action="decision.comment_moderate",
            changes={
                "comments": {"before": None, "after": ids},
                "state": {"before": before, "after": state},
            },
            reason=note,
        )
    return count


def comment_moderate(*, actor, comment, action: str, note: str = "") -> PublicComment:
    """Publish or reject one public comment (published comments show on the portal)."""
    comments_moderate(
        actor=actor,
        consultation=comment.consultation,
        comment_ids=[comment.pk],
        action=action,
        note=note,
    )
    comment.refresh_from_db()
    return comment


# ---- opinions and the 采纳情况说明 (A6) -----------------------------------------------------------


def _opinion_comments(decision, consultation, comment_ids) -> list[PublicComment]:
    ids = sorted({int(i) for i in comment_ids or []})
    if not ids:
        return []
    rows = PublicComment.objects.select_for_update(of=("self",)).filter(
        consultation__decision=decision, pk__in=ids
    )
    if consultation is not None:
        rows = rows.filter(consultation=consultation)
    comments = list(rows)
    missing = sorted(set(ids) - {c.pk for c in comments})
    if missing:
        raise ValidationFailed.on(
            "comment_ids",
            _("这些公众意见不属于本决策的征求意见：%(ids)s")
            % {"ids": "、".join(map(str, missing))},
        )
    grouped = [c.pk for c in comments if c.opinion_id]
    if grouped:
        raise ValidationFailed.on(
            "comment_ids",
            _("这些公众意见已归入其他意见：%(ids)s") % {"ids": "、".join(map(str, grouped))},
        )
    return comments


def opinion_add(
    *,
    actor,
    decision,
    source: str,
    summary: str,
    source_unit=None,
    source_name: str = "",
    comment_count: int | None = None,
    consultation=None,
    comment_ids=(),
) -> Opinion:
    """An opinion, or a group of like opinions, numbered in order (序号). A department's
    opinion — the justice bureau's too — is an opinion, never a legality review (A9)."""
    if source not in OpinionSource.values:
        raise ValidationFailed.on("source", _("意见来源无效"))
    summary = _text(summary, "summary", _("请填写意见内容（归纳）"))
    if consultation is not None and consultation.decision_id != decision.pk:
        raise ValidationFailed.on("consultation", _("该征求意见不属于本决策"))
    with transaction.atomic():
        decision = _open_procedures(actor, decision)
        comments = _opinion_comments(decision, consultation, comment_ids)
        count = comment_count if comment_count is not None else (len(comments) or 1)
        if count < 1 or count > 1_000_000 or count < len(comments):
            raise ValidationFailed.on(
                "comment_count", _("涉及意见条数须为正整数，且不少于归入的公众意见条数")
            )
        last = Opinion.objects.filter(decision=decision).aggregate(n=Max("seq"))["n"] or 0
        opinion = Opinion.objects.create(
            decision=decision,
            consultation=consultation,
            source=source,
            source_unit=source_unit,
            source_name=(source_name or "").strip()[:200],
            summary=summary,
            comment_count=count,
            seq=last + 1,
        )
        if comments:
            PublicComment.objects.filter(pk__in=[c.pk for c in comments]).update(opinion=opinion)
        record(
            actor=actor,
            decision=decision,
            action="decision.opinion_add",
            changes={"opinion": {"before": None, "after": opinion.seq}},
        )
    return opinion


def opinion_handle(*, actor, opinion, adoption: str, reason: str = "") -> Opinion:
    """Record whether the opinion is adopted; a partial or refused adoption needs its reason."""
    if adoption not in Adoption.values:
        raise ValidationFailed.on("adoption", _("请选择采纳情况"))
    reason = (reason or "").strip()
    if adoption != Adoption.ADOPTED and not reason:
        raise ValidationFailed.on("reason", _("部分采纳或未采纳须说明理由"))
    with transaction.atomic():
        decision = _open_procedures(actor, opinion.decision)
        opinion = Opinion.objects.select_for_update(of=("self",)).get(pk=opinion.pk)
        before = opinion.adoption
        opinion.adoption = adoption
        opinion.reason = reason
        opinion.handled_by = actor
        opinion.handled_at = now()
        opinion.save(update_fields=["adoption", "reason", "handled_by", "handled_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.opinion_handle",
            changes={f"opinion {opinion.seq}": {"before": before or None, "after": adoption}},
            reason=reason,
        )
    return opinion


def _opinion_line(opinion) -> str:
    source = opinion.source_name or (opinion.source_unit.name if opinion.source_unit else "")
    source = source or str(OpinionSource(opinion.source).label)
    line = _("（第%(seq)s条）%(summary)s（来源：%(source)s，涉及%(count)s条）") % {
        "seq": opinion.seq,
        "summary": opinion.summary,
        "source": source,
        "count": opinion.comment_count,
    }
    if opinion.reason:
        line += _("理由：%(reason)s") % {"reason": opinion.reason}
    return line


def adoption_report_text(opinions) -> str:
    """The 采纳情况说明 built from handled opinions (pure over the rows)."""
    by = {a: [o for o in opinions if o.adoption == a] for a in Adoption.values}
    head = _(
        "共收到意见%(total)s条，归纳为%(groups)s类，采纳%(a)s条、部分采纳%(b)s条、未采纳%(c)s条。"
    ) % {
        "total": sum(o.comment_count for o in opinions),
        "groups": len(opinions),
        "a": len(by[Adoption.ADOPTED]),
        "b": len(by[Adoption.PARTLY]),
        "c": len(by[Adoption.NOT_ADOPTED]),
    }
    if not opinions:
        return _("征求意见期间未收到意见。")
    lines = [head]
    numerals = ["一", "二", "三"]
    sections = [a for a in Adoption.values if by[a]]
    for number, adoption in zip(numerals, sections, strict=False):
        lines.append(_("%(n)s、%(label)s的意见") % {"n": number, "label": Adoption(adoption).label})
        lines += [_opinion_line(o) for o in by[adoption]]
    return "\n".join(lines)


def adoption_report_generate(*, actor, decision) -> AdoptionReport:
    """The 采纳情况说明 from the opinions that count now; refused while any is unhandled,
    naming each (A6). Regenerating makes a new report; the gate reads the latest."""
    from ganchao.decisions.selectors_participation import opinions_of

    with transaction.atomic():
        decision = _open_procedures(actor, decision)
        opinions = list(opinions_of(decision))
        unhandled = [o for o in opinions if not o.adoption]
        if unhandled:
            raise ProcedureBlocked.of(
                _("生成采纳情况说明"),
                [
                    Blocker(
                        "A6",
                        _("第%(seq)s条意见尚未处理：%(summary)s")
                        % {"seq": o.seq, "summary": o.summary[:40]},
                    )
                    for o in unhandled
                ],
            )
        report = AdoptionReport.objects.create(
            decision=decision,
            text=adoption_report_text(opinions),
            opinion_count=len(opinions),
            generated_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.adoption_report",
            changes={"opinion_count": {"before": None, "after": len(opinions)}},
        )
    return report


# ---- hearings (A5) -----------------------------------------------------------------------------


def hearing_create(
    *, actor, decision, title: str, held_on, place: str, selection_method: str = ""
) -> Hearing:
    title = _text(title, "title", _("请填写听证会名称"), 200)
    held_on = _date(held_on, "held_on", _("请填写听证日期"))
    place = _text(place, "place", _("请填写听证地点"), 200)
    with transaction.atomic():
        decision = _open_procedures(actor, decision)
        hearing = Hearing.objects.create(
            decision=decision,
            title=title,
            held_on=held_on,
            place=place,
            selection_method=(selection_method or "").strip(),
            created_by=actor,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_create",
            changes={"hearing": {"before": None, "after": f"{title} {held_on.isoformat()}"}},
        )
    return hearing


def _hearing_locked(actor, hearing, *states):
    decision = _open_procedures(actor, hearing.decision)
    hearing = Hearing.objects.select_for_update(of=("self",)).get(pk=hearing.pk)
    if states and hearing.state not in states:
        raise Conflict(
            _("听证会当前状态为“%(state)s”，不能办理此项操作")
            % {"state": HearingState(hearing.state).label}
        )
    return decision, hearing


def _published_at(value, hearing) -> dt.datetime:
    """When it was published: now unless given; never in the future, always before the day."""
    stamp = value or now()
    if isinstance(stamp, dt.date) and not isinstance(stamp, dt.datetime):
        day = stamp
        stamp = now() if day == timezone.localdate() else dt.datetime.combine(day, dt.time(9, 0))
    if timezone.is_naive(stamp):
        stamp = timezone.make_aware(stamp)
    if stamp > now():
        raise ValidationFailed.on("published_at", _("公布时间不能晚于现在"))
    if timezone.localtime(stamp).date() >= hearing.held_on:
        raise ProcedureBlocked.rule(
            "A5",
            _("须在听证会举行前公布（听证日期%(date)s）") % {"date": hearing.held_on.isoformat()},
        )
    return stamp


def hearing_selection_publish(*, actor, hearing, published_at=None) -> Hearing:
    """The selection method published before the hearing date (A5)."""
    with transaction.atomic():
        decision, hearing = _hearing_locked(actor, hearing, HearingState.PLANNED)
        if not hearing.selection_method.strip():
            raise ValidationFailed.on("selection_method", _("请先填写参加人遴选办法"))
        hearing.selection_published_at = _published_at(published_at, hearing)
        hearing.save(update_fields=["selection_published_at"])
        record(actor=actor, decision=decision, action="decision.hearing_selection_publish")
    return hearing


def hearing_participants_publish(*, actor, hearing, published_at=None) -> Hearing:
    """The participant list published before the hearing date (A5)."""
    with transaction.atomic():
        decision, hearing = _hearing_locked(actor, hearing, HearingState.PLANNED)
        if not hearing.participants.exists():
            raise ValidationFailed.on("participants", _("请先增加听证参加人"))
        hearing.participants_published_at = _published_at(published_at, hearing)
        hearing.save(update_fields=["participants_published_at"])
        record(actor=actor, decision=decision, action="decision.hearing_participants_publish")
    return hearing


def participant_add(
    *, actor, hearing, name: str, organisation: str = "", materials_served_on=None
) -> HearingParticipant:
    name = _text(name, "name", _("请填写参加人姓名"), 50)
    served = None
    if materials_served_on:
        served = _date(materials_served_on, "materials_served_on", _("材料送达日期无效"))
    with transaction.atomic():
        decision, hearing = _hearing_locked(actor, hearing, HearingState.PLANNED)
        if hearing.participants_published_at:
            raise Conflict(_("参加人名单已公布，不能再增加参加人"))
        participant = HearingParticipant.objects.create(
            hearing=hearing,
            name=name,
            organisation=(organisation or "").strip()[:200],
            materials_served_on=served,
        )
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_participant_add",
            changes={"participant": {"before": None, "after": name}},
        )
    return participant


def _participant_locked(actor, participant, *states):
    decision, hearing = _hearing_locked(actor, participant.hearing, *states)
    return (
        decision,
        hearing,
        HearingParticipant.objects.select_for_update(of=("self",)).get(pk=participant.pk),
    )


def participant_served(*, actor, participant, served_on) -> HearingParticipant:
    """The day the hearing materials reached this participant."""
    served = _date(served_on, "served_on", _("请填写材料送达日期"))
    if served > timezone.localdate():
        raise ValidationFailed.on("served_on", _("送达日期不能晚于今天"))
    with transaction.atomic():
        decision, _hearing, participant = _participant_locked(
            actor, participant, HearingState.PLANNED
        )
        before = participant.materials_served_on
        participant.materials_served_on = served
        participant.save(update_fields=["materials_served_on"])
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_served",
            changes={
                participant.name: {
                    "before": before.isoformat() if before else None,
                    "after": served.isoformat(),
                }
            },
        )
    return participant


def participant_signed_record_add(*, actor, participant, upload) -> HearingParticipant:
    """The record of the hearing signed by this participant (a stored, hashed file)."""
    if upload is None:
        raise ValidationFailed.on("file", _("请选择听证笔录签字件"))
    with transaction.atomic():
        decision, _hearing, participant = _participant_locked(
            actor, participant, HearingState.CONFIRMED
        )
        item = decision_file_add(
            actor=actor,
            decision=decision,
            kind=MaterialKind.SIGNED_RECORD,
            upload=upload,
            procedure="hearing",
            object_id=participant.pk,
        )
        participant.signed_record = item
        participant.save(update_fields=["signed_record"])
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_signed",
            changes={participant.name: {"before": None, "after": item.original_name}},
        )
    return participant


def participant_refusal_record(*, actor, participant, note: str) -> HearingParticipant:
    """A participant who would not sign: the note says so instead of the signed record."""
    note = _text(note, "note", _("请填写拒绝签字情况说明"))
    with transaction.atomic():
        decision, _hearing, participant = _participant_locked(
            actor, participant, HearingState.CONFIRMED
        )
        participant.refusal_note = note
        participant.save(update_fields=["refusal_note"])
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_signed",
            changes={participant.name: {"before": None, "after": _("拒绝签字")}},
            reason=note,
        )
    return participant


def hearing_problems(hearing, participants, materials_days: int) -> list[Blocker]:
    """What keeps a hearing from being confirmed under A5 (pure over the rows)."""
    out = []
    if not participants:
        out.append(Blocker("A5", _("尚未确定听证参加人")))
    if hearing.selection_method.strip() and not hearing.selection_published_at:
        out.append(Blocker("A5", _("参加人遴选办法尚未公布")))
    if participants and not hearing.participants_published_at:
        out.append(Blocker("A5", _("听证参加人名单尚未公布")))
    latest = hearing.held_on - dt.timedelta(days=materials_days)
    for person in participants:
        if person.materials_served_on is None:
            out.append(Blocker("A5", _("%(name)s：材料尚未送达") % {"name": person.name}))
        elif person.materials_served_on > latest:
            out.append(
                Blocker(
                    "A5",
                    _("%(name)s：材料送达不足%(days)s日")
                    % {"name": person.name, "days": materials_days},
                )
            )
    return out


def hearing_confirm(*, actor, hearing) -> Hearing:
    """planned → confirmed: the lists published and every participant served the materials at
    least hearing_materials_days before the date; else refused naming each participant (A5)."""
    from ganchao.decisions.selectors import settings_get

    with transaction.atomic():
        decision, hearing = _hearing_locked(actor, hearing, HearingState.PLANNED)
        participants = list(hearing.participants.order_by("pk"))
        problems = hearing_problems(hearing, participants, settings_get().hearing_materials_days)
        if problems:
            raise ProcedureBlocked.of(_("确定听证会"), problems)
        hearing.state = HearingState.CONFIRMED
        hearing.save(update_fields=["state"])
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_confirm",
            changes={"hearing_state": {"before": "planned", "after": "confirmed"}},
        )
    return hearing


def hearing_close(*, actor, hearing) -> Hearing:
    """confirmed → closed once held, each participant with a signed record or a refusal note."""
    with transaction.atomic():
        decision, hearing = _hearing_locked(actor, hearing, HearingState.CONFIRMED)
        if timezone.localdate() < hearing.held_on:
            raise Conflict(_("听证会尚未举行，不能结束"))
        lacking = [
            Blocker("A5", _("%(name)s：缺少签字的听证笔录或拒签说明") % {"name": p.name})
            for p in hearing.participants.order_by("pk")
            if not p.signed_record_id and not p.refusal_note.strip()
        ]
        if lacking:
            raise ProcedureBlocked.of(_("结束听证会"), lacking)
        hearing.state = HearingState.CLOSED
        hearing.closed_at = now()
        hearing.save(update_fields=["state", "closed_at"])
        record(
            actor=actor,
            decision=decision,
            action="decision.hearing_close",
            changes={"hearing_state": {"before": "confirmed", "after": "closed"}},
        )
    return hearing
