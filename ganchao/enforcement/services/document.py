"""The decision document (B12, B4): its draft fields while the decision is not issued; its
issuance — every B12 field and, for a penalty, the social-impact answer with its reason
checked, the .docx rendered from the active template in the sandbox, stored hashed, sealed by
the configured seal service, the decided stage's record written and the publication task made
(B3, B4); the download that re-verifies the hash; and the office's replacement template."""

import hashlib
import re
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import document
from ganchao.enforcement import seal as seals
from ganchao.enforcement.choices import MatterCategory, Stage, Step
from ganchao.enforcement.models import (
    Agency,
    CaseDecision,
    CaseRecord,
    DocumentTemplate,
    SealRecord,
)
from ganchao.enforcement.services.base import (
    lock,
    now,
    record,
    require_handler,
    require_stage,
    step_label,
)
from ganchao.enforcement.services.disclosure import publication_task_for_decision
from ganchao.enforcement.services.records import CHUNK, HashingReader
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

DRAFT_UPDATE = register("enforcement.decision_draft_update", gettext_lazy("修改决定书草稿"))
ISSUE = register("enforcement.decision_issue", gettext_lazy("签发执法决定书"))
OPEN_REFUSED = register("enforcement.decision_document_open", gettext_lazy("调阅执法决定书"))
TEMPLATE_UPLOAD = register(
    "enforcement.document_template_upload", gettext_lazy("上传执法决定书模板")
)
TEMPLATE_RESET = register(
    "enforcement.document_template_reset", gettext_lazy("恢复默认执法决定书模板")
)
register_object_type("enforcementdocumenttemplate", gettext_lazy("执法决定书模板"))

# name → (label, length limit or None for text)
DRAFT_FIELDS = {
    "number": (gettext_lazy("决定书文号"), 60),
    "party_name": (gettext_lazy("当事人的姓名或者名称"), 200),
    "party_address": (gettext_lazy("当事人的地址"), 200),
    "facts_evidence": (gettext_lazy("违法事实和证据"), None),
    "penalty_basis": (gettext_lazy("行政处罚的种类和依据"), None),
    "performance": (gettext_lazy("履行方式和期限"), None),
    "remedy": (gettext_lazy("申请行政复议、提起行政诉讼的途径和期限"), None),
    "organ_name": (gettext_lazy("作出决定的行政机关名称"), 200),
    "social_impact_reason": (gettext_lazy("社会影响判定理由"), None),
}
NUMBER_TAIL = re.compile(r"〔(\d{4})〕(\d+)号$")
KIND_MARK = {MatterCategory.PENALTY: "罚决", MatterCategory.PERMIT: "许决"}


def _decision(case, *, for_update=False) -> CaseDecision:
    rows = CaseDecision.objects.filter(case=case)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    decision = rows.first()
    if decision is None:
        raise Conflict(_("尚未作出决定，不能制作决定书"))
    decision.case = case
    return decision


# ---- draft -----------------------------------------------------------------------------------


def _social_impact(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "是"):
        return True
    if text in ("no", "false", "0", "否"):
        return False
    raise ValidationFailed.on("social_impact", _("是否具有社会影响须为“是”或“否”"))


def _clean_draft(fields: dict) -> dict:
    cleaned = {}
    for name, (label, limit) in DRAFT_FIELDS.items():
        if name not in fields:
            continue
        text = str(fields[name] or "").strip()
        if limit and len(text) > limit:
            raise ValidationFailed.on(
                name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
            )
        cleaned[name] = text
    if "social_impact" in fields:
        cleaned["social_impact"] = _social_impact(fields["social_impact"])
    return cleaned


