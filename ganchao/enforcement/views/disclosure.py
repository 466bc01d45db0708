"""Pages of enforcement: disclosure slice (B3–B5). The publication-task dashboard with the
working-day clocks (overdue first), the case's disclosure page and panel (publish, exemption
request and review, the public record, outcomes, withdrawal). Views parse input and call
services.disclosure; the rules live there."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, scoped
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import permissions, selectors
from ganchao.enforcement import selectors_disclosure as sel
from ganchao.enforcement.choices import (
    ExemptionGround,
    MatterCategory,
    OutcomeKind,
    OutcomeSource,
    TaskKind,
    TaskState,
)
from ganchao.enforcement.models import CaseDecision
from ganchao.enforcement.services import disclosure as services

ERRORS = (ValidationFailed, Conflict, Forbidden, ProcedureBlocked)
API = "ganchao.enforcement.services.disclosure"
TASK_STATE_COLORS = {
    TaskState.OPEN: "blue",
    TaskState.EXEMPTION_REQUESTED: "orange",
    TaskState.DONE: "green",
    TaskState.EXEMPT: "secondary",
}


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


def _area(rows=2):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


def _select():
    return forms.Select(attrs={"class": "form-select"})


class ExemptionForm(forms.Form):
    ground = forms.ChoiceField(
        label=gettext_lazy("不予公开的依据"), choices=ExemptionGround.choices, widget=_select()
    )
    reason = forms.CharField(label=gettext_lazy("不予公开的理由"), widget=_area(), max_length=2000)


class ExemptionReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("审核结论"),
        choices=[("yes", gettext_lazy("同意不予公开")), ("no", gettext_lazy("不同意，应当公开"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("审核意见"),
        required=False,
        widget=_area(),
        max_length=2000,
        help_text=gettext_lazy("不同意时必填"),
    )


class OutcomeForm(forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("结果来源"), choices=OutcomeSource.choices, widget=_select()
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("结果"),
        choices=OutcomeKind.choices,
        widget=_select(),
        help_text=gettext_lazy(
            "变更、撤销、确认违法、确认无效的，须在3个工作日内撤回已公开的决定信息"
        ),
    )
    decided_on = forms.DateField(
        label=gettext_lazy("结果作出日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    organ = forms.CharField(
        label=gettext_lazy("作出机关"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    document_no = forms.CharField(
        label=gettext_lazy("文书编号"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(label=gettext_lazy("理由"), widget=_area(), max_length=2000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回说明（向社会公布）"),
        widget=_area(),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("留空则按复议、诉讼或纠错结果自动生成"),
    )


# ---- the panel and the case's disclosure page ------------------------------------------------


def _panel(request, case, overrides: dict | None = None) -> dict:
    actor = request.user
    overrides = overrides or {}
    handles = permissions.handles(actor, case)
    decision = CaseDecision.objects.filter(case=case).first()
    mandatory = services.publication_mandatory(decision)
    public = sel.case_public_record(case)
    items = []
    for row in sel.rows(sel.case_tasks(case)):
        task = row.task
        open_ = task.state in sel.OPEN_STATES
        publish = task.kind == TaskKind.PUBLISH
        items.append(
            {
                "row": row,
                "task": task,
                "state_color": TASK_STATE_COLORS.get(task.state, "secondary"),
                "can_publish": handles and publish and open_ and public is None,
                "can_request": handles
                and publish
                and task.state == TaskState.OPEN
                and not mandatory,
                "can_review": task.state == TaskState.EXEMPTION_REQUESTED
                and services.may_review_exemption(actor, task),
                "can_withdraw": handles and not publish and task.state == TaskState.OPEN,
                "exemption_form": overrides.get(("exemption", task.pk)) or ExemptionForm(),
                "review_form": overrides.get(("review", task.pk)) or ExemptionReviewForm(),
                "withdraw_form": overrides.get(("withdraw", task.pk))
                or WithdrawForm(
                    initial={"reason": services.default_withdrawal_reason(task.outcome)}
                ),
            }
        )
    context = {
        "case": case,
        "decision": decision,
        "tasks": items,
        "public_record": public,
        "public_url": _public_url(public),
        "outcomes": list(sel.case_outcomes(case)),
        "can_handle": handles,
        "can_record_outcome": handles and decision is not None,
        "mandatory": mandatory,
        "outcome_form": overrides.get("outcome") or OutcomeForm(),
        "action_error": overrides.get("error", ""),
    }
    context["disclosure_panel"] = context
    return context


def _public_url(public) -> str:
    if public is None:
        return ""
    try:
        return reverse("portal:enforcement_decision", args=[public.pk])
    except NoReverseMatch:
        return ""


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/disclosure.html on the case page."""
    return _panel(request, case)


def _case_page_url(case) -> str:
    try:
        return reverse("enforcement:case_detail", args=[case.pk]) + "#panel-disclosure"
    except NoReverseMatch:
        return reverse("enforcement:case_disclosure", args=[case.pk])


def _back(request, case):
    if request.POST.get("back") == "disclosure":
        return redirect("enforcement:case_disclosure", pk=case.pk)
    return redirect(_case_page_url(case))


@login_required
@require_GET
@scoped
def case_disclosure(request, pk: int):
    case = selectors.case_get(request.user, pk)
    return render(
        request,
        "enforcement/disclosure/case.html",
        {**_panel(request, case), "case_url": _case_page_url(case)},
    )


