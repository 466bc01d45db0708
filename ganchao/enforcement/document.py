"""The decision document (行政处罚决定书, B12) as a .docx: its context as plain strings, the
built-in or the office's template, and the rendering in the assessment bulletin's sandboxed
docxtpl environment (ganchao.assessment.docx.render: sandboxed, autoescaping, strict about
unknown names). No model instance ever reaches the template. The party's name is in full:
the document is the case file, not the public page."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment.docx import render as docx_render
from ganchao.common.errors import ValidationFailed
from ganchao.enforcement import gates
from ganchao.enforcement.choices import DecisionKind, MatterCategory, Step, TaskKind
from ganchao.enforcement.document_templates import DEFAULT_TEMPLATE
from ganchao.enforcement.models import (
    CaseDecision,
    DocumentTemplate,
    PublicationTask,
    SealRecord,
    settings_get,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = docx_render.MAX_TEMPLATE_BYTES
STAND_IN_NOTE = gettext_lazy("本地替代签章，非正式电子印章，正式使用须接入电子印章服务")

SYNTAX_HELP = gettext_lazy(
    "模板使用 docxtpl 语法：{{ 变量 }} 输出文字；条件段落写 {%p if 变量 %} … {%p endif %}。"
    "模板在安全沙箱中生成，只能读取下列数据，不能执行代码。上传前请确认模板含有《行政处罚法》第五十九条规定的全部内容。"
)

# The variables every decision-document template may use (shown on the template page).
CONTEXT_DOC = [
    ("organ_name", gettext_lazy("作出决定的行政机关名称")),
    ("title", gettext_lazy("文书名称，如“行政处罚决定书”")),
    ("number", gettext_lazy("决定书文号，如“赶超市城市管理综合行政执法局罚决〔2026〕1号”")),
    ("case_code / case_title", gettext_lazy("案件编号、案由")),
    ("party_name", gettext_lazy("当事人的姓名或者名称（全称，不作隐名处理）")),
    ("party_address", gettext_lazy("当事人的地址")),
    ("facts_evidence", gettext_lazy("违反法律、法规、规章的事实和证据")),
    ("penalty_basis", gettext_lazy("行政处罚的种类和依据")),
    ("performance", gettext_lazy("行政处罚的履行方式和期限")),
    ("remedy", gettext_lazy("申请行政复议、提起行政诉讼的途径和期限")),
    ("decision_kind_label", gettext_lazy("决定类型，如“给予行政处罚”")),
    ("decided_on", gettext_lazy("作出决定的日期，如“2026年3月31日”")),
    ("seal_name", gettext_lazy("印章名称")),
    ("seal_note", gettext_lazy("使用本地替代签章时的提示语；接入正式电子印章服务后为空")),
]


# ---- what the issuance needs, shared by the service and the pages ----------------------------


def is_penalty_decision(case, decision) -> bool:
    return case.matter.category == MatterCategory.PENALTY and decision.kind == DecisionKind.PENALTY


def issue_blockers(case, decision, facts) -> list[gates.Blocker]:
    """What stops the issuance now: the gate's B12 and B4 list, and a social-impact answer
    without its reason (B4 asks for yes/no and the reason)."""
    found = gates.blockers_for(Step.ISSUE, facts)
    if (
        decision is not None
        and is_penalty_decision(case, decision)
        and decision.social_impact is not None
        and not decision.social_impact_reason.strip()
    ):
        found.append(gates.Blocker("B4", _("处罚决定须写明是否具有社会影响的判定理由")))
    return found


def must_publish(case, decision, settings=None) -> bool:
    """B3/B4: a penalty is published when it has social impact or local policy publishes all
    penalties; every other decision (licences, other enforcement decisions) is published."""
    if not is_penalty_decision(case, decision):
        return True
    settings = settings or settings_get()
    return bool(decision.social_impact) or settings.publish_all_penalties


def plain_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def document_title(case) -> str:
    if case.matter.category == MatterCategory.PENALTY:
        return _("行政处罚决定书")
    if case.matter.category == MatterCategory.PERMIT:
        return _("行政许可决定书")
    return _("行政执法决定书")


def seal_name_of(agency) -> str:
    return agency.seal_name or agency.name


def context(decision: CaseDecision, *, seal_note: str = "") -> dict:
    """The document's variables as plain strings, every B12 field in full."""
    case = decision.case
    return {
        "organ_name": decision.organ_name,
        "title": document_title(case),
        "number": decision.number,
        "case_code": case.code,
        "case_title": case.title,
        "party_name": decision.party_name,
        "party_address": decision.party_address,
        "facts_evidence": decision.facts_evidence,
        "penalty_basis": decision.penalty_basis,
        "performance": decision.performance,
        "remedy": decision.remedy,
        "decision_kind_label": str(DecisionKind(decision.kind).label) if decision.kind else "",
        "decided_on": plain_date(decision.decided_on),
        "seal_name": seal_name_of(case.agency),
        "seal_note": str(seal_note),
    }