def decision_draft_update(*, actor, case, **fields) -> CaseDecision:
    """The document's fields while the decision is not issued; a social-impact answer (yes or
    no) needs its reason (B4)."""
    cleaned = _clean_draft(fields)
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        decision = _decision(case, for_update=True)
        if decision.issued_at:
            raise Conflict(_("决定书已签发，内容不能再修改"))
        number = cleaned.get("number")
        if number and (CaseDecision.objects.filter(number=number).exclude(pk=decision.pk).exists()):
            raise ValidationFailed.on(
                "number", _("决定书文号“%(number)s”已被使用") % {"number": number}
            )
        impact = cleaned.get("social_impact", decision.social_impact)
        reason = cleaned.get("social_impact_reason", decision.social_impact_reason)
        if impact is not None and not reason.strip():
            raise ValidationFailed.on(
                "social_impact_reason",
                _("请写明判定是否具有社会影响的理由（无论“是”或“否”都须说明）"),
            )
        changes = {}
        for name, value in cleaned.items():
            before = getattr(decision, name)
            if before != value:
                changes[name] = {"before": before, "after": value}
                setattr(decision, name, value)
        if changes:
            decision.save(update_fields=[*changes, "updated_at"])
            record(actor=actor, case=case, action=DRAFT_UPDATE, changes=changes)
        return decision


# ---- issuance --------------------------------------------------------------------------------


def _next_number(case, year: int) -> str:
    """<seal name or agency name>罚决〔YYYY〕N号, N counted per agency and year under the
    agency's row lock."""
    agency = Agency.objects.select_for_update().get(pk=case.agency_id)
    mark = KIND_MARK.get(case.matter.category, "执决")
    prefix = f"{document.seal_name_of(agency)}{mark}〔{year}〕"
    used = CaseDecision.objects.filter(
        case__agency_id=agency.pk, number__startswith=prefix
    ).values_list("number", flat=True)
    numbers = [int(m.group(2)) for n in used if (m := NUMBER_TAIL.search(n))]
    return f"{prefix}{max(numbers, default=0) + 1}号"


def _store(data: bytes, year: int) -> tuple[str, str]:
    """Stream the rendered document to storage, hashing it on the way: (name, sha256)."""
    reader = HashingReader(ContentFile(data, name="decision.docx"))
    name = default_storage.save(f"enforcement/decisions/{year}/{uuid.uuid4().hex}.docx", reader)
    return name, reader.digest.hexdigest()


def _seal(service, digest: str, seal_name: str) -> seals.SealResult:
    try:
        return service.seal(digest, seal_name)
    except Exception as exc:  # a remote seal platform may fail in any way
        raise Conflict(
            _("电子印章服务未能用印（%(error)s），决定书未签发，请稍后重试") % {"error": exc}
        ) from exc


def decision_issue(*, actor, case) -> CaseDecision:
    """签发: refused naming every empty B12 field and, for a penalty, the missing B4 answer;
    then rendered, stored hashed, sealed, recorded, and the publication task made (B3/B4)."""
    with transaction.atomic():
        case = lock(case)
        require_handler(actor, case)
        decision = _decision(case, for_update=True)
        if decision.issued_at:
            raise Conflict(_("决定书已签发，不能重复签发"))
        require_stage(case, Stage.DECIDED)
        from ganchao.enforcement.selectors import case_facts

        found = document.issue_blockers(case, decision, case_facts(case))
        if found:
            raise ProcedureBlocked.of(step_label(Step.ISSUE), found)
        generated = not decision.number
        if generated:
            decision.number = _next_number(case, decision.decided_on.year)
        try:
            service = seals.seal_service()
        except seals.SealUnavailable as exc:
            raise Conflict(
                _("电子印章服务“%(path)s”无法使用，决定书未签发") % {"path": exc}
            ) from exc
        stand_in = seals.is_stand_in(service)
        note = document.STAND_IN_NOTE if stand_in else ""
        data = document.render_document(decision, seal_note=note)
        name, digest = _store(data, decision.decided_on.year)
        seal_name = document.seal_name_of(case.agency)
        result = _seal(service, digest, seal_name)
        at = now()
        seal = SealRecord.objects.create(
            decision=decision,
            service=result.service[:100],
            seal_name=seal_name[:200],
            seal_id=result.seal_id[:100],
            document_sha256=digest,
            signature=result.signature,
            stand_in=result.stand_in or stand_in,
            sealed_at=at,
            sealed_by=actor,
        )
        decision.document = name
        decision.document_sha256 = digest
        decision.issued_at = at
        decision.issued_by = actor
        decision.save(
            update_fields=[
                "number", "document", "document_sha256", "issued_at", "issued_by", "updated_at",
            ]
        )  # fmt: skip
        CaseRecord.objects.create(
            case=case,
            stage=Stage.DECIDED,
            text=_(
                "决定书已签发，文号%(number)s，SHA-256 %(sha)s；印章：%(seal)s（%(service)s %(id)s）"
            )
            % {
                "number": decision.number,
                "sha": digest,
                "seal": seal_name,
                "service": seal.service,
                "id": seal.seal_id,
            }
            + (_("（%(note)s）") % {"note": document.STAND_IN_NOTE} if seal.stand_in else ""),
            created_by=actor,
        )
        task = (
            publication_task_for_decision(case=case, decision=decision)
            if document.must_publish(case, decision)
            else None
        )
        record(
            actor=actor,
            case=case,
            action=ISSUE,
            changes={
                "number": {"before": None, "after": decision.number},
                "document_sha256": {"before": None, "after": digest},
                "seal": {"before": None, "after": f"{seal.service} {seal.seal_id}"},
                "stand_in": {"before": None, "after": seal.stand_in},
                "publication_due": {"before": None, "after": str(task.due) if task else None},
            },
        )
        return decision


