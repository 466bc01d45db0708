"""Pages of the write side of 盯着干: the unit's workbench and report form, the office's review
queue and adjustment approvals, the item page, and plans. Views parse, call a selector or a
service, and render; objects out of scope are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.common import numbers, workdays
from ganchao.common.errors import Conflict, GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, query_int, require_roles, require_staff, scoped
from ganchao.goals import periods, selectors
from ganchao.goals import services as plan_services
from ganchao.goals import services_adjustments as adjustment_services
from ganchao.goals import services_reports as report_services
from ganchao.goals.choices import AdjustmentField, ItemType, ReportState, Role
from ganchao.goals.forms import AdjustmentRequestForm, PlanForm, ReasonForm, ReportForm
from ganchao.goals.permissions import is_office, may_report, may_request_adjustment, value_required
from ganchao.goals.tree_selectors import scoped_item_rows, status_badge
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Unit

# ---- workbench -------------------------------------------------------------------------------


@login_required
@require_staff
def workbench(request):
    today = timezone.localdate()
    late_only = request.GET.get("show") == "late"
    plans = selectors.workbench_plans(request.user, today)
    counts = selectors.workbench_counts(request.user, today=today, plans=plans)
    rows = selectors.assignments_for_workbench(
        request.user, today=today, late_only=late_only, plans=plans
    )
    page = paginate(
        request, rows, per_page=50, count=counts["late"] if late_only else counts["total"]
    )
    selectors.attach_current_reports(page.object_list)
    for assignment in page:
        assignment.badge = status_badge(assignment.status)
        assignment.period_label = periods.parse_period(assignment.due_period).label
        assignment.is_late = assignment.due_on < today and assignment.report_state not in (
            ReportState.SUBMITTED,
            ReportState.ACCEPTED,
        )
        assignment.state_label = (
            ReportState(assignment.report_state).label if assignment.report_state else _("未填报")
        )
    context = {
        "page": page,
        "late_only": late_only,
        "late_count": counts["late"],
        "returned": selectors.workbench_reports(request.user, ReportState.RETURNED),
        "drafts": selectors.workbench_reports(request.user, ReportState.DRAFT),
        "alerts": selectors.recent_alerts(request.user),
        "today": today,
    }
    return render(request, "goals/workbench.html", context)


# ---- the report form ---------------------------------------------------------------------------


def _form_for(request, assignment, report, *, correcting=False, data=None):
    milestones = (
        list(assignment.item.milestones.order_by("position"))
        if assignment.item.type == ItemType.TASK
        else []
    )
    initial = {"version": report.version if report else 0}
    if report is not None:
        initial.update(value=_plain(report.value), narrative=report.narrative)
        done = {c.milestone_id: c.completed_on for c in report.completions.all()}
    else:
        done = selectors.completed_milestones(assignment)
    for milestone_id, day in done.items():
        initial.update({f"done_{milestone_id}": True, f"date_{milestone_id}": day})
    return ReportForm(
        data,
        request.FILES if data is not None else None,
        initial=initial,
        milestones=milestones,
        show_value=value_required(assignment),
        correcting=correcting,
    )


def _plain(value):
    return numbers.plain(value)


def _period_or_404(assignment, text):
    period = periods.parse_period(text)
    if (
        period is None
        or period.frequency != assignment.item.frequency
        or period.year != assignment.item.plan.year
    ):
        raise Http404(_("数据期间不存在"))
    return period


def _report_context(request, assignment, period, report, form):
    item = assignment.item
    expected = (
        selectors.expected_series(item, assignment, item.plan.year)[period.end.month - 1]
        if item.type == ItemType.INDICATOR
        else None
    )
    due = periods.due_date(period, workdays.current_calendar(), item.plan.report_due_working_days)
    return {
        "assignment": assignment,
        "item": item,
        "period": period,
        "due": due,
        "report": report,
        "form": form,
        "expected": expected,
        "badge": status_badge(assignment.status),
        "history": selectors.report_versions(report) if report else [],
        "recent": selectors.reports_for_assignment(request.user, assignment, limit=6),
        "can_edit": may_report(request.user, assignment)
        and (report is None or report.state in (ReportState.DRAFT, ReportState.RETURNED)),
        "can_correct": may_report(request.user, assignment)
        and report is not None
        and report.state == ReportState.ACCEPTED,
        "staged": [assignment.q1, assignment.q2, assignment.q3, assignment.q4],
    }


@login_required
@require_GET
@scoped
def report_form(request, pk: int, period: str):
    assignment = selectors.assignment_get(request.user, pk)
    parsed = _period_or_404(assignment, period)
    report = selectors.current_report(assignment, parsed.code)
    correcting = report is not None and report.state == ReportState.ACCEPTED
    form = _form_for(request, assignment, report, correcting=correcting)
    return render(
        request,
        "goals/report_form.html",
        _report_context(request, assignment, parsed, report, form),
    )


def _handle_report_post(request, pk: int, period: str, *, submit: bool):
    assignment = selectors.assignment_get(request.user, pk)
    parsed = _period_or_404(assignment, period)
    report = selectors.current_report(assignment, parsed.code)
    form = _form_for(request, assignment, report, data=request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = _save_report(request, assignment, parsed, form, submit)
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已报送，等待督查室审核") if submit else _("草稿已保存"))
            if saved.state == ReportState.SUBMITTED:
                return redirect("goals:workbench")
            return redirect("goals:report_form", pk=assignment.pk, period=parsed.code)
    context = _report_context(request, assignment, parsed, report, form)
    return render(request, "goals/report_form.html", context, status=422)


def _save_report(request, assignment, period, form, submit):
    data = form.cleaned_data
    report = report_services.report_save_draft(
        actor=request.user,
        assignment=assignment,
        period=period.code,
        value=data.get("value"),
        narrative=data["narrative"],
        completions=form.completions(),
        expected_version=data.get("version"),
    )
    for upload in data["files"]:
        report_services.evidence_add(actor=request.user, report=report, upload=upload)
    if submit:
        report.refresh_from_db()
        report = report_services.report_submit(
            actor=request.user, report=report, expected_version=report.version
        )
    return report


@login_required
@require_POST
@scoped
def report_save(request, pk: int, period: str):
    return _handle_report_post(request, pk, period, submit=False)


@login_required
@require_POST
@scoped
def report_submit(request, pk: int, period: str):
    return _handle_report_post(request, pk, period, submit=True)


@login_required
@require_POST
@scoped
def report_correct(request, pk: int):
    report = selectors.report_get(request.user, pk)
    assignment = report.assignment
    period = periods.parse_period(report.period)
    form = _form_for(request, assignment, report, correcting=True, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report_services.report_correct(
                actor=request.user,
                report=report,
                value=data.get("value"),
                narrative=data["narrative"],
                completions=form.completions(),
                reason=data.get("reason", ""),
                submit=True,
                expected_version=data.get("version"),
            )
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("更正已报送，原审核通过的版本已保留"))
            return redirect("goals:report_form", pk=assignment.pk, period=report.period)
    context = _report_context(request, assignment, period, report, form)
    return render(request, "goals/report_form.html", context, status=422)


# The review queue and its verbs: review_views.py


# ---- evidence ----------------------------------------------------------------------------------


@login_required
@scoped
def evidence_download(request, pk: int):
    evidence = selectors.evidence_get(request.user, pk)
    try:
        handle = report_services.evidence_open(actor=request.user, evidence=evidence)
    except Conflict as error:
        return render(
            request,
            "goals/evidence_refused.html",
            {"message": error.message, "evidence": evidence},
            status=409,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- the item page -------------------------------------------------------------------------------


@login_required
@require_staff
@scoped
def item_detail(request, pk: int):
    item = selectors.item_get(request.user, pk)
    data = selectors.item_page(request.user, item)
    for assignment in data["assignments"]:
        assignment.badge = (
            status_badge(assignment.status) if assignment.role != Role.COOPERATING else None
        )
        assignment.can_adjust = item.type != ItemType.GOAL and may_request_adjustment(
            request.user, assignment
        )
    context = {
        "item": item,
        "plan": item.plan,
        "badge": status_badge(item.status),
        "alerts": selectors.alerts_for_assignments(request.user, data["assignments"]),
        "is_office": is_office(request.user),
        "history_url": f"/audit/history/item/{item.pk}/",
        **data,
    }
    return render(request, "goals/item_detail.html", context)


# ---- adjustments -------------------------------------------------------------------------------


def _adjustable_fields(item, assignment) -> list[str]:
    fields = []
    if item.type == ItemType.INDICATOR and (
        assignment is None or assignment.role != Role.COOPERATING
    ):
        fields += ["target", "q1", "q2", "q3", "q4"]
    if item.milestones.exists():
        fields.append(AdjustmentField.MILESTONE_DATE)
    return fields


@login_required
@require_staff
@scoped
def adjustment_request(request, pk: int):
    item = selectors.item_get(request.user, pk)
    assignment_id = request.GET.get("assignment") or request.POST.get("assignment")
    assignment = (
        selectors.assignment_get(request.user, assignment_id)
        if str(assignment_id or "").isdigit()
        else None
    )
    if assignment is not None and assignment.item_id != item.pk:
        raise Http404
    if not (
        is_office(request.user)
        if assignment is None
        else may_request_adjustment(request.user, assignment)
    ):
        raise Http404
    milestones = list(item.milestones.order_by("position"))
    form = AdjustmentRequestForm(
        request.POST or None, milestones=milestones, fields=_adjustable_fields(item, assignment)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_date = data["field"] == AdjustmentField.MILESTONE_DATE
        milestone = (
            next((m for m in milestones if m.pk == data.get("milestone")), None)
            if is_date
            else None
        )
        try:
            adjustment_services.adjustment_request(
                actor=request.user,
                item=item,
                assignment=assignment,
                milestone=milestone,
                field=data["field"],
                new_value=data.get("new_date") if is_date else data.get("new_value"),
                reason=data["reason"],
            )
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("调整申请已提交，等待督查室审批"))
            return redirect("goals:item_detail", pk=item.pk)
    context = {"item": item, "assignment": assignment, "form": form}
    return render(
        request, "goals/adjustment_request.html", context, status=422 if form.errors else 200
    )


@login_required
@require_roles(OrgRole.OFFICE)
def adjustment_list(request):
    page = paginate(request, selectors.adjustments_pending(request.user), per_page=30)
    return render(request, "goals/adjustment_list.html", {"page": page})


def _decide(request, pk, approve: bool):
    adjustment = selectors.adjustment_get(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if approve:
            adjustment_services.adjustment_approve(
                actor=request.user,
                adjustment=adjustment,
                reason=data.get("reason", ""),
                expected_version=data.get("version"),
            )
            messages.success(request, _("已批准调整：%(name)s") % {"name": adjustment})
        else:
            adjustment_services.adjustment_reject(
                actor=request.user,
                adjustment=adjustment,
                reason=data.get("reason", ""),
                expected_version=data.get("version"),
            )
            messages.success(request, _("已不予批准：%(name)s") % {"name": adjustment})
    except GanchaoError as error:
        messages.error(request, error.message)
    return redirect("goals:adjustment_list")


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
@scoped
def adjustment_approve(request, pk: int):
    return _decide(request, pk, True)


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
@scoped
def adjustment_reject(request, pk: int):
    return _decide(request, pk, False)


# ---- plans ---------------------------------------------------------------------------------------


@login_required
@require_staff
def plan_list(request):
    plans = selectors.plans_visible(request.user)
    form = PlanForm(initial={"year": timezone.localdate().year + 1, "report_due_working_days": 5})
    return render(
        request,
        "goals/plan_list.html",
        {"plans": plans, "form": form, "is_office": is_office(request.user)},
    )


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
def plan_create(request):
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        owner = Unit.objects.filter(parent__isnull=True).first()
        try:
            plan = plan_services.plan_create(actor=request.user, owner=owner, **data)
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已新建%(plan)s（草稿）") % {"plan": plan})
            return redirect("goals:plan_detail", pk=plan.pk)
    plans = selectors.plans_visible(request.user)
    return render(
        request,
        "goals/plan_list.html",
        {"plans": plans, "form": form, "is_office": True},
        status=422,
    )


@login_required
@require_staff
@scoped
def plan_detail(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    page = paginate(request, scoped_item_rows(actor=request.user, plan=plan), per_page=100)
    for row in page:
        row["badge"] = status_badge(row["status"]) if row["type"] != ItemType.GOAL else None
        row["depth"] = row["code"].count(".")
        row["type_label"] = ItemType(row["type"]).label
    context = {"plan": plan, "page": page, "is_office": is_office(request.user)}
    return render(request, "goals/plan_detail.html", context)


@login_required
@require_POST
@require_roles(OrgRole.OFFICE)
@scoped
def plan_issue(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    version = request.POST.get("version", "")
    try:
        plan_services.plan_issue(
            actor=request.user,
            plan=plan,
            expected_version=query_int(version),
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("计划已下达；此后目标值、分季度目标和节点时间的变化须通过目标调整办理")
        )
    return redirect("goals:plan_detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
@require_roles(OrgRole.OFFICE)
@scoped
def plan_close(request, pk: int):
    """A page that says what closing means, and its confirmation (结束计划)."""
    plan = selectors.plan_get(request.user, pk)
    if request.method == "GET":
        return render(request, "goals/plan_close.html", {"plan": plan})
    version = request.POST.get("version", "")
    try:
        plan_services.plan_close(
            actor=request.user,
            plan=plan,
            expected_version=query_int(version),
            reason=request.POST.get("reason", "")[:500],
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("计划已结束，此后不能再修改、报送或调整"))
    return redirect("goals:plan_detail", pk=plan.pk)
