"""Pages of enforcement: oversight slice. The agency dashboard (KPIs, ECharts charts, overdue
clocks with their 催办 / 督办, the warnings 以罚代管 / 屡禁不止 / 监管缺位, the B13 reminder),
complaints and inspections with their forms, the annual statistics (B13), and the oversight
panel of the case page. Views parse input and call services.oversight / selectors_oversight."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, scoped
from ganchao.enforcement import permissions
from ganchao.enforcement import selectors_oversight as sel
from ganchao.enforcement.choices import ComplaintState
from ganchao.enforcement.models import Case, EnforcementMatter
from ganchao.enforcement.services import oversight as services

ERRORS = (ValidationFailed, Conflict, Forbidden)
API = "ganchao.enforcement.services.oversight"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMPLAINT_COLORS = {
    ComplaintState.OPEN: "orange",
    ComplaintState.INSPECTED: "azure",
    ComplaintState.CASE_OPENED: "purple",
    ComplaintState.CLOSED: "green",
}


def apply_errors(form, exc) -> None:
    for error in exc.errors or []:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def registering_agencies(actor):
    """The agencies the actor may register complaints and inspections for."""
    agencies = sel.agencies_visible(actor).filter(active=True).order_by("name")
    if permissions.is_office(actor):
        return agencies
    return agencies.filter(pk__in=[a.pk for a in agencies if permissions.opens_cases(actor, a)])


def _picked_agency(request):
    """The agency of ?agency= within the actor's scope, or None for all of them."""
    raw = request.GET.get("agency", "")
    if not raw:
        return None
    agency = sel.agency_get(request.user, query_int(raw))
    if agency is None:
        raise Http404(_("执法主体不存在或无权查看"))
    return agency


def _scope_agencies(request):
    """(agencies the page covers, picked agency or None, the agencies of the picker)."""
    visible = sel.agencies_visible(request.user).order_by("name")
    picked = _picked_agency(request)
    if picked is None and len(visible) == 1:
        picked = visible[0]
    agencies = visible.filter(pk=picked.pk) if picked else visible
    return agencies, picked, visible


