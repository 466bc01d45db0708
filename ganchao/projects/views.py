"""Pages of 重点项目: the board (per leader, with health and why), the project page with its
steps, investment and milestones, the forms that write through the services, and 挂图作战."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.fiscal import permissions as fiscal_permissions
from ganchao.fiscal.choices import CommitmentState
from ganchao.projects import selectors, services
from ganchao.projects.choices import Health, StepKind
from ganchao.projects.forms import (
    CommitForm,
    InvestmentForm,
    MilestoneForm,
    ProjectCreateForm,
    ProjectFactsForm,
    StepForm,
)
from ganchao.projects.permissions import is_office, may_record

ERRORS = (ValidationFailed, Conflict)
API = "ganchao.projects.services"
API_TWINS = {
    "projects:new": ("POST", "/api/v1/projects", f"{API}.project_create"),
    "projects:edit": ("PATCH", "/api/v1/projects/{project_id}", f"{API}.project_update"),
    "projects:step": ("POST", "/api/v1/projects/{project_id}/steps/{kind}", f"{API}.step_record"),
    "projects:investment": (
        "POST",
        "/api/v1/projects/{project_id}/investment",
        f"{API}.investment_record",
    ),
    "projects:commit": (
        "POST",
        "/api/v1/projects/{project_id}/commitments",
        f"{API}.project_commit",
    ),
    "projects:milestone": (
        "POST",
        "/api/v1/projects/{project_id}/milestones/{kind}/complete",
        f"{API}.milestone_complete",
    ),
}


def _detail_url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


BOARD_PAGE = 50


@login_required
@require_staff
def board(request):
    """The board pages the filtered projects in SQL and builds only the page's rows."""
    leader_id = query_int(request.GET.get("leader"))
    unit_id = query_int(request.GET.get("unit"))
    health = request.GET.get("health", "")
    health = health if health in Health.values else ""
    counts = selectors.health_counts_of(selectors.board_projects(request.user))
    leaders, units = selectors.board_choices(request.user)
    projects = selectors.board_projects(
        request.user, leader_id=leader_id, unit_id=unit_id, health=health
    )
    filtered = leader_id or unit_id or health
    page = paginate(
        request,
        selectors.joined(projects),
        BOARD_PAGE,
        count=None if filtered else sum(counts.values()),
    )
    rows = selectors.build_rows(page.object_list)
    return render(
        request,
        "projects/board.html",
        {
            "groups": selectors.group_by_leader(rows),
            "counts": counts,
            "total": sum(counts.values()),
            "leaders": leaders,
            "units": units,
            "picked_leader": leader_id,
            "picked_unit": unit_id,
            "picked_health": health,
            "healths": Health.choices,
            "may_create": is_office(request.user),
            "page": page,
        },
    )


@login_required
@require_staff
@scoped
def detail(request, pk: int):
    row = selectors.project_row(request.user, pk)
    return render(request, "projects/detail.html", _detail_context(request, row))


def _detail_context(request, row, **forms) -> dict:
    project = row.project
    recorder = may_record(request.user, project)
    return {
        "row": row,
        "project": project,
        "may_edit": is_office(request.user),
        "may_record": recorder,
        "may_plan": is_office(request.user),
        "step_form": forms.get("step_form") or StepForm(steps=row.steps),
        "investment_form": forms.get("investment_form")
        or InvestmentForm(initial={"month": f"{timezone.localdate():%Y-%m}"}),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "may_report": recorder and not is_office(request.user),
        "chart": selectors.investment_by_month([row], project.item.plan.year),
        "commitments": selectors.project_commitments(project),
        "may_commit": fiscal_permissions.may_manage(request.user, project.lead_unit),
        "commit_form": forms.get("commit_form")
        or CommitForm(
            initial={
                "amount": row.year_plan or project.annual_plan,
                "budget_year": project.item.plan.year,
            }
        ),
    }


@login_required
@require_staff
@scoped
def new(request):
    if not is_office(request.user):
        raise Forbidden(_("只有督查室可以新增重点项目"))
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_values())
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已新增重点项目，并纳入目标体系"))
            return redirect(_detail_url(project))
    return render(request, "projects/form.html", {"form": form, "title": _("新增重点项目")})


