"""Opening a case (B1, B2), the proposed decision and its major flags (B8), moving through the
investigation stages, text records (B6), withdrawal and closing."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, permissions
from ganchao.enforcement.choices import (
    CaseSource,
    MatterState,
    PartyKind,
    PenaltyKind,
    Stage,
    Step,
    ViolationKind,
)
from ganchao.enforcement.models import Case, CaseOfficer, CaseRecord, Officer
from ganchao.enforcement.services.base import (
    lock,
    move,
    place_key,
    record,
    require,
    require_handler,
    require_open,
    require_stage,
)

MAX_CODE_RETRIES = 5


def _text(value, name: str, label: str, *, required=True, limit=None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if limit and len(text) > limit:
        raise ValidationFailed.on(
            name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
        )
    return text


def _choice(value, name: str, label: str, choices) -> str:
    if value not in choices.values:
        raise ValidationFailed.on(name, _("%(label)s无效") % {"label": label})
    return value


def officer_facts(officer: Officer, matter_id: int) -> gates.OfficerFacts:
    return gates.OfficerFacts(
        name=officer.name,
        certificate_no=officer.certificate_no,
        expires=officer.certificate_expires,
        covers_matter=officer.covers_all_matters or officer.matters.filter(pk=matter_id).exists(),
        active=officer.active,
    )


def check_officers(officers: list[Officer], matter, on) -> None:
    """B2: two or more officers of the agency, each certified for the matter."""
    action = gates.ActionFacts(
        kind="evidence",
        started_at=timezone.now(),
        ended_at=None,
        officers=[officer_facts(o, matter.pk) for o in officers],
        certificate_shown=True,
        informed=True,
    )
    found = gates.officer_blockers(action, on)
    for officer in officers:
        if officer.agency_id != matter.agency_id:
            found.append(
                gates.Blocker("B2", _("%(name)s不属于本执法主体") % {"name": officer.name})
            )
    if found:
        raise ProcedureBlocked.of(_("确定承办人员"), found)


def _next_seq(year: int) -> int:
    last = Case.objects.filter(year=year).order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def case_open(
    *,
    actor,
    matter,
    officers: list[Officer],
    title: str,
    party_kind: str,
    party_name: str,
    place: str,
    filed_on=None,
    party_id_no: str = "",
    party_phone: str = "",
    party_address: str = "",
    party_representative: str = "",
    facts: str = "",
    source: str = CaseSource.INSPECTION,
    violation: str = ViolationKind.OTHER,
    complaint=None,
    record_text: str = "",
) -> Case:
    """立案: refused under a matter that is not published (B1) and without two certified
    officers (B2). The filing record (立案审批意见) is the 立案 stage's first text record."""
    if not permissions.opens_cases(actor, matter.agency):
        raise Forbidden(_("只有本执法主体的执法人员可以立案"))
    if matter.state != MatterState.PUBLISHED:
        raise ProcedureBlocked.rule(
            "B1",
            _(
                "执法事项“%(name)s”未完成事前公开（执法主体、依据、程序、流程图、救济途径、裁量基准），不能据此立案"
            )
            % {"name": matter.name},
        )
    title = _text(title, "title", _("案由"), limit=200)
    party_name = _text(party_name, "party_name", _("当事人"), limit=200)
    place = _text(place, "place", _("违法地点"), limit=200)
    _choice(party_kind, "party_kind", _("当事人类型"), PartyKind)
    _choice(source, "source", _("案件来源"), CaseSource)
    _choice(violation, "violation", _("违法类型"), ViolationKind)
    filed_on = filed_on or timezone.localdate()
    unique = list(dict.fromkeys(officers))
    check_officers(unique, matter, filed_on)
    for attempt in range(MAX_CODE_RETRIES):
        try:
            with transaction.atomic():
                seq = _next_seq(filed_on.year)
                case = Case.objects.create(
                    code=f"ZF-{filed_on.year}-{seq:03d}",
                    year=filed_on.year,
                    seq=seq,
                    agency=matter.agency,
                    matter=matter,
                    stage=Stage.FILED,
                    visited=[Stage.FILED],
                    source=source,
                    violation=violation,
                    title=title,
                    facts=(facts or "").strip(),
                    party_kind=party_kind,
                    party_name=party_name,
                    party_id_no=(party_id_no or "").strip()[:40],
                    party_phone=(party_phone or "").strip()[:40],
                    party_address=(party_address or "").strip()[:200],
                    party_representative=(party_representative or "").strip()[:50],
                    place=place,
                    place_key=place_key(place),
                    filed_on=filed_on,
                    filed_by=actor,
                    complaint=complaint,
                )
                CaseOfficer.objects.bulk_create(
                    CaseOfficer(case=case, officer=o, lead=i == 0) for i, o in enumerate(unique)
                )
                CaseRecord.objects.create(
                    case=case,
                    stage=Stage.FILED,
                    text=(record_text or "").strip()
                    or _("经审查，符合立案条件，予以立案。案由：%(title)s") % {"title": title},
                    created_by=actor,
                )
                record(
                    actor=actor,
                    case=case,
                    action="enforcement.case_open",
                    changes={
                        "code": {"before": None, "after": case.code},
                        "matter": {"before": None, "after": matter.name},
                        "officers": {"before": None, "after": [o.name for o in unique]},
                    },
                )
                return case
        except IntegrityError:
            if attempt == MAX_CODE_RETRIES - 1:
                raise Conflict(_("案件编号冲突，请重试")) from None
    raise Conflict(_("案件编号冲突，请重试"))


def _decimal(value, name, label):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(name, _("%(label)s须为数字") % {"label": label}) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationFailed.on(name, _("%(label)s超出范围") % {"label": label})
    return amount.quantize(Decimal("0.01"))