# ---- forms -----------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=None, empty_label=None)
    place = forms.CharField(
        label=gettext_lazy("地点"),
        max_length=200,
        help_text=gettext_lazy("写到门牌号或具体位置，同一地点的投诉和检查按地点归并"),
    )
    received_on = forms.DateField(label=gettext_lazy("收到日期"), widget=DATE)
    channel = forms.CharField(
        label=gettext_lazy("渠道"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("例如 12345热线、来信来访、网络平台"),
    )
    summary = forms.CharField(
        label=gettext_lazy("反映问题"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = registering_agencies(actor)


class InspectionForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=None, empty_label=None)
    matter = forms.ModelChoiceField(label=gettext_lazy("执法事项"), queryset=None, required=False)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200)
    inspected_on = forms.DateField(label=gettext_lazy("检查日期"), widget=DATE)
    random = forms.BooleanField(label=gettext_lazy("双随机抽查"), required=False)
    result = forms.CharField(
        label=gettext_lazy("检查结果"), widget=forms.Textarea(attrs={"rows": 3})
    )
    case = forms.CharField(
        label=gettext_lazy("关联案件编号"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("检查后立案的，填写案件编号，例如 ZF-2026-001"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = registering_agencies(actor)
        self.fields["agency"].queryset = agencies
        self.fields["matter"].queryset = EnforcementMatter.objects.filter(
            agency__in=agencies, state="published"
        ).order_by("agency__name", "code")

    def clean(self):
        data = super().clean()
        code = (data.get("case") or "").strip()
        data["case"] = None
        if code and data.get("agency"):
            data["case"] = Case.objects.filter(code=code, agency=data["agency"]).first()
            if data["case"] is None:
                self.add_error("case", _("本执法主体没有编号为“%(code)s”的案件") % {"code": code})
        return data


class AnnualReportForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=gettext_lazy("统计年度"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("对统计口径或数据变化的说明，随统计数据一并公开"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = sel.agencies_visible(actor).filter(active=True).order_by("name")
        self.fields["agency"].queryset = agencies.filter(
            pk__in=[a.pk for a in agencies if permissions.manages_agency(actor, a)]
        )


# ---- the dashboard ---------------------------------------------------------------------------


@login_required
@scoped
def dashboard(request):
    agencies, picked, visible = _scope_agencies(request)
    today = timezone.localdate()
    data = sel.dashboard(agencies, today)
    charts = data["charts"]
    titles = (
        ("stages", _("案件所处环节")),
        ("violations", _("本年立案按违法类型")),
        ("decisions", _("本年作出决定按类型")),
    )
    context = {
        **data,
        "month_rows": list(zip(charts["months"], charts["filed"], charts["fines"], strict=True)),
        "breakdowns": [
            (key, title, {**charts[key], "rows": list(zip(*charts[key].values(), strict=True))})
            for key, title in titles
        ],
        "today": today,
        "picked": picked,
        "agencies": visible,
        "may_publish": any(permissions.manages_agency(request.user, a) for a in visible)
        if data["annual_due"]
        else False,
    }
    return render(request, "enforcement/oversight/dashboard.html", context)


# ---- complaints ------------------------------------------------------------------------------


@login_required
@scoped
def complaint_list(request):
    actor = request.user
    agencies, picked, visible = _scope_agencies(request)
    posted = request.method == "POST"
    form = ComplaintForm(request.POST if posted else None, actor=actor)
    status = 200
    if posted:
        if not form.fields["agency"].queryset.exists():
            raise Forbidden(_("只有本执法主体的执法人员或督查室可以登记"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.complaint_create(
                    actor=actor,
                    agency=data["agency"],
                    place=data["place"],
                    received_on=data["received_on"],
                    channel=data["channel"],
                    summary=data["summary"],
                )
            except ERRORS as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("投诉举报已登记。"))
                return redirect("enforcement:complaint_list")
        else:
            status = 422
    state = request.GET.get("state", "")
    rows = sel.complaints_visible(actor).filter(agency__in=agencies)
    if state in ComplaintState.values:
        rows = rows.filter(state=state)
    page = paginate(request, rows)
    context = {
        "page": page,
        "items": [(c, COMPLAINT_COLORS.get(c.state, "secondary")) for c in page.object_list],
        "form": form,
        "may_register": form.fields["agency"].queryset.exists(),
        "closable": {a.pk for a in form.fields["agency"].queryset},
        "state": state,
        "states": ComplaintState.choices,
        "picked": picked,
        "agencies": visible,
        "open_form": posted,
    }
    return render(request, "enforcement/oversight/complaint_list.html", context, status=status)


@login_required
@require_POST
@scoped
def complaint_close(request, pk: int):
    complaint = sel.complaint_get(request.user, pk)
    try:
        services.complaint_close(actor=request.user, complaint=complaint)
    except ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("投诉举报已办结。"))
    return redirect("enforcement:complaint_list")


# ---- inspections -----------------------------------------------------------------------------


@login_required
@scoped
def inspection_list(request):
    actor = request.user
    agencies, picked, visible = _scope_agencies(request)
    posted = request.method == "POST"
    form = InspectionForm(request.POST if posted else None, actor=actor)
    status = 200
    if posted:
        if not form.fields["agency"].queryset.exists():
            raise Forbidden(_("只有本执法主体的执法人员或督查室可以登记"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.inspection_create(
                    actor=actor,
                    agency=data["agency"],
                    matter=data["matter"],
                    place=data["place"],
                    inspected_on=data["inspected_on"],
                    random=data["random"],
                    result=data["result"],
                    case=data["case"],
                )
            except ERRORS as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("执法检查已登记。"))
                return redirect("enforcement:inspection_list")
        else:
            status = 422
    rows = sel.inspections_visible(actor).filter(agency__in=agencies)
    page = paginate(request, rows)
    context = {
        "page": page,
        "form": form,
        "may_register": form.fields["agency"].queryset.exists(),
        "picked": picked,
        "agencies": visible,
        "open_form": posted,
    }
    return render(request, "enforcement/oversight/inspection_list.html", context, status=status)


# ---- B13: annual statistics ------------------------------------------------------------------


@login_required
@scoped
def annual_report_list(request):
    actor = request.user
    agencies, picked, visible = _scope_agencies(request)
    today = timezone.localdate()
    posted = request.method == "POST"
    initial = {"year": query_int(request.GET.get("year")) or today.year - 1}
    if picked:
        initial["agency"] = picked.pk
    form = AnnualReportForm(request.POST if posted else None, actor=actor, initial=initial)
    status = 200
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.annual_report_publish(
                    actor=actor, agency=data["agency"], year=data["year"], note=data["note"]
                )
            except ERRORS as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("年度执法数据已公开。"))
                return redirect(f"{request.path}?agency={data['agency'].pk}")
        else:
            status = 422
    preview = None
    year = initial["year"]
    if picked and 2000 <= year < today.year:
        figures = sel.annual_figures(picked, year)
        preview = {
            "year": year,
            "lines": sel.figure_lines(figures),
            "groups": sel.figure_groups(figures),
        }
    reports = list(sel.annual_reports_visible(actor).filter(agency__in=agencies))
    context = {
        "reports": [
            (r, sel.figure_lines(r.figures), sel.figure_groups(r.figures)) for r in reports
        ],
        "form": form,
        "may_publish": form.fields["agency"].queryset.exists(),
        "preview": preview,
        "picked": picked,
        "agencies": visible,
        "due": sel.annual_reports_due(agencies, today),
    }
    return render(request, "enforcement/oversight/annual_reports.html", context, status=status)


# ---- the case page panel ---------------------------------------------------------------------


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/oversight.html on the case page: the case's
    clock alerts (催办 / 督办), and any warning that concerns it."""
    today = getattr(facts, "today", None) or timezone.localdate()
    if not isinstance(today, dt.date):
        today = timezone.localdate()
    context = {
        "alerts": list(sel.case_alerts(case)),
        "repeats": sel.repeat_offences_of_case(case),
        "unrectified": sel.case_unrectified(case, today),
        "case_id": case.pk,
    }
    # the template reads `panel` (included with panel=…) or, when spread, `oversight_panel`
    context["oversight_panel"] = context
    return context


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("complaints/", complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/close/", complaint_close, name="complaint_close"),
    path("inspections/", inspection_list, name="inspection_list"),
    path("annual-reports/", annual_report_list, name="annual_report_list"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:complaint_list": (
        "POST",
        "/api/v1/enforcement/complaints",
        f"{API}.complaint_create",
    ),
    "enforcement:complaint_close": (
        "POST",
        "/api/v1/enforcement/complaints/{complaint_id}/close",
        f"{API}.complaint_close",
    ),
    "enforcement:inspection_list": (
        "POST",
        "/api/v1/enforcement/inspections",
        f"{API}.inspection_create",
    ),
    "enforcement:annual_report_list": (
        "POST",
        "/api/v1/enforcement/annual-reports",
        f"{API}.annual_report_publish",
    ),
}
