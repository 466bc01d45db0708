"""Pages after the decision (A14, A15): each action a small form page that calls one service
and returns to the decision page; refusals are shown on the form naming the rule; the panel on
the decision page; the exceptions report for the level above (page and .xlsx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ganchao.common.errors import Conflict, GanchaoError, ValidationFailed
from ganchao.common.views import paginate, query_int, scoped
from ganchao.decisions import permissions, selectors_after
from ganchao.decisions.choices import State
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services import after as services
from ganchao.decisions.views import after_forms as forms

API = "/api/v1/decisions/{decision_id}"
SERVICES = "ganchao.decisions.services.after"


def decision_url(decision) -> str:
    return reverse("decisions:detail", args=[decision.pk])


def _apply(form, error: GanchaoError) -> None:
    """A refusal on the form: a rule's refusal reads 【A14】…; a bad field sits by its field."""
    if isinstance(error, ProcedureBlocked):
        for item in error.errors:
            form.add_error(None, f"【{item.field}】{item.message}")
        return
    for item in error.errors or []:
        form.add_error(item.field if item.field in form.fields else None, item.message)
    if not error.errors:
        form.add_error(None, error.message)


def _status(error: GanchaoError) -> int:
    return error.status if isinstance(error, Conflict | ValidationFailed) else 400


def _action(request, pk, form_class, run, *, title: str, done: str, extra=None):
    """GET: the form; POST: the service; success → the decision page."""
    decision = decision_get(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, request.FILES or None, decision=decision)
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                run(request.user, decision, form.cleaned_data)
            except (ValidationFailed, Conflict) as error:
                _apply(form, error)
                status = _status(error)
            else:
                messages.success(request, done)
                return redirect(decision_url(decision))
        else:
            status = 422
    context = {
        "decision": decision,
        "form": form,
        "title": title,
        "back": decision_url(decision),
        **(extra(decision) if extra else {}),
    }
    return render(request, "decisions/after_form.html", context, status=status)


# ---- the services each page calls ------------------------------------------------------------


def _party_report(actor, decision, data):
    services.party_report_add(
        actor=actor,
        decision=decision,
        reported_on=data["reported_on"],
        doc_number=data["doc_number"],
        recipient=data["recipient"],
        reply=data["reply"],
        upload=data.get("file"),
    )


def _publication(actor, decision, data):
    services.publication_add(actor=actor, decision=decision, **data)


def _archive(actor, decision, data):
    services.archive_create(actor=actor, decision=decision, archive_number=data["archive_number"])


def _execution_unit(actor, decision, data):
    services.execution_unit_set(actor=actor, decision=decision, unit=data["unit"])


def _execution_report(actor, decision, data):
    services.execution_report_add(actor=actor, decision=decision, **data)


def _suspend(actor, decision, data):
    services.decision_suspend(
        actor=actor, decision=decision, reason_code=data["reason_code"], reason=data["reason"]
    )


def _resume(actor, decision, data):
    services.decision_resume(actor=actor, decision=decision, reason=data["reason"])


def _adjust(actor, decision, data):
    services.decision_adjust(actor=actor, decision=decision, reason=data["reason"])


def _terminate(actor, decision, data):
    services.decision_terminate(actor=actor, decision=decision, reason=data["reason"])


def _evaluation(actor, decision, data):
    services.evaluation_add(
        actor=actor,
        decision=decision,
        trigger=data["trigger"],
        evaluator=data["evaluator"],
        evaluator_unit=data["evaluator_unit"],
        public_input=data["public_input"],
        result=data["result"],
        upload=data.get("report"),
    )


def _checklist(decision) -> dict:
    items = services.archive_checklist(selectors_after.checklist_inputs(decision))
    return {"checklist": items}


# ---- pages -----------------------------------------------------------------------------------

METHODS = ["GET", "POST"]


@login_required
@scoped
@require_http_methods(METHODS)
def party_report(request, pk):
    return _action(
        request,
        pk,
        forms.PartyReportForm,
        _party_report,
        title=_("向同级党委请示报告"),
        done=_("已登记请示报告。"),
    )


@login_required
@scoped
@require_http_methods(METHODS)
def publication(request, pk):
    return _action(
        request,
        pk,
        forms.PublicationForm,
        _publication,
        title=_("公布决策"),
        done=_("已登记决策公布情况。"),
    )


@login_required
@scoped
@require_http_methods(METHODS)
def archive(request, pk):
    return _action(
        request,
        pk,
        forms.ArchiveForm,
        _archive,
        title=_("归档"),
        done=_("决策已归档。"),
        extra=_checklist,
    )


