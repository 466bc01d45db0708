"""Pages of the assessment schemes (考核方案): the list, one scheme with its versions, and the
office's form for a new scheme or a new version (component editor; points sum to 100)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.assessment import league, permissions, selectors, services
from ganchao.assessment.forms import SchemeForm, component_formset, scheme_initial
from ganchao.assessment.models import Scheme
from ganchao.common.errors import GanchaoError
from ganchao.common.forms import apply_error
from ganchao.common.views import query_int, scoped


def _readable(request) -> None:
    if not permissions.sees_rankings(request.user):
        raise Http404


def _managed(request) -> None:
    if not permissions.manages_assessment(request.user):
        raise Http404


@login_required
def scheme_list(request):
    _readable(request)
    schemes = (
        Scheme.objects.select_related("category")
        .prefetch_related("components")
        .order_by("code", "-scheme_version")
    )
    latest: dict[str, Scheme] = {}
    for scheme in schemes:
        latest.setdefault(scheme.code, scheme)
    context = {
        "schemes": list(latest.values()),
        "manages": permissions.manages_assessment(request.user),
    }
    return render(request, "assessment/scheme_list.html", context)


@login_required
@scoped
def scheme_detail(request, code: str):
    _readable(request)
    version = request.GET.get("version", "")
    scheme = selectors.scheme_get(code, query_int(version))
    versions = Scheme.objects.filter(code=code).order_by("-scheme_version")
    periods = list(league.published_index(code))
    current = league.period_code_of(timezone.localdate(), scheme.period_type)
    context = {
        "scheme": scheme,
        "components": list(scheme.components.all()),
        "excluded": list(scheme.excluded_units.order_by("code")),
        "versions": versions.values("scheme_version", "name", "created_at"),
        "periods": sorted(periods, reverse=True),
        "current_period": current,
        "may_draft": permissions.sees_drafts(request.user),
        "manages": permissions.manages_assessment(request.user),
    }
    return render(request, "assessment/scheme_detail.html", context)


def _save(request, form, formset, fixed: Scheme | None, create):
    """The new scheme version made by `create` (the service), or None with the service's
    complaint on the form."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    data = form.cleaned_data
    try:
        with transaction.atomic():
            return create(
                actor=request.user,
                code=fixed.code if fixed else data["code"],
                name=data["name"],
                category=fixed.category if fixed else data["category"],
                period_type=fixed.period_type if fixed else data["period_type"],
                components=formset.specs(),
                **form.settings(),
            )
    except GanchaoError as exc:
        apply_error(form, exc)
        return None


def _scheme_form(request, fixed: Scheme | None, create):
    initial = scheme_initial(fixed) if fixed else None
    data = request.POST if request.method == "POST" else None
    form = SchemeForm(data, initial=initial, fixed=fixed)
    formset = component_formset(data, fixed)
    if request.method == "POST":
        scheme = _save(request, form, formset, fixed, create)
        if scheme is not None:
            messages.success(
                request,
                _("已保存“%(name)s”第%(n)d版。")
                % {"name": scheme.name, "n": scheme.scheme_version},
            )
            return redirect("assessment:scheme_detail", scheme.code)
    context = {"form": form, "formset": formset, "fixed": fixed}
    return render(request, "assessment/scheme_form.html", context)


@login_required
def scheme_new(request):
    _managed(request)
    return _scheme_form(request, None, partial(services.scheme_create, first_version=True))


@login_required
@scoped
def scheme_new_version(request, code: str):
    _managed(request)
    latest = selectors.scheme_get(code)
    create = partial(services.scheme_create, based_on_version=latest.scheme_version)
    return _scheme_form(request, latest, create)