@login_required
@require_staff
@scoped
def edit(request, pk: int):
    row = selectors.project_row(request.user, pk)
    project = row.project
    if not is_office(request.user):
        raise Forbidden(_("只有督查室可以修改重点项目"))
    initial = {
        "name": project.item.name,
        "leader": project.leader,
        "town": project.town,
        "location": project.location,
        "category": project.category,
        "funding_source": project.funding_source,
        "total_investment": project.total_investment,
        "annual_plan": project.annual_plan,
        "content": project.content,
    }
    form = ProjectFactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=project,
                expected_version=query_int(request.POST.get("expected_version")),
                **form.cleaned_data,
            )
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(_detail_url(project))
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": _("修改重点项目"), "project": project},
    )


def _post_back(request, row, name, form, write) -> object:
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect(_detail_url(row.project))
    context = _detail_context(request, row, **{name: form})
    return render(request, "projects/detail.html", context, status=422)


@login_required
@require_staff
@scoped
@require_POST
def step(request, pk: int):
    row = selectors.project_row(request.user, pk)

    form = StepForm(request.POST, steps=row.steps)

    def write(data):
        version = form.version_of(data["kind"])
        if version is None:  # a page from before the versions were sent
            raise ValidationFailed.on("kind", _("页面已过期，请刷新后重新登记"))
        services.step_record(
            actor=request.user,
            project=row.project,
            kind=data["kind"],
            expected_version=version,
            state=data["state"],
            planned_on=data["planned_on"],
            done_on=data["done_on"],
            document_number=data["document_number"],
            reopen=data["reopen"],
        )

    return _post_back(request, row, "step_form", form, write)


@login_required
@require_staff
@scoped
@require_POST
def investment(request, pk: int):
    row = selectors.project_row(request.user, pk)

    def write(data):
        services.investment_record(
            actor=request.user,
            project=row.project,
            month=data["month"],
            planned=data["planned"],
            actual=data["actual"],
        )

    return _post_back(request, row, "investment_form", InvestmentForm(request.POST), write)


@login_required
@require_staff
@scoped
@require_POST
def milestone(request, pk: int):
    row = selectors.project_row(request.user, pk)

    def write(data):
        services.milestone_complete(
            actor=request.user,
            project=row.project,
            kind=data["kind"],
            completed_on=data["completed_on"],
        )

    return _post_back(request, row, "milestone_form", MilestoneForm(request.POST), write)


@login_required
@require_staff
@scoped
@require_POST
def commit(request, pk: int):
    """计入财力承诺 through the fiscal rule (a reason when it needs an approval)."""
    row = selectors.project_row(request.user, pk)
    form = CommitForm(request.POST)
    if form.is_valid():
        try:
            commitment = services.project_commit(
                actor=request.user, project=row.project, **form.cleaned_data
            )
        except ERRORS as exc:
            apply_error(form, exc)
        else:
            if commitment.state == CommitmentState.PENDING:
                messages.success(request, _("已计入财力承诺，超出部分待督查室或市级领导审批"))
            else:
                messages.success(request, _("已计入财力承诺"))
            return redirect(_detail_url(row.project))
    context = _detail_context(request, row, commit_form=form)
    return render(request, "projects/detail.html", context, status=422)


@login_required
@require_staff
def gantt(request):
    leader_id = query_int(request.GET.get("leader"))
    year = query_int(request.GET.get("year"), digits=4)
    rows, year, leaders = selectors.gantt_rows(request.user, leader_id=leader_id, year=year)
    data = selectors.gantt_data(rows, year=year, project_url=_detail_url)
    return render(
        request,
        "projects/gantt.html",
        {
            "chart": data,
            "chart_height": 90 + 34 * len(rows),
            "rows": rows,
            "groups": selectors.group_by_leader(rows),
            "leaders": leaders,
            "picked_leader": leader_id,
            "year": year,
            "step_kinds": StepKind.choices,
        },
    )
