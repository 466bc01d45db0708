"""Pages of the decision document (B12, B4): the panel on the case page (the draft form while
the decision is not issued, what is still missing, the issue button, then the number, date,
seal record, hash and download), the document page that holds the same panel and shows a
refusal, the download that re-verifies the hash, and the office's template page. Views parse
input and call services.document; the rules live there."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import scoped
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import document, permissions, selectors
from ganchao.enforcement.choices import Stage
from ganchao.enforcement.services import document as services

ERRORS = (ValidationFailed, Conflict, Forbidden, ProcedureBlocked)
SERVICES = "ganchao.enforcement.services.document"
IMPACT_CHOICES = [
    ("", gettext_lazy("未填写")),
    ("yes", gettext_lazy("是")),
    ("no", gettext_lazy("否")),
]


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class DraftForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("决定书文号"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("留空则签发时按“机关名称罚决〔年份〕序号号”自动编号"),
    )
    party_name = forms.CharField(
        label=gettext_lazy("当事人的姓名或者名称"), required=False, max_length=200
    )
    party_address = forms.CharField(
        label=gettext_lazy("当事人的地址"), required=False, max_length=200
    )
    facts_evidence = forms.CharField(
        label=gettext_lazy("违反法律、法规、规章的事实和证据"), required=False, widget=_textarea(4)
    )
    penalty_basis = forms.CharField(
        label=gettext_lazy("行政处罚的种类和依据"), required=False, widget=_textarea(3)
    )
    performance = forms.CharField(
        label=gettext_lazy("行政处罚的履行方式和期限"), required=False, widget=_textarea(2)
    )
    remedy = forms.CharField(
        label=gettext_lazy("申请行政复议、提起行政诉讼的途径和期限"),
        required=False,
        widget=_textarea(2),
    )
    organ_name = forms.CharField(
        label=gettext_lazy("作出决定的行政机关名称"), required=False, max_length=200
    )
    social_impact = forms.ChoiceField(
        label=gettext_lazy("是否具有一定社会影响"),
        required=False,
        choices=IMPACT_CHOICES,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("具有一定社会影响的行政处罚决定应当依法公开（B4）"),
    )
    social_impact_reason = forms.CharField(
        label=gettext_lazy("判定理由"),
        required=False,
        widget=_textarea(2),
        help_text=gettext_lazy("无论选“是”或“否”，都须写明理由"),
    )


class TemplateForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("决定书模板（.docx）"), required=False)


def error_text(exc) -> str:
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def apply_errors(form, exc) -> None:
    if isinstance(exc, ProcedureBlocked):
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors or []:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def _impact_value(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def _initial(case, decision) -> dict:
    values = {name: getattr(decision, name) for name in services.DRAFT_FIELDS}
    for name, default in document.draft_defaults(case).items():
        values[name] = values[name] or default
    values["social_impact"] = _impact_value(decision.social_impact)
    return values


def _case_url(case) -> str:
    try:
        return reverse("enforcement:case_detail", args=[case.pk]) + "#panel-document"
    except NoReverseMatch:
        return reverse("enforcement:decision_document", args=[case.pk])


def panel_context(request, case, facts, form=None) -> dict:
    """Context for templates/enforcement/panels/document.html on the case page."""
    decision = document.decision_of(case)
    if decision is None:
        return {"doc": None}
    handles = permissions.handles(request.user, case)
    issued = bool(decision.issued_at)
    blockers = [] if issued else document.issue_blockers(case, decision, facts)
    fields = [
        (label, getattr(decision, name))
        for name, (label, _n) in services.DRAFT_FIELDS.items()
        if name not in ("number", "social_impact_reason")
    ]
    impact = dict(IMPACT_CHOICES)[_impact_value(decision.social_impact)]
    fields += [
        (DraftForm.base_fields["social_impact"].label, impact),
        (DraftForm.base_fields["social_impact_reason"].label, decision.social_impact_reason),
    ]
    return {
        "doc": {
            "case": case,
            "decision": decision,
            "issued": issued,
            "fields": fields,
            "form": form or DraftForm(initial=_initial(case, decision), prefix="doc"),
            "can_edit": handles and not issued,
            "can_issue": handles and not issued and case.stage == Stage.DECIDED,
            "decided_stage": case.stage == Stage.DECIDED,
            "blockers": blockers,
            "seal": document.seal_of(decision),
            "stand_in_note": document.STAND_IN_NOTE,
            "task": document.publication_task_of(case) if issued else None,
            "must_publish": document.must_publish(case, decision),
            "is_penalty": document.is_penalty_decision(case, decision),
            "manages_templates": services.manages_templates(request.user),
        }
    }


def _page(request, case, *, status=200, error="", form=None):
    facts = selectors.case_facts(case)
    context = {
        "case": case,
        "case_url": _case_url(case),
        "action_error": error,
        **panel_context(request, case, facts, form=form),
    }
    return render(request, "enforcement/document/page.html", context, status=status)


@login_required
@scoped
def decision_document(request, pk: int):
    case = selectors.case_get(request.user, pk)
    return _page(request, case)


@login_required
@require_POST
@scoped
def decision_document_update(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = DraftForm(request.POST, prefix="doc")
    if not form.is_valid():
        return _page(request, case, status=422, form=form)
    try:
        services.decision_draft_update(actor=request.user, case=case, **form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        error = "" if isinstance(exc, ValidationFailed) else error_text(exc)
        return _page(request, case, status=exc.status, error=error, form=form)
    messages.success(request, _("决定书草稿已保存。"))
    return redirect(_case_url(case))


@login_required
@require_POST
@scoped
def decision_document_issue(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        decision = services.decision_issue(actor=request.user, case=case)
    except ERRORS as exc:
        case = selectors.case_get(request.user, pk)
        return _page(request, case, status=exc.status, error=error_text(exc))
    messages.success(request, _("决定书已签发，文号%(number)s。") % {"number": decision.number})
    return redirect(_case_url(case))


@login_required
@scoped
def decision_document_file(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        handle, decision = services.decision_document_open(actor=request.user, case=case)
    except Conflict as exc:
        return _page(request, case, status=exc.status, error=error_text(exc))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{decision.number or case.code}.docx",
        content_type=document.DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _template_page(request, *, form=None, status=200, error=""):
    if not services.manages_templates(request.user):
        raise Forbidden(_("只有督查室或系统管理员可以更换决定书模板"))
    context = {
        "form": form or TemplateForm(),
        "active": document.active_template(),
        "variables": document.CONTEXT_DOC,
        "syntax_help": document.SYNTAX_HELP,
        "action_error": error,
    }
    return render(request, "enforcement/document/template.html", context, status=status)


@login_required
@scoped
def document_template(request):
    if request.method != "POST":
        return _template_page(request)
    form = TemplateForm(request.POST, request.FILES)
    form.is_valid()
    try:
        services.document_template_upload(actor=request.user, upload=request.FILES.get("file"))
    except ERRORS as exc:
        apply_errors(form, exc)
        return _template_page(request, form=form, status=exc.status)
    messages.success(request, _("新的决定书模板已启用。"))
    return redirect("enforcement:document_template")


@login_required
@scoped
def document_template_default(request):
    """The built-in template, to start an office's own from."""
    if not services.manages_templates(request.user):
        raise Forbidden(_("只有督查室或系统管理员可以更换决定书模板"))
    return FileResponse(
        document.DEFAULT_TEMPLATE.open("rb"),
        as_attachment=True,
        filename=_("行政处罚决定书默认模板.docx"),
        content_type=document.DOCX_TYPE,
    )


