"""Pages for the goal sheet and the report-values sheet: upload → preview (nothing written) →
confirm, and the downloads. The goal sheet is the supervision office's; report values may also
be imported by the data-source units of the plan's items (统计局). Everyone else gets 404.

The uploaded file waits under DATA_DIR/imports, named by its SHA-256 (as for the unit sheet),
so that the confirm imports exactly the previewed file.
"""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.common.sheet_import import SheetImportPage
from ganchao.common.uploads import xlsx_response
from ganchao.common.views import require_roles
from ganchao.goals import exports
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Plan
from ganchao.goals.report_imports import may_import_reports, report_sheet_import
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def _plan_or_404(plan_id: int) -> Plan:
    plan = Plan.objects.select_related("owner").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


SHEETS = {
    "goals": {
        "title": gettext_lazy("导入目标任务分解表"),
        "confirm": "goals:goals_sheet_import_confirm",
        "again": "goals:goals_sheet_import",
        "noun": gettext_lazy("目标任务"),
    },
    "reports": {
        "title": gettext_lazy("导入进展数据"),
        "confirm": "goals:goals_report_import_confirm",
        "again": "goals:goals_report_import",
        "noun": gettext_lazy("进展报送"),
    },
}


def _run(kind: str, request, plan: Plan):
    """The page's import as `run(data=…, filename=…, dry_run=…)`; plain arguments, so that a
    background job can carry it."""
    if kind == "goals":
        return partial(
            goal_sheet_import, actor=request.user, year=plan.year, owner_code=plan.owner.code
        )
    return partial(report_sheet_import, actor=request.user, plan=plan)


IMPORT_PAGE = SheetImportPage(
    template="goals/sheet_import.html", done_message=gettext_lazy("已导入（%(summary)s）。")
)


def _upload_page(kind: str, request, plan: Plan):
    page = reverse(SHEETS[kind]["again"], kwargs={"plan_id": plan.pk})
    extra = {"plan": plan, "kind": kind, "sheet": SHEETS[kind]}
    return IMPORT_PAGE.upload(request, _run(kind, request, plan), page, extra)


def _confirm(kind: str, request, plan: Plan):
    page = reverse(SHEETS[kind]["again"], kwargs={"plan_id": plan.pk})
    extra = {"plan": plan, "kind": kind, "sheet": SHEETS[kind]}
    return IMPORT_PAGE.confirm(request, _run(kind, request, plan), page, extra)


@login_required
@require_roles(Role.OFFICE)
@require_GET
def sheet_index(request):
    plans = Plan.objects.select_related("owner").order_by("-year", "owner__path")
    return render(request, "goals/sheet_index.html", {"plans": plans})


@login_required
@require_roles(Role.OFFICE)
@require_http_methods(["GET", "POST"])  # POST: the preview of an upload
def goal_import(request, plan_id: int):
    return _upload_page("goals", request, _plan_or_404(plan_id))


@login_required
@require_roles(Role.OFFICE)
@require_POST
def goal_import_confirm(request, plan_id: int):
    return _confirm("goals", request, _plan_or_404(plan_id))


@login_required
@require_roles(Role.OFFICE)
@require_GET
def goal_export(request, plan_id: int):
    plan = _plan_or_404(plan_id)
    return xlsx_response(exports.goal_sheet_export(plan), exports.export_filename(plan))


@login_required
@require_roles(Role.OFFICE)
@require_GET
def goal_template(request):
    return xlsx_response(exports.goal_sheet_template(), exports.export_filename())


def _report_plan(request, plan_id: int) -> Plan:
    plan = _plan_or_404(plan_id)
    if not scope_of(request.user).is_staff_user or not may_import_reports(request.user, plan):
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])  # POST: the preview of an upload
def report_import(request, plan_id: int):
    return _upload_page("reports", request, _report_plan(request, plan_id))


@login_required
@require_POST
def report_import_confirm(request, plan_id: int):
    return _confirm("reports", request, _report_plan(request, plan_id))


@login_required
@require_GET
def report_template(request, plan_id: int):
    plan = _report_plan(request, plan_id)
    return xlsx_response(
        exports.report_sheet_template(plan), exports.report_template_filename(plan)
    )