@login_required
@scoped
@require_http_methods(METHODS)
def execution_unit(request, pk):
    return _action(
        request,
        pk,
        forms.ExecutionUnitForm,
        _execution_unit,
        title=_("明确决策执行单位"),
        done=_("已明确决策执行单位。"),
    )


@login_required
@scoped
@require_POST
def execute(request, pk):
    decision = decision_get(request.user, pk)
    try:
        services.execution_start(actor=request.user, decision=decision)
    except (ValidationFailed, Conflict) as error:
        return _refusal(request, decision, _("转入执行"), error)
    messages.success(request, _("决策已转入执行。"))
    return redirect(decision_url(decision))


@login_required
@scoped
@require_http_methods(METHODS)
def execution_report(request, pk):
    return _action(
        request,
        pk,
        forms.ExecutionReportForm,
        _execution_report,
        title=_("报告执行情况"),
        done=_("已报告执行情况。"),
    )


@login_required
@scoped
@require_http_methods(METHODS)
def suspend(request, pk):
    return _action(
        request, pk, forms.SuspendForm, _suspend, title=_("暂停执行"), done=_("决策已暂停执行。")
    )


@login_required
@scoped
@require_http_methods(METHODS)
def resume(request, pk):
    return _action(
        request, pk, forms.ReasonForm, _resume, title=_("恢复执行"), done=_("决策已恢复执行。")
    )


@login_required
@scoped
@require_http_methods(METHODS)
def adjust(request, pk):
    return _action(
        request,
        pk,
        forms.ReasonForm,
        _adjust,
        title=_("启动重大调整程序"),
        done=_("已启动重大调整程序，须重新履行法定程序。"),
    )


@login_required
@scoped
@require_http_methods(METHODS)
def terminate(request, pk):
    return _action(
        request, pk, forms.ReasonForm, _terminate, title=_("终止决策"), done=_("决策已终止。")
    )


@login_required
@scoped
@require_http_methods(METHODS)
def evaluation(request, pk):
    return _action(
        request,
        pk,
        forms.EvaluationForm,
        _evaluation,
        title=_("决策后评估"),
        done=_("已登记决策后评估。"),
    )


@login_required
@scoped
@require_POST
def delete(request, pk):
    """No button leads here: deletion is refused and the attempt recorded (A15)."""
    decision = decision_get(request.user, pk)
    try:
        services.decision_delete(actor=request.user, decision=decision)
    except ProcedureBlocked as error:
        return _refusal(request, decision, _("删除"), error)
    raise Http404  # not reached: the service always refuses


def _refusal(request, decision, what: str, error: GanchaoError):
    context = {
        "decision": decision,
        "title": what,
        "error": error,
        "rules": [f"【{e.field}】{e.message}" for e in error.errors]
        if isinstance(error, ProcedureBlocked)
        else [],
        "back": decision_url(decision),
    }
    return render(request, "decisions/after_refused.html", context, status=error.status)


@login_required
@scoped
def exceptions(request):
    selectors_after.require_exceptions_reader(request.user)
    year = query_int(request.GET.get("year"), digits=4)
    year = year if year and 2000 <= year <= 2100 else None
    rows = selectors_after.exceptions_report(request.user, year=year)
    if request.GET.get("format") == "xlsx":
        return _exceptions_xlsx(rows, year)
    years = range(timezone.localdate().year, 2018, -1)
    context = {"page": paginate(request, rows, per_page=100), "year": year, "years": years}
    return render(request, "decisions/after_exceptions.html", context)


