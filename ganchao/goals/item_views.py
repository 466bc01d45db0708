"""Pages where the supervision office builds the goal tree of a plan: new and changed goals,
indicators and tasks, a task's milestones, and an item's assignments to units (分解到单位).

Office only (everyone else gets 404). Views parse with the forms in item_forms.py, call the
services in services.py and render; every rule (placement, staged targets, "请通过目标调整办理"
after issue) is the services'.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ganchao.common.errors import GanchaoError
from ganchao.common.views import query_int, require_roles, scoped
from ganchao.goals import selectors, services
from ganchao.goals.choices import ItemType, PlanState, Role
from ganchao.goals.item_forms import (
    AssignmentForm,
    ItemForm,
    assignment_initial,
    item_initial,
    milestone_formset,
    milestone_steps,
)
from ganchao.goals.models import Item
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UnitResolver

# Which types a new item may have under a parent of each type (None: the top level).
CHILD_TYPES = {
    None: {ItemType.GOAL},
    ItemType.GOAL: {ItemType.GOAL, ItemType.INDICATOR, ItemType.TASK},
    ItemType.TASK: {ItemType.TASK},
    ItemType.INDICATOR: set(),
}
ROLE_ORDER = {Role.LEAD: 0, Role.RESPONSIBLE: 1, Role.COOPERATING: 2}


def _apply(form, error: GanchaoError, rename=None) -> list[str]:
    """Attach a service error to the form's fields; errors about milestones are returned so
    that the page shows them beside the milestone rows."""
    if not error.errors:
        form.add_error(None, error.message)
        return []
    rename = rename or {}
    milestone_errors = []
    for failure in error.errors:
        name = rename.get(failure.field, failure.field)
        if name == "milestones":
            milestone_errors.append(failure.message)
        else:
            form.add_error(name if name in form.fields else None, failure.message)
    return milestone_errors


def _resolver(request):
    """One load of the units for every unit field of a POST; none for a GET."""
    return UnitResolver.from_database(active_only=True) if request.method == "POST" else None


def _unit_options():
    return Unit.objects.filter(active=True).order_by("path").values_list("code", "name")


def _next_code(plan, parent) -> str:
    """The next free dotted code under `parent` (1.3 when 1.1 and 1.2 exist)."""
    codes = Item.objects.filter(plan=plan, parent=parent).values_list("code", flat=True)
    last = max((int(code.rsplit(".", 1)[-1]) for code in codes), default=0)
    return f"{parent.code}.{last + 1}" if parent else str(last + 1)


def _version(request):
    return query_int(request.POST.get("version"))


def _refuse_closed(plan) -> None:
    if plan.state == PlanState.CLOSED:
        raise Http404


# ---- items -----------------------------------------------------------------------------------


@login_required
@require_roles(OrgRole.OFFICE)
@scoped
def item_create(request, pk: int, type: str):
    plan = selectors.plan_get(request.user, pk)
    _refuse_closed(plan)
    parent_id = request.GET.get("parent", "")
    parent = Item.objects.filter(plan=plan, pk=parent_id).first() if parent_id.isdigit() else None
    if (parent_id and parent is None) or type not in CHILD_TYPES[parent.type if parent else None]:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = ItemForm(
        data,
        item_type=type,
        creating=True,
        resolver=_resolver(request),
        initial={"code": _next_code(plan, parent), "weight": "1"},
    )
    formset = milestone_formset(data) if type == ItemType.TASK else None
    milestone_errors = []
    if data is not None:
        valid = form.is_valid()
        valid = (formset is None or formset.is_valid()) and valid
        if valid:
            try:
                item = _create(request, plan, type, form, formset)
            except GanchaoError as error:
                milestone_errors = _apply(form, error, {"unit": "lead_unit", "role": "lead_unit"})
            else:
                messages.success(request, _("已新增%(item)s") % {"item": item})
                return redirect("goals:item_detail", pk=item.pk)
    context = {
        "plan": plan,
        "parent": parent,
        "type_label": ItemType(type).label,
        "form": form,
        "formset": formset,
        "milestone_errors": milestone_errors,
        "creating": True,
        "unit_options": _unit_options(),
    }
    return render(request, "goals/item_form.html", context, status=422 if data else 200)


def _create(request, plan, type, form, formset):
    """The item and, when given, its lead unit: both written or neither."""
    data = form.cleaned_data
    return services.item_create(
        actor=request.user,
        plan=plan,
        code=data["code"],
        type=type,
        milestones=milestone_steps(formset) if formset is not None else (),
        lead_unit=data.get("lead_unit"),
        **form.values(),
    )


def _editable_item(request, pk: int):
    item = selectors.item_get(request.user, pk)
    _refuse_closed(item.plan)
    return item


@login_required
@require_roles(OrgRole.OFFICE)
@scoped
def item_edit(request, pk: int):
    item = _editable_item(request, pk)
    data = request.POST if request.method == "POST" else None
    form = ItemForm(
        data,
        item_type=item.type,
        creating=False,
        resolver=_resolver(request),
        initial=item_initial(item),
    )
    if data is not None and form.is_valid():
        try:
            services.item_update(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except GanchaoError as error:
            _apply(form, error)
        else:
            messages.success(request, _("已保存%(item)s") % {"item": item})
            return redirect("goals:item_detail", pk=item.pk)
    context = {
        "plan": item.plan,
        "item": item,
        "type_label": item.get_type_display(),
        "form": form,
        "issued": item.plan.state != PlanState.DRAFT,
        "creating": False,
        "unit_options": _unit_options() if item.type == ItemType.INDICATOR else (),
    }
    return render(request, "goals/item_form.html", context, status=422 if data else 200)


@login_required
@require_roles(OrgRole.OFFICE)
@scoped
def item_milestones(request, pk: int):
    item = _editable_item(request, pk)
    if item.type != ItemType.TASK:
        raise Http404
    data = request.POST if request.method == "POST" else None
    formset = milestone_formset(data, item.milestones.order_by("position"), require_rows=True)
    errors = []
    if data is not None and formset.is_valid():
        try:
            services.item_update(
                actor=request.user,
                item=item,
                expected_version=_version(request),
                milestones=milestone_steps(formset),
            )
        except GanchaoError as error:
            errors = [failure.message for failure in error.errors] or [error.message]
        else:
            messages.success(request, _("节点安排已保存"))
            return redirect("goals:item_detail", pk=item.pk)
    context = {
        "plan": item.plan,
        "item": item,
        "formset": formset,
        "milestone_errors": errors,
        "issued": item.plan.state != PlanState.DRAFT,
    }
    return render(request, "goals/item_milestones.html", context, status=422 if data else 200)


# ---- assignments (分解到单位) ---------------------------------------------------------------------


def _assignment_rows(item):
    rows = list(item.assignments.select_related("unit"))
    return sorted(rows, key=lambda a: (ROLE_ORDER.get(a.role, 9), a.unit.path))


@login_required
@require_roles(OrgRole.OFFICE)
@scoped
def item_assignments(request, pk: int):
    item = _editable_item(request, pk)
    if item.type == ItemType.GOAL:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, item=item, creating=True, resolver=_resolver(request))
    if data is not None and form.is_valid():
        try:
            assignment = services.assignment_create(
                actor=request.user, item=item, unit=form.cleaned_data["unit"], **form.values()
            )
        except GanchaoError as error:
            _apply(form, error, {"item": None})
        else:
            messages.success(
                request,
                _("已将本项分解到%(unit)s（%(role)s）")
                % {"unit": assignment.unit.name, "role": assignment.get_role_display()},
            )
            return redirect("goals:item_assignments", pk=item.pk)
    context = {
        "plan": item.plan,
        "item": item,
        "assignments": _assignment_rows(item),
        "form": form,
        "issued": item.plan.state != PlanState.DRAFT,
        "unit_options": _unit_options(),
    }
    return render(request, "goals/item_assignments.html", context, status=422 if data else 200)


@login_required
@require_roles(OrgRole.OFFICE)
@scoped
def assignment_edit(request, pk: int):
    assignment = selectors.assignment_get(request.user, pk)
    item = assignment.item
    _refuse_closed(item.plan)
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, item=item, creating=False, initial=assignment_initial(assignment))
    if data is not None and form.is_valid():
        try:
            services.assignment_update(
                actor=request.user,
                assignment=assignment,
                expected_version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except GanchaoError as error:
            _apply(form, error)
        else:
            messages.success(
                request, _("已保存%(unit)s的分解内容") % {"unit": assignment.unit.name}
            )
            return redirect("goals:item_assignments", pk=item.pk)
    context = {
        "plan": item.plan,
        "item": item,
        "assignment": assignment,
        "form": form,
        "issued": item.plan.state != PlanState.DRAFT,
    }
    return render(request, "goals/assignment_form.html", context, status=422 if data else 200)
