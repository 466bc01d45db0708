"""Pages of the legal-adviser register (法律顾问、公职律师名册), the consultation log and the
"顾而不问" usage page, and the adviser panel of the decision page. Views parse input, call one
selector or service and render; the rules live in services.advisers (see its docstring)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.decisions import permissions
from ganchao.decisions import selectors_advisers as selectors
from ganchao.decisions.choices import AdviserAdoption, AdviserConclusion, AdviserKind
from ganchao.decisions.services import advisers as services
from ganchao.decisions.services.files import decision_file_open
from ganchao.decisions.views.advisers_forms import (
    AdoptionForm,
    AdviserEndForm,
    ConsultationForm,
    LegalAdviserForm,
    UnitField,
)
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def decision_url(pk) -> str | None:
    """The decision page's address (None while that page is not there)."""
    try:
        return reverse("decisions:detail", args=[pk])
    except NoReverseMatch:
        return None


def _unit_filter(text: str):
    text = (text or "").strip()[:200]
    if not text:
        return None, ""
    try:
        return UnitField(required=False).clean(text), ""
    except Exception:  # noqa: BLE001 - a filter that names no unit shows a note, not an error page
        return None, _("找不到单位“%(u)s”") % {"u": text}


def _apply_errors(form, exc: ValidationFailed, aliases=None) -> None:
    aliases = aliases or {}
    for error in exc.errors or []:
        name = aliases.get(error.field, error.field)
        if name in form.fields:
            # the field's label is shown beside it already: "聘期结束：不能早于…" → "不能早于…"
            form.add_error(name, error.message.split("：", 1)[-1])
        else:
            form.add_error(None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


# ---- the register --------------------------------------------------------------------------------


@login_required
@require_staff
def adviser_list(request):
    params = request.GET
    unit, unit_note = _unit_filter(params.get("unit", ""))
    status = params.get("status", "")
    kind = params.get("kind", "") if params.get("kind") in AdviserKind.values else ""
    rows = selectors.adviser_list(
        request.user,
        kind=kind,
        unit=unit,
        status=status if status in dict(selectors.AdviserStatus.choices()) else "",
        q=params.get("q", "").strip()[:50],
    )
    page = paginate(request, rows)
    today = timezone.localdate()
    for adviser in page:
        adviser.status = selectors.adviser_status(adviser, today)
    context = {
        "page": page,
        "filters": params,
        "unit_note": unit_note,
        "kinds": AdviserKind.choices,
        "statuses": selectors.AdviserStatus.choices(),
        "can_manage": services.may_manage_advisers(request.user),
        "can_record": services.may_record_opinions(request.user),
        "can_usage": selectors.may_read_usage(request.user),
    }
    return render(request, "decisions/adviser_list.html", context)


@login_required
@scoped
def adviser_create(request):
    if not services.may_manage_advisers(request.user):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = LegalAdviserForm(data)
    if data is not None and form.is_valid():
        try:
            adviser = services.legal_adviser_create(actor=request.user, **form.values())
        except ValidationFailed as exc:
            _apply_errors(form, exc, {"user": "username"})
        else:
            messages.success(request, _("已登记法律顾问%(name)s。") % {"name": adviser.name})
            return redirect("decisions:adviser_detail", pk=adviser.pk)
    status = 422 if data is not None else 200
    context = {"form": form, "adviser": None}
    return render(request, "decisions/adviser_form.html", context, status=status)


@login_required
@scoped
def adviser_detail(request, pk: int):
    adviser = selectors.adviser_get(request.user, pk)
    consultations = selectors.consultation_list(request.user, adviser_id=adviser.pk)
    context = {
        "adviser": adviser,
        "status": selectors.adviser_status(adviser),
        "ended": selectors.adviser_end_reason(adviser),
        "page": paginate(request, consultations, per_page=20),
        "can_manage": services.may_manage_advisers(request.user, adviser.appointing_unit),
        "end_form": AdviserEndForm(),
        "can_record": services.may_record_opinions(request.user) and adviser.active,
    }
    return render(request, "decisions/adviser_detail.html", context)


@login_required
@scoped
def adviser_edit(request, pk: int):
    adviser = selectors.adviser_get(request.user, pk)
    if not services.may_manage_advisers(request.user, adviser.appointing_unit):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = LegalAdviserForm(data, initial=LegalAdviserForm.initial_of(adviser))
    if data is not None and form.is_valid():
        try:
            services.legal_adviser_update(
                actor=request.user,
                adviser=adviser,
                expected_version=query_int(data.get("version")),
                **form.values(),
            )
        except ValidationFailed as exc:
            _apply_errors(form, exc, {"user": "username"})
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("法律顾问信息已保存。"))
            return redirect("decisions:adviser_detail", pk=adviser.pk)
    status = 422 if data is not None else 200
    context = {"form": form, "adviser": adviser}
    return render(request, "decisions/adviser_form.html", context, status=status)