PROPOSAL_FIELDS = ("proposed_penalties", "proposed_fine", "proposed_summary")
FLAG_FIELDS = ("complex", "major_public_interest", "multiple_legal_relations")


def case_update(*, actor, case, **fields) -> Case:
    """The proposed decision and the case's flags. B8: a manual major flag can be added with a
    reason and never removed; the engine's reasons are recomputed, never stored or cleared."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_open(case)
        if case.stage in (Stage.DECIDED, Stage.SERVED, Stage.EXECUTING):
            raise Conflict(_("决定已作出，案件内容不能再修改"))
        changes = {}
        if "proposed_penalties" in fields:
            kinds = list(dict.fromkeys(fields["proposed_penalties"] or []))
            for kind in kinds:
                _choice(kind, "proposed_penalties", _("处罚种类"), PenaltyKind)
            fields["proposed_penalties"] = kinds
        if "proposed_fine" in fields:
            fields["proposed_fine"] = _decimal(
                fields["proposed_fine"], "proposed_fine", _("罚款金额")
            )
        for name in ("title", "facts", "proposed_summary", "place", "party_address"):
            if name in fields:
                fields[name] = (fields[name] or "").strip()
        if "title" in fields:
            _text(fields["title"], "title", _("案由"), limit=200)
        if "place" in fields:
            _text(fields["place"], "place", _("违法地点"), limit=200)
            fields["place_key"] = place_key(fields["place"])
        if "manual_major" in fields:
            if case.manual_major and not fields["manual_major"]:
                raise ProcedureBlocked.rule("B8", _("已认定的重大执法决定不能取消认定"))
            if fields["manual_major"] and not case.manual_major:
                fields["manual_major_reason"] = _text(
                    fields.get("manual_major_reason"), "manual_major_reason", _("认定重大的理由")
                )
        allowed = {
            *PROPOSAL_FIELDS,
            *FLAG_FIELDS,
            "title",
            "facts",
            "place",
            "place_key",
            "party_address",
            "manual_major",
            "manual_major_reason",
            "violation",
            "rectification_required",
        }
        if "violation" in fields:
            _choice(fields["violation"], "violation", _("违法类型"), ViolationKind)
        for name, value in fields.items():
            if name not in allowed:
                continue
            before = getattr(case, name)
            if before != value:
                changes[name] = {"before": _plain(before), "after": _plain(value)}
                setattr(case, name, value)
        if not changes:
            return case
        case.version += 1
        case.save()
        record(actor=actor, case=case, action="enforcement.case_update", changes=changes)
        return case


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_add(*, actor, case, text: str, stage: str = "", action=None) -> CaseRecord:
    """A text record of a stage the case is in or has passed (B6)."""
    text = _text(text, "text", _("文字记录"))
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        stage = stage or case.stage
        if stage not in Stage.values:
            raise ValidationFailed.on("stage", _("环节无效"))
        if stage not in (case.visited or []) and stage != case.stage:
            raise ValidationFailed.on(
                "stage",
                _("案件尚未进入“%(stage)s”环节，不能登记该环节的记录")
                % {"stage": Stage(stage).label},
            )
        item = CaseRecord.objects.create(
            case=case, stage=stage, action=action, text=text, created_by=actor
        )
        record(
            actor=actor,
            case=case,
            action="enforcement.record_add",
            changes={"record": {"before": None, "after": f"{Stage(stage).label}：{text[:100]}"}},
        )
        return item


def case_investigate(*, actor, case) -> Case:
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.FILED)
        move(actor=actor, case=case, to=Stage.INVESTIGATING, action="enforcement.case_move")
        return case


def case_submit_review(*, actor, case, opinion: str = "") -> Case:
    """调查终结, to 审核 (the case-handling unit's own review of the investigation)."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.INVESTIGATING)
        require(case, Step.REVIEW)
        move(actor=actor, case=case, to=Stage.REVIEWED, action="enforcement.case_move")
        if opinion.strip():
            CaseRecord.objects.create(
                case=case, stage=Stage.REVIEWED, text=opinion.strip(), created_by=actor
            )
        return case


def case_reinvestigate(*, actor, case, reason: str) -> Case:
    """Back to 调查取证 (the review found the facts unclear)."""
    reason = _text(reason, "reason", _("退回补充调查的理由"))
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_stage(case, Stage.REVIEWED, Stage.LEGAL_REVIEW)
        move(
            actor=actor,
            case=case,
            to=Stage.INVESTIGATING,
            action="enforcement.case_move",
            reason=reason,
        )
        CaseRecord.objects.create(
            case=case, stage=Stage.INVESTIGATING, text=reason, created_by=actor
        )
        return case


def case_withdraw(*, actor, case, reason: str) -> Case:
    """撤销立案 before a decision, with the reason."""
    reason = _text(reason, "reason", _("撤销立案的理由"))
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        move(
            actor=actor,
            case=case,
            to=Stage.WITHDRAWN,
            action="enforcement.case_withdraw",
            reason=reason,
            extra={"withdrawn_reason": reason},
        )
        return case


def case_close(*, actor, case, summary: str = "") -> Case:
    """结案: refused while a stage passed has no record or a mandatory recording has a gap
    (B6, B7), naming each."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        require_open(case)
        # The B6 gate first: closing a case early is refused naming each stage without its
        # record (e.g. 送达环节无记录), not only with the stage it is in.
        require(case, Step.CLOSE)
        require_stage(case, Stage.SERVED, Stage.EXECUTING)
        move(
            actor=actor,
            case=case,
            to=Stage.CLOSED,
            action="enforcement.case_close",
            reason=summary.strip(),
            extra={"closed_on": timezone.localdate()},
        )
        return case