def _refused(request, case, exc, overrides: dict):
    """The case's disclosure page again with the refusal; nothing was saved."""
    overrides["error"] = error_text(exc)
    context = {**_panel(request, case, overrides), "case_url": _case_page_url(case)}
    return render(request, "enforcement/disclosure/case.html", context, status=exc.status)


def _task_action(request, pk, form, key: str, run, done: str):
    task = sel.task_get(request.user, pk)
    case = task.case
    if form is not None and not form.is_valid():
        exc = ValidationFailed(_("请检查填写的内容"))
        return _refused(request, case, exc, {(key, task.pk): form})
    try:
        run(task, form.cleaned_data if form is not None else {})
    except ERRORS as exc:
        overrides = {}
        if form is not None:
            apply_errors(form, exc)
            overrides[(key, task.pk)] = form
        return _refused(request, case, exc, overrides)
    messages.success(request, done)
    return _back(request, case)


@login_required
@require_POST
@scoped
def publication_publish(request, pk: int):
    return _task_action(
        request,
        pk,
        None,
        "publish",
        lambda task, data: services.publication_publish(actor=request.user, task=task),
        _("决定信息已在政务公开网站公开。"),
    )


@login_required
@require_POST
@scoped
def publication_exemption(request, pk: int):
    return _task_action(
        request,
        pk,
        ExemptionForm(request.POST),
        "exemption",
        lambda task, data: services.exemption_request(
            actor=request.user, task=task, ground=data["ground"], reason=data["reason"]
        ),
        _("已申请不予公开，待其他人员审核。"),
    )


@login_required
@require_POST
@scoped
def publication_exemption_review(request, pk: int):
    return _task_action(
        request,
        pk,
        ExemptionReviewForm(request.POST),
        "review",
        lambda task, data: services.exemption_review(
            actor=request.user, task=task, approve=data["approve"], note=data["note"]
        ),
        _("不予公开申请已审核。"),
    )


@login_required
@require_POST
@scoped
def withdrawal_complete(request, pk: int):
    return _task_action(
        request,
        pk,
        WithdrawForm(request.POST),
        "withdraw",
        lambda task, data: services.withdrawal_complete(
            actor=request.user, task=task, reason=data["reason"]
        ),
        _("已撤回公开的决定信息，并公布撤回说明。"),
    )


@login_required
@require_POST
@scoped
def outcome_record(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        exc = ValidationFailed(_("请检查填写的内容"))
        return _refused(request, case, exc, {"outcome": form})
    try:
        outcome = services.outcome_record(actor=request.user, case=case, **form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        return _refused(request, case, exc, {"outcome": form})
    if outcome.tasks.exists():
        messages.success(request, _("结果已登记，已生成撤回公示任务（3个工作日内完成）。"))
    else:
        messages.success(request, _("结果已登记。"))
    return _back(request, case)


# ---- the B3 dashboard ------------------------------------------------------------------------


@login_required
@require_GET
@scoped
def publication_tasks(request):
    actor = request.user
    state = request.GET.get("state", "open")
    if state not in sel.FILTERS:
        state = "open"
    agency_id = query_int(request.GET.get("agency"))
    today = timezone.localdate()
    page = paginate(request, sel.tasks_for_list(actor, state=state, agency_id=agency_id))
    context = {
        "page": page,
        "rows": [
            (row, TASK_STATE_COLORS.get(row.task.state, "secondary"))
            for row in sel.rows(page.object_list, today)
        ],
        "state": state,
        "states": [
            ("open", _("待办")),
            ("overdue", _("已超期")),
            ("done", _("已完成")),
            ("exempt", _("不予公开")),
            ("all", _("全部")),
        ],
        "agency_id": agency_id,
        "agencies": list(sel.task_agencies(actor)),
        "overdue": sel.overdue_count(actor, today),
        "categories": dict(MatterCategory.choices),
    }
    return render(request, "enforcement/disclosure/tasks.html", context)


urlpatterns = [
    path("publication-tasks/", publication_tasks, name="publication_tasks"),
    path("publication-tasks/<int:pk>/publish/", publication_publish, name="publication_publish"),
    path(
        "publication-tasks/<int:pk>/exemption/",
        publication_exemption,
        name="publication_exemption",
    ),
    path(
        "publication-tasks/<int:pk>/exemption-review/",
        publication_exemption_review,
        name="publication_exemption_review",
    ),
    path("publication-tasks/<int:pk>/withdraw/", withdrawal_complete, name="withdrawal_complete"),
    path("cases/<int:pk>/disclosure/", case_disclosure, name="case_disclosure"),
    path("cases/<int:pk>/outcomes/", outcome_record, name="outcome_record"),
]

# URL name → (method, API path, dotted service) for each POST page action.
API_TWINS = {
    "enforcement:publication_publish": (
        "POST",
        "/api/v1/enforcement/publication-tasks/{task_id}/publish",
        f"{API}.publication_publish",
    ),
    "enforcement:publication_exemption": (
        "POST",
        "/api/v1/enforcement/publication-tasks/{task_id}/exemption",
        f"{API}.exemption_request",
    ),
    "enforcement:publication_exemption_review": (
        "POST",
        "/api/v1/enforcement/publication-tasks/{task_id}/exemption-review",
        f"{API}.exemption_review",
    ),
    "enforcement:withdrawal_complete": (
        "POST",
        "/api/v1/enforcement/publication-tasks/{task_id}/withdraw",
        f"{API}.withdrawal_complete",
    ),
    "enforcement:outcome_record": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/outcomes",
        f"{API}.outcome_record",
    ),
}