@login_required
@require_POST
@scoped
def adviser_end(request, pk: int):
    adviser = selectors.adviser_get(request.user, pk)
    form = AdviserEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("解聘理由：请填写"))
        return redirect("decisions:adviser_detail", pk=pk)
    try:
        services.legal_adviser_end(
            actor=request.user, adviser=adviser, reason=form.cleaned_data["reason"]
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已解聘%(name)s。") % {"name": adviser.name})
    return redirect("decisions:adviser_detail", pk=pk)


# ---- the consultation log ------------------------------------------------------------------------


@login_required
@require_staff
def adviser_opinion_list(request):
    params = request.GET
    unit, unit_note = _unit_filter(params.get("unit", ""))
    year = query_int(params.get("year"), digits=4)
    rows = selectors.consultation_list(
        request.user,
        unit=unit,
        adviser_id=query_int(params.get("adviser")),
        decision_id=query_int(params.get("decision")),
        adoption=params.get("adoption", ""),
        conclusion=params.get("conclusion", ""),
        year=year,
    )
    context = {
        "page": paginate(request, rows),
        "filters": params,
        "unit_note": unit_note,
        "advisers": selectors.advisers_visible(request.user).values("id", "name"),
        "adoptions": AdviserAdoption.choices,
        "conclusions": AdviserConclusion.choices,
        "can_record": services.may_record_opinions(request.user),
    }
    return render(request, "decisions/adviser_opinion_list.html", context)


def _advisers_for(actor):
    rows = selectors.advisers_visible(actor).filter(active=True)
    if not scope_of(actor).has(*services.RECORDING_ROLES):
        rows = rows.filter(user_id=actor.pk)
    return rows.order_by("appointing_unit__path", "name")


def _links(request, source):
    """The decision and legality review named by ?decision= / ?review= (or the hidden fields)."""
    review_id = query_int(source.get("review") or source.get("legality_review"))
    decision_id = query_int(source.get("decision"))
    review = selectors.review_ref(request.user, review_id) if review_id else None
    if review is not None:
        return review.decision, review
    decision = selectors.decision_ref(request.user, decision_id) if decision_id else None
    return decision, None


def _initial(request, decision, review) -> dict:
    user = request.user
    return {
        "unit": user.unit.code if user.unit_id else "",
        "consulted_on": timezone.localdate(),
        "decision": decision.pk if decision else None,
        "legality_review": review.pk if review else None,
        "subject": decision.title if decision else "",
    }


@login_required
@scoped
def adviser_opinion_create(request):
    if not services.may_record_opinions(request.user):
        raise Http404
    posted = request.method == "POST"
    decision, review = _links(request, request.POST if posted else request.GET)
    choices = _advisers_for(request.user)
    initial = _initial(request, decision, review)
    only = list(choices[:2])
    if len(only) == 1:
        initial["adviser"] = only[0].pk
    form = ConsultationForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        advisers=choices,
        with_file=decision is not None,
    )
    if posted and form.is_valid():
        try:
            row = _record(request, form.cleaned_data, decision, review)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("咨询记录已保存。"))
            back = decision_url(row.decision_id) if row.decision_id else None
            return redirect(back or reverse("decisions:adviser_opinion_detail", args=[row.pk]))
    context = {
        "form": form,
        "decision": decision,
        "review": review,
        "decision_link": decision_url(decision.pk) if decision else None,
    }
    return render(
        request, "decisions/adviser_opinion_form.html", context, status=422 if posted else 200
    )


def _record(request, cleaned, decision, review):
    return services.adviser_opinion_record(
        actor=request.user,
        unit=cleaned["unit"],
        adviser=cleaned["adviser"],
        subject=cleaned["subject"],
        question=cleaned["question"],
        opinion=cleaned["opinion"],
        conclusion=cleaned["conclusion"],
        consulted_on=cleaned["consulted_on"],
        decision=decision,
        legality_review=review,
        file=cleaned.get("file"),
    )


@login_required
@scoped
def adviser_opinion_detail(request, pk: int):
    row = selectors.consultation_get(request.user, pk)
    context = {
        "row": row,
        "can_adopt": row.adoption == AdviserAdoption.PENDING
        and services.may_adopt(request.user, row),
        "adoption_form": AdoptionForm(),
        "decision_link": decision_url(row.decision_id) if row.decision_id else None,
    }
    return render(request, "decisions/adviser_opinion_detail.html", context)


