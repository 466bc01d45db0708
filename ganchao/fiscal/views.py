"""Pages of 量力而行: the year's overview per unit with its chart, one unit's year with its
commitments and forms, and the approvals queue. Each action calls the same service as its API
twin (api_twins.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import GanchaoError, NotFound
from ganchao.common.forms import apply_error
from ganchao.common.numbers import plain
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.fiscal import permissions, services
from ganchao.fiscal import selectors as sel
from ganchao.fiscal.choices import CommitmentState
from ganchao.fiscal.forms import CapacityForm, CommitmentForm, DecisionForm
from ganchao.fiscal.rules import YEAR_MAX, YEAR_MIN


def _year(raw) -> int:
    year = query_int(raw, digits=4)
    return year if year and YEAR_MIN <= year <= YEAR_MAX else timezone.localdate().year


def _chart(rows, year: int) -> dict:
    return {
        "names": [r.name for r in rows],
        "capacity": [plain(r.capacity) if r.capacity is not None else None for r in rows],
        "within": [plain(r.committed - r.excess) for r in rows],
        "excess": [plain(r.excess) for r in rows],
        "labels": {
            "capacity": _("可用财力"),
            "within": _("已承诺（财力以内）"),
            "excess": _("超出可用财力"),
        },  # fmt: skip
        "urls": [reverse("fiscal:unit_year", args=[r.unit_id, year]) for r in rows],
    }


@login_required
@require_staff
def overview(request):
    year = _year(request.GET.get("year"))
    every = sel.overview(request.user, year)
    unit_id = query_int(request.GET.get("unit"))
    rows = [r for r in every if r.unit_id == unit_id] if unit_id else every
    context = {
        "year": year,
        "years": range(year - 2, year + 3),
        "units": [(r.unit_id, r.name) for r in every],
        "unit_id": unit_id,
        "rows": rows,
        "totals": sel.overview_totals(rows),
        "chart": _chart(rows, year),
        "chart_height": 120 + 36 * len(rows),
        "pending_count": sel.approvals_queue(request.user).count()
        if permissions.approves_anything(request.user)
        else None,
    }
    return render(request, "fiscal/overview.html", context)


def _unit_year_page(request, unit, year, *, capacity_form=None, commitment_form=None, status=200):
    capacity = sel.capacity_of(request.user, unit, year)
    rows = sel.overview(request.user, year, unit_id=unit.pk)
    page = paginate(request, sel.commitments(request.user, year=year, unit_id=unit.pk))
    manage = permissions.may_manage(request.user, unit)
    if capacity_form is None:
        initial = {"amount": plain(capacity.amount), "basis": capacity.basis,
                   "version": capacity.version} if capacity else {}  # fmt: skip
        capacity_form = CapacityForm(initial=initial)
    if commitment_form is None:
        commitment_form = CommitmentForm(initial={"budget_year": year, "kind": "other"})
    row = rows[0] if rows else None
    context = {
        "unit": unit,
        "year": year,
        "capacity": capacity,
        "row": row,
        "remaining": None if row is None else row.remaining,
        "page": page,
        "may_manage": manage,
        "may_approve": permissions.may_approve(request.user, unit),
        "capacity_form": capacity_form,
        "commitment_form": commitment_form,
        "decision_form": DecisionForm(),
        "room": _room(capacity, row),
    }
    return render(request, "fiscal/unit_year.html", context, status=status)


def _room(capacity, row) -> str:
    """What the unit may still commit without an approval ("" without a capacity), for the
    form's script that shows the reason field when it is needed."""
    if capacity is None:
        return ""
    return plain(row.remaining if row else capacity.amount)


def _path_year(year: int) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NotFound(_("年度不存在"))
    return year


@login_required
@require_staff
@scoped
def unit_year(request, unit_id: int, year: int):
    unit = sel.unit_get(request.user, unit_id)
    return _unit_year_page(request, unit, _path_year(year))


@require_POST
@login_required
@require_staff
@scoped
def capacity_set(request, unit_id: int, year: int):
    unit, year = sel.unit_get(request.user, unit_id), _path_year(year)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.capacity_set(
                actor=request.user,
                unit=unit,
                year=year,
                amount=form.cleaned_data["amount"],
                basis=form.cleaned_data["basis"],
                expected_version=form.cleaned_data["version"],
            )
        except GanchaoError as error:
            if error.status in (403, 404):
                raise
            apply_error(form, error)
        else:
            messages.success(request, _("可用财力已保存。"))
            return redirect("fiscal:unit_year", unit.pk, year)
    return _unit_year_page(request, unit, year, capacity_form=form, status=422)


@require_POST
@login_required
@require_staff
@scoped
def commitment_new(request, unit_id: int, year: int):
    unit, year = sel.unit_get(request.user, unit_id), _path_year(year)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_create(
                actor=request.user,
                unit=unit,
                year=year,
                budget_year=data["budget_year"],
                amount=data["amount"],
                title=data["title"],
                kind=data["kind"],
                reason=data["reason"],
            )
        except GanchaoError as error:
            if error.status in (403, 404):
                raise
            apply_error(form, error)
        else:
            if commitment.state == CommitmentState.PENDING:
                messages.warning(request, _("承诺已登记，超出部分待督查室或市级领导审批后生效。"))
            else:
                messages.success(request, _("承诺已登记并生效。"))
            return redirect("fiscal:unit_year", unit.pk, year)
    return _unit_year_page(request, unit, year, commitment_form=form, status=422)


def _decide(request, commitment_id: int, service, done: str):
    commitment = sel.commitment_get(request.user, commitment_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(actor=request.user, commitment_id=commitment.pk, note=note)
    except GanchaoError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    target = request.POST.get("next")
    if target == "approvals":
        return redirect("fiscal:approvals")
    return redirect("fiscal:unit_year", commitment.unit_id, commitment.year)


@require_POST
@login_required
@require_staff
@scoped
def commitment_approve(request, commitment_id: int):
    return _decide(request, commitment_id, services.commitment_approve, _("已批准。"))


@require_POST
@login_required
@require_staff
@scoped
def commitment_reject(request, commitment_id: int):
    return _decide(request, commitment_id, services.commitment_reject, _("已不予批准。"))


@require_POST
@login_required
@require_staff
@scoped
def commitment_withdraw(request, commitment_id: int):
    return _decide(request, commitment_id, services.commitment_withdraw, _("承诺已撤回。"))


@login_required
@require_staff
def approvals(request):
    page = paginate(request, sel.approvals_queue(request.user))
    return render(request, "fiscal/approvals.html", {"page": page, "decision_form": DecisionForm()})