@login_required
@require_POST
@scoped
def document_template_reset(request):
    try:
        services.document_template_reset(actor=request.user)
    except ERRORS as exc:
        return _template_page(request, status=exc.status, error=error_text(exc))
    messages.success(request, _("已恢复默认决定书模板。"))
    return redirect("enforcement:document_template")


urlpatterns = [
    path("cases/<int:pk>/decision-document/", decision_document, name="decision_document"),
    path(
        "cases/<int:pk>/decision-document/update/",
        decision_document_update,
        name="decision_document_update",
    ),
    path(
        "cases/<int:pk>/decision-document/issue/",
        decision_document_issue,
        name="decision_document_issue",
    ),
    path(
        "cases/<int:pk>/decision-document/file/",
        decision_document_file,
        name="decision_document_file",
    ),
    path("document-template/", document_template, name="document_template"),
    path("document-template/reset/", document_template_reset, name="document_template_reset"),
    path(
        "document-template/default.docx",
        document_template_default,
        name="document_template_default",
    ),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:decision_document_update": (
        "PATCH",
        "/api/v1/enforcement/cases/{case_id}/decision-document",
        f"{SERVICES}.decision_draft_update",
    ),
    "enforcement:decision_document_issue": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/decision-document/issue",
        f"{SERVICES}.decision_issue",
    ),
    "enforcement:document_template": (
        "POST",
        "/api/v1/enforcement/document-template",
        f"{SERVICES}.document_template_upload",
    ),
    "enforcement:document_template_reset": (
        "POST",
        "/api/v1/enforcement/document-template/reset",
        f"{SERVICES}.document_template_reset",
    ),
}