@login_required
@require_POST
@scoped
def adviser_opinion_adopt(request, pk: int):
    row = selectors.consultation_get(request.user, pk)
    form = AdoptionForm(request.POST)
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("decisions:adviser_opinion_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("采纳情况：请选择已采纳、部分采纳或未采纳"))
        return redirect(back)
    try:
        services.adviser_opinion_adopt(
            actor=request.user,
            consultation=row,
            adoption=form.cleaned_data["adoption"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("采纳情况已登记。"))
    return redirect(back)


@login_required
@scoped
def adviser_opinion_file(request, pk: int):
    row = selectors.consultation_get(request.user, pk)
    if not row.file_id:
        raise Http404
    try:
        handle = decision_file_open(actor=request.user, item=row.file)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("decisions:adviser_opinion_detail", pk=pk)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.file.original_name,
        content_type=row.file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- 顾而不问 ------------------------------------------------------------------------------------


def _year(text: str) -> int:
    value = query_int(text, digits=4)
    if value and 2000 <= value <= 2100:
        return value
    return timezone.localdate().year


@login_required
@scoped
def adviser_usage(request):
    if not selectors.may_read_usage(request.user):
        raise Http404
    year = _year(request.GET.get("year", ""))
    usage = selectors.adviser_usage(request.user, year=year)
    context = {
        "usage": usage,
        "year": year,
        "chart": selectors.usage_chart(usage),
        "years": list(range(timezone.localdate().year, 2019, -1)),
    }
    return render(request, "decisions/adviser_usage.html", context)


# ---- the decision page's panel -------------------------------------------------------------------


def may_record_on(actor, decision) -> bool:
    scope = scope_of(actor)
    if permissions.runs_procedures(actor, decision):
        return True
    if scope.has(Role.LEGALITY_REVIEWER):
        return True
    return scope.has(Role.LEGAL_ADVISER) and services.may_record_opinions(actor)


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/advisers.html on the decision page."""
    opinions = selectors.decision_opinions(decision)
    latest = max(opinions, key=lambda o: (o.consulted_on, o.pk), default=None)
    adopt_units = {o.pk for o in opinions if services.may_adopt(request.user, o)}
    return {
        "adviser_opinions": opinions,
        "adviser_latest": latest,
        "adviser_can_record": decision.state in services.OPINION_STATES
        and may_record_on(request.user, decision),
        "adviser_can_adopt": adopt_units,
        "adviser_adoption_form": AdoptionForm(),
        "adviser_next": request.get_full_path(),
    }


urlpatterns = [
    path("advisers/", adviser_list, name="adviser_list"),
    path("advisers/new/", adviser_create, name="adviser_create"),
    path("advisers/usage/", adviser_usage, name="adviser_usage"),
    path("advisers/<int:pk>/", adviser_detail, name="adviser_detail"),
    path("advisers/<int:pk>/edit/", adviser_edit, name="adviser_edit"),
    path("advisers/<int:pk>/end/", adviser_end, name="adviser_end"),
    path("adviser-consultations/", adviser_opinion_list, name="adviser_opinion_list"),
    path("adviser-consultations/new/", adviser_opinion_create, name="adviser_opinion_create"),
    path("adviser-consultations/<int:pk>/", adviser_opinion_detail, name="adviser_opinion_detail"),
    path(
        "adviser-consultations/<int:pk>/adoption/",
        adviser_opinion_adopt,
        name="adviser_opinion_adopt",
    ),
    path("adviser-consultations/<int:pk>/file/", adviser_opinion_file, name="adviser_opinion_file"),
]

_SERVICES = "ganchao.decisions.services.advisers"
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:adviser_create": (
        "POST",
        "/api/v1/legal-advisers",
        f"{_SERVICES}.legal_adviser_create",
    ),
    "decisions:adviser_edit": (
        "PATCH",
        "/api/v1/legal-advisers/{adviser_id}",
        f"{_SERVICES}.legal_adviser_update",
    ),
    "decisions:adviser_end": (
        "POST",
        "/api/v1/legal-advisers/{adviser_id}/end",
        f"{_SERVICES}.legal_adviser_end",
    ),
    "decisions:adviser_opinion_create": (
        "POST",
        "/api/v1/adviser-consultations",
        f"{_SERVICES}.adviser_opinion_record",
    ),
    "decisions:adviser_opinion_adopt": (
        "POST",
        "/api/v1/adviser-consultations/{consultation_id}/adoption",
        f"{_SERVICES}.adviser_opinion_adopt",
    ),
}