def sample_context() -> dict:
    """A context of the real shape (a name with & and <) against which an uploaded template
    must render before it is accepted."""
    return {
        "organ_name": "赶超市城市管理综合行政执法局",
        "title": "行政处罚决定书",
        "number": "赶超市城市管理综合行政执法局罚决〔2026〕1号",
        "case_code": "ZF-2026-001",
        "case_title": "未经许可擅自搭建彩钢房",
        "party_name": "张三 & <李四>",
        "party_address": "赶超市西湖镇李庄村18号",
        "facts_evidence": "当事人于2026年3月1日在西湖镇李庄村18号院内擅自搭建彩钢房，有现场检查笔录、照片为证。",
        "penalty_basis": "依据《中华人民共和国城乡规划法》第六十四条，责令限期拆除并处罚款5000元。",
        "performance": "自收到本决定书之日起15日内缴纳罚款。",
        "remedy": "如不服本决定，可在收到本决定书之日起60日内申请行政复议，或者6个月内提起行政诉讼。",
        "decision_kind_label": "给予行政处罚",
        "decided_on": "2026年3月31日",
        "seal_name": "赶超市城市管理综合行政执法局",
        "seal_note": str(STAND_IN_NOTE),
    }


def active_template() -> DocumentTemplate | None:
    """The office's own template in use, or None for the built-in one."""
    return DocumentTemplate.objects.filter(active=True).select_related("uploaded_by").first()


def template_bytes(row: DocumentTemplate | None) -> bytes:
    """The template's content; an uploaded one is re-verified against its hash."""
    if row is None:
        return DEFAULT_TEMPLATE.read_bytes()
    try:
        with default_storage.open(row.file.name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValidationFailed.on(
            "template",
            _("决定书模板“%(name)s”的文件缺失，请重新上传或恢复默认模板")
            % {"name": row.original_name},
        ) from exc
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ValidationFailed.on(
            "template",
            _("决定书模板“%(name)s”的文件校验不符（可能被改动），请重新上传或恢复默认模板")
            % {"name": row.original_name},
        )
    return data


def render_document(decision: CaseDecision, *, seal_note: str = "") -> bytes:
    """The .docx of the decision from the active template, in the sandbox."""
    return docx_render.render(
        template_bytes(active_template()), context(decision, seal_note=seal_note)
    )


def template_check(data: bytes, name: str) -> None:
    """Refuse an uploaded template that is no .docx or does not render in the sandbox."""
    docx_render.check_template(data, name, sample_context())


# ---- reads of the document panel and the API ---------------------------------------------------


def decision_of(case) -> CaseDecision | None:
    decision = CaseDecision.objects.filter(case=case).select_related("issued_by").first()
    if decision is not None:
        decision.case = case
    return decision


def seal_of(decision) -> SealRecord | None:
    if decision is None or not decision.issued_at:
        return None
    return SealRecord.objects.filter(decision=decision).order_by("-sealed_at", "-id").first()


def publication_task_of(case) -> PublicationTask | None:
    return PublicationTask.objects.filter(case=case, kind=TaskKind.PUBLISH).order_by("id").first()


def draft_defaults(case) -> dict:
    """What a new draft is offered: the party and the organ from the case, the remedy the
    matter publishes (B1)."""
    return {
        "party_name": case.party_name,
        "party_address": case.party_address,
        "organ_name": case.agency.name,
        "remedy": case.matter.remedy,
    }