# ---- the issued file ---------------------------------------------------------------------------


def _digest(name: str) -> str | None:
    try:
        with default_storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, OSError):
        return None


def decision_document_open(*, actor, case):
    """The issued document's open file after re-verifying its hash; an altered or missing file
    is refused and the refusal audited."""
    decision = _decision(case)
    if not decision.issued_at or not decision.document:
        raise Conflict(_("决定书尚未签发"))
    if _digest(decision.document.name) != decision.document_sha256:
        with transaction.atomic():
            record(
                actor=actor,
                case=case,
                action=OPEN_REFUSED,
                changes={"document": {"before": decision.number, "after": None}},
                reason=_("决定书文件校验值不符或文件缺失"),
                success=False,
            )
        raise Conflict(
            _("决定书“%(number)s”的文件校验值与签发时不符或文件缺失，已拒绝下载并记录")
            % {"number": decision.number}
        )
    return default_storage.open(decision.document.name, "rb"), decision


# ---- template --------------------------------------------------------------------------------


def manages_templates(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE, Role.SYSTEM_ADMIN)


def _require_template_manager(actor) -> None:
    if not manages_templates(actor):
        raise Forbidden(_("只有督查室或系统管理员可以更换决定书模板"))


def document_template_upload(*, actor, upload) -> DocumentTemplate:
    """Make the office's own .docx the active template, once it renders in the sandbox with
    sample data."""
    _require_template_manager(actor)
    if upload is None:
        raise ValidationFailed.on("file", _("请选择 .docx 模板文件"))
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    if (upload.size or 0) > document.MAX_TEMPLATE_BYTES:
        raise ValidationFailed.on("file", _("“%(name)s”超过 10 MB") % {"name": name})
    data = upload.read()
    document.template_check(data, name)
    digest = hashlib.sha256(data).hexdigest()
    stored = default_storage.save(
        f"enforcement/templates/{uuid.uuid4().hex}.docx", ContentFile(data)
    )
    with transaction.atomic():
        DocumentTemplate.objects.select_for_update().filter(active=True).update(active=False)
        row = DocumentTemplate.objects.create(
            file=stored, original_name=name, sha256=digest, uploaded_by=actor, active=True
        )
        audit_record(
            actor=actor,
            action=TEMPLATE_UPLOAD,
            target=Target("enforcementdocumenttemplate", str(row.pk), name),
            changes={"after": {"original_name": name, "sha256": digest, "size": len(data)}},
        )
        return row


def document_template_reset(*, actor) -> None:
    """Stop using the office's template: documents render from the default one again."""
    _require_template_manager(actor)
    with transaction.atomic():
        active = list(DocumentTemplate.objects.select_for_update().filter(active=True))
        if not active:
            raise Conflict(_("当前已在使用默认模板"))
        DocumentTemplate.objects.filter(pk__in=[row.pk for row in active]).update(active=False)
        for row in active:
            audit_record(
                actor=actor,
                action=TEMPLATE_RESET,
                target=Target("enforcementdocumenttemplate", str(row.pk), row.original_name),
                changes={"before": {"active": True}, "after": {"active": False}},
            )