def _exceptions_xlsx(rows, year) -> HttpResponse:
    from ganchao.common.exports import new_workbook, workbook_bytes, write_table

    book = new_workbook()
    sheet = book.create_sheet(_("例外情况"))
    headers = [
        _("规则"),
        _("类别"),
        _("决策编号"),
        _("决策事项"),
        _("日期"),
        _("经办人"),
        _("理由"),
    ]
    write_table(
        sheet,
        headers,
        [[r.rule, r.kind, r.decision_code, r.decision_title, r.at, r.who, r.reason] for r in rows],
        text_columns=[_("决策编号")],
        wrap_columns=[_("理由")],
    )
    name = f"decision-exceptions-{year or 'all'}.xlsx"
    response = HttpResponse(
        workbook_bytes(book),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("<int:pk>/party-report/", party_report, name="party_report"),
    path("<int:pk>/publication/", publication, name="publication"),
    path("<int:pk>/archive/", archive, name="archive"),
    path("<int:pk>/execution-unit/", execution_unit, name="execution_unit"),
    path("<int:pk>/execute/", execute, name="execute"),
    path("<int:pk>/execution-reports/new/", execution_report, name="execution_report"),
    path("<int:pk>/suspend/", suspend, name="suspend"),
    path("<int:pk>/resume/", resume, name="resume"),
    path("<int:pk>/adjust/", adjust, name="adjust"),
    path("<int:pk>/terminate/", terminate, name="terminate"),
    path("<int:pk>/evaluations/new/", evaluation, name="evaluation"),
    path("<int:pk>/delete/", delete, name="delete"),
    path("exceptions/", exceptions, name="exceptions"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:party_report": ("POST", f"{API}/party-report", f"{SERVICES}.party_report_add"),
    "decisions:publication": ("POST", f"{API}/publication", f"{SERVICES}.publication_add"),
    "decisions:archive": ("POST", f"{API}/archive", f"{SERVICES}.archive_create"),
    "decisions:execution_unit": (
        "PUT",
        f"{API}/execution-unit",
        f"{SERVICES}.execution_unit_set",
    ),
    "decisions:execute": ("POST", f"{API}/execute", f"{SERVICES}.execution_start"),
    "decisions:execution_report": (
        "POST",
        f"{API}/execution-reports",
        f"{SERVICES}.execution_report_add",
    ),
    "decisions:suspend": ("POST", f"{API}/suspend", f"{SERVICES}.decision_suspend"),
    "decisions:resume": ("POST", f"{API}/resume", f"{SERVICES}.decision_resume"),
    "decisions:adjust": ("POST", f"{API}/adjust", f"{SERVICES}.decision_adjust"),
    "decisions:terminate": ("POST", f"{API}/terminate", f"{SERVICES}.decision_terminate"),
    "decisions:evaluation": ("POST", f"{API}/evaluations", f"{SERVICES}.evaluation_add"),
    "decisions:delete": ("DELETE", API, f"{SERVICES}.decision_delete"),
}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/after.html on the decision page."""
    user = request.user
    office = permissions.is_office(user)
    head = permissions.is_head(user, decision)
    state = decision.state
    actions = _panel_actions(
        decision, state, office, head, services.may_report_execution(user, decision)
    )
    return {
        "office": office,
        "head": head,
        "actions": actions,
        "can_execute": office and state == State.ARCHIVED and bool(decision.execution_unit_id),
        "frozen_notice": state in (State.EXECUTING, State.SUSPENDED),
        "party_reports": list(selectors_after.party_reports(decision)),
        "publications": list(selectors_after.publications(decision)),
        "archives": list(selectors_after.archives(decision)),
        "execution_reports": list(selectors_after.execution_reports(decision)[:20]),
        "suspensions": list(selectors_after.suspensions(decision)),
        "evaluations": list(selectors_after.evaluations(decision)),
        "checklist": _checklist(decision)["checklist"] if state == State.PUBLISHED else [],
    }


def _panel_actions(decision, state, office, head, reporter) -> list[tuple[str, str, str]]:
    """(url, label, style) of what this user may do now. In execution only suspension (the
    head) and the major-adjustment procedure change the decision (A14e)."""
    pk = decision.pk
    rows = []

    def add(allowed, name, label, style="btn-outline-primary"):
        if allowed:
            rows.append((reverse(f"decisions:{name}", args=[pk]), label, style))

    add(office and state == State.DECIDED, "party_report", _("向同级党委请示报告"), "btn-primary")
    add(office and state == State.PARTY_REPORTED, "publication", _("登记公布情况"), "btn-primary")
    add(office and state == State.PUBLISHED, "archive", _("归档"), "btn-primary")
    add(
        office and state in (State.DECIDED, State.PARTY_REPORTED, State.PUBLISHED, State.ARCHIVED),
        "execution_unit",
        _("明确决策执行单位"),
    )
    add(
        reporter and state in (State.EXECUTING, State.SUSPENDED),
        "execution_report",
        _("报告执行情况"),
        "btn-primary",
    )
    add(head and state == State.EXECUTING, "suspend", _("暂停执行（行政首长）"), "btn-warning")
    add(head and state == State.SUSPENDED, "resume", _("恢复执行（行政首长）"))
    add(
        (head or office) and state in (State.EXECUTING, State.SUSPENDED),
        "adjust",
        _("启动重大调整程序"),
        "btn-outline-warning",
    )
    add(
        head and state in (State.SUSPENDED, State.ADJUSTING),
        "terminate",
        _("终止决策（行政首长）"),
        "btn-outline-danger",
    )
    add((head or office) and state in services.EVALUATION_STATES, "evaluation", _("登记决策后评估"))
    return rows
