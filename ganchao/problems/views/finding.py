"""转为问题: a visit's finding becomes a problem of the ledger (and, when the office or a leader
chooses, also a matter) — the form linked from the visit's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.forms import apply_error
from ganchao.common.views import require_staff, scoped
from ganchao.orgs.models import Unit
from ganchao.problems import services
from ganchao.problems.choices import PlaceType
from ganchao.problems.forms import FindingForm
from ganchao.projects.selectors import projects_visible
from ganchao.visits import selectors as visit_selectors

REFUSALS = (ValidationFailed, Conflict, Forbidden)
# the visit's kind of place → the ledger's place type
PLACE_TYPES = {
    "village": PlaceType.VILLAGE,
    "project_site": PlaceType.PROJECT_SITE,
    "workshop": PlaceType.ENTERPRISE,
}
API_TWINS = {
    "problems:from_finding": (
        "POST",
        "/api/v1/visit-findings/{finding_id}/problem",
        "ganchao.problems.services.finding_to_problem",
    ),
}


def _finding(request, visit_pk: int, finding_id: int):
    visit = visit_selectors.visit_get(actor=request.user, pk=visit_pk)
    finding = next((f for f in visit.findings.all() if f.pk == finding_id), None)
    if finding is None:
        raise Http404
    return visit, finding


def _unit_text(unit) -> str:
    """The unit as an official reads it: its name when that alone names it, else its code."""
    return unit.name if Unit.objects.filter(name=unit.name).count() == 1 else unit.code


def _projects(actor, visit):
    """The key projects the actor may link, as (id, label) pairs, and the one the visit's place
    names (its project name or construction site), if exactly one does."""
    projects = list(projects_visible(actor).select_related("item").order_by("code"))
    place = visit.place_name
    named = [
        p.pk
        for p in projects
        if p.item.name in place or place in p.item.name or (p.location and p.location == place)
    ]
    return [(p.pk, str(p)) for p in projects], (named[0] if len(named) == 1 else None)


@login_required
@require_staff
@scoped
def from_finding(request, visit_pk: int, finding_id: int):
    visit, finding = _finding(request, visit_pk, finding_id)
    initial = {
        "place": visit.place_name,
        "place_type": PLACE_TYPES.get(getattr(visit, "place_kind", ""), PlaceType.OTHER),
        "owner_unit": _unit_text(finding.unit or visit.unit),
    }
    projects, named = _projects(request.user, visit)
    if named is not None:
        initial["project"] = named
    data = request.POST if request.method == "POST" else None
    form = FindingForm(data, initial=initial, projects=projects)
    status = 200
    if data is not None:
        status = 422
        if form.is_valid():
            cleaned = form.cleaned_data
            item = None
            if cleaned["project"]:
                project = projects_visible(request.user).select_related("item")
                item = project.get(pk=cleaned["project"]).item
            try:
                problem = services.finding_to_problem(
                    actor=request.user,
                    finding_id=finding.pk,
                    owner_unit=cleaned["owner_unit"],
                    category=cleaned["category"],
                    severity=cleaned["severity"] or None,
                    place_type=cleaned["place_type"],
                    place=cleaned["place"],
                    item=item,
                    blocks_project=cleaned["blocks_project"],
                )
            except REFUSALS as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("已转入问题台账，编号 %(number)s。") % {"number": problem.number}
                )
                return redirect("problems:detail", pk=problem.pk)
    context = {"form": form, "visit": visit, "finding": finding}
    return render(request, "problems/from_finding.html", context, status=status)
