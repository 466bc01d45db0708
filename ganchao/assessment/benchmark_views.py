"""Pages of the benchmark register (对标一流): the register grouped by indicator with each
unit's gap, one indicator's page with its chart, and the office's add / edit / deactivate.
Units' values are shown only for the assignments the actor reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ganchao.assessment import benchmarks, permissions, services_benchmarks
from ganchao.assessment.benchmark_forms import BenchmarkForm
from ganchao.assessment.models import Benchmark
from ganchao.common.errors import GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import paginate, query_int, require_roles, require_staff, scoped
from ganchao.goals import selectors as goal_selectors
from ganchao.goals.choices import ItemType
from ganchao.orgs.choices import Role


def _year(request, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    year = query_int(raw, digits=4)
    if year is not None:
        return year
    return years[0] if years else timezone.localdate().year


@login_required
@require_staff
@require_GET
def benchmark_list(request):
    years = benchmarks.benchmark_years()
    year = _year(request, years)
    page = paginate(request, benchmarks.benchmarked_items(request.user, year), per_page=20)
    gaps = benchmarks.gaps_by_item([item.pk for item in page], actor=request.user)
    groups = [_group(item, gaps.get(item.pk, [])) for item in page]
    context = {
        "page": page,
        "groups": groups,
        "year": year,
        "years": years,
        "is_office": permissions.manages_assessment(request.user),
    }
    return render(request, "assessment/benchmark_list.html", context)


def _group(item, rows: list[dict]) -> dict:
    return {
        "item": item,
        "benchmarks": item.live,
        "rows": rows,
        "reached": sum(1 for r in rows if r["reached"]),
        "units": len({r["unit_code"] for r in rows}),
    }


@login_required
@require_staff
@require_GET
@scoped
def benchmark_detail(request, item_pk: int):
    item = goal_selectors.item_get(request.user, item_pk)
    if item.type != ItemType.INDICATOR:
        raise Http404
    rows = benchmarks.indicator_gaps(item, actor=request.user)
    is_office = permissions.manages_assessment(request.user)
    registered = item.benchmarks.all() if is_office else item.benchmarks.filter(active=True)
    context = {
        "item": item,
        "rows": rows,
        "benchmarks": list(registered),
        "chart": benchmarks.chart_data(rows),
        "is_office": is_office,
    }
    return render(request, "assessment/benchmark_detail.html", context)


def _render_form(request, form, benchmark=None, status=200):
    context = {"form": form, "benchmark": benchmark}
    return render(request, "assessment/benchmark_form.html", context, status=status)


@login_required
@require_roles(Role.OFFICE)
def benchmark_new(request):
    if request.method != "POST":
        form = BenchmarkForm(initial={"item": request.GET.get("item") or None})
        return _render_form(request, form)
    form = BenchmarkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        data.pop("version", None)
        try:
            benchmark = services_benchmarks.benchmark_create(actor=request.user, **data)
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已新增对标值：%(name)s") % {"name": benchmark})
            return redirect("assessment:benchmark_detail", item_pk=benchmark.item_id)
    return _render_form(request, form, status=422)


@login_required
@require_roles(Role.OFFICE)
@scoped
def benchmark_edit(request, pk: int):
    benchmark = get_object_or_404(Benchmark.objects.select_related("item__plan"), pk=pk)
    if request.method != "POST":
        initial = {f: getattr(benchmark, f) for f in services_benchmarks.FIELDS}
        form = BenchmarkForm(initial={**initial, "version": benchmark.version}, editing=True)
        return _render_form(request, form, benchmark)
    form = BenchmarkForm(request.POST, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_benchmarks.benchmark_update(
                actor=request.user,
                benchmark=benchmark,
                expected_version=data.pop("version", None),
                **data,
            )
        except GanchaoError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("已保存对标值：%(name)s") % {"name": benchmark.region})
            return redirect("assessment:benchmark_detail", item_pk=benchmark.item_id)
    return _render_form(request, form, benchmark, status=422)


@login_required
@require_POST
@require_roles(Role.OFFICE)
@scoped
def benchmark_deactivate(request, pk: int):
    benchmark = get_object_or_404(Benchmark, pk=pk)
    version = request.POST.get("version", "")
    try:
        services_benchmarks.benchmark_deactivate(
            actor=request.user,
            benchmark=benchmark,
            expected_version=query_int(version),
        )
    except GanchaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已停用对标值：%(name)s") % {"name": benchmark})
    return redirect("assessment:benchmark_detail", item_pk=benchmark.item_id)
