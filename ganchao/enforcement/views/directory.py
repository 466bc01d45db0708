"""Pages of the enforcement directory: agencies (office), their officers and matters (the
agency's head or liaison, or the office), a matter's public versions (B1), and the settings
with the B7 audio-video policies (office or system administrator)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import permissions
from ganchao.enforcement import selectors_directory as selectors
from ganchao.enforcement.choices import MatterState
from ganchao.enforcement.models import settings_get
from ganchao.enforcement.services import directory as services
from ganchao.enforcement.views import directory_forms as forms

REFUSALS = (ValidationFailed, Conflict, Forbidden)
FORM = "enforcement/directory/form.html"


def error_text(exc) -> str:
    """A refusal as the page shows it: 【B1】… for a rule, else the message."""
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def apply_errors(form, exc) -> None:
    if isinstance(exc, ProcedureBlocked):
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors or []:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def _form_page(request, form, *, title, back, submit, intro="", status=200):
    context = {"form": form, "title": title, "back": back, "submit": submit, "intro": intro}
    return render(request, FORM, context, status=status)


def _require_manager(actor, agency) -> None:
    if not permissions.manages_agency(actor, agency):
        raise Forbidden(_("只有本执法主体的负责人、联络员或督查室可以维护执法人员和执法事项"))


# ---------------------------------------------------------------- agencies


@login_required
@require_staff
@scoped
def agency_list(request):
    can_create = permissions.is_office(request.user)
    context = {
        "page": paginate(request, selectors.agencies_list(request.user)),
        "can_create": can_create,
        "may_settings": services.may_manage_settings(request.user),
    }
    return render(request, "enforcement/directory/agency_list.html", context)


@login_required
@scoped
def agency_create(request):
    if not permissions.is_office(request.user):
        raise Forbidden(_("只有政府办公室（督查室）可以维护执法主体"))
    form = forms.AgencyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                agency = services.agency_create(actor=request.user, **data)
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法主体已新增。"))
                return redirect("enforcement:agency_detail", pk=agency.pk)
        status = 422
    back = reverse("enforcement:agency_list")
    return _form_page(
        request, form, title=_("新增执法主体"), back=back, submit=_("新增"), status=status
    )


@login_required
@require_staff
@scoped
def agency_detail(request, pk: int):
    agency = selectors.agency_get(request.user, pk)
    officers = selectors.officers_list(request.user, agency_id=agency.pk)
    context = {
        "agency": agency,
        "officers": selectors.officer_rows(officers),
        "matters": selectors.matters_list(request.user, agency_id=agency.pk),
        "can_edit": permissions.is_office(request.user),
        "can_manage": permissions.manages_agency(request.user, agency),
    }
    return render(request, "enforcement/directory/agency_detail.html", context)


@login_required
@scoped
def agency_edit(request, pk: int):
    agency = selectors.agency_get(request.user, pk)
    if not permissions.is_office(request.user):
        raise Forbidden(_("只有政府办公室（督查室）可以维护执法主体"))
    form = forms.AgencyEditForm(request.POST or None, instance=copy.copy(agency))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法主体已保存。"))
                return redirect("enforcement:agency_detail", pk=agency.pk)
        status = 422
    back = reverse("enforcement:agency_detail", args=[agency.pk])
    title = _("修改执法主体：%(name)s") % {"name": agency.name}
    return _form_page(request, form, title=title, back=back, submit=_("保存"), status=status)


# ---------------------------------------------------------------- officers


@login_required
@require_staff
@scoped
def officer_list(request):
    agency_id = query_int(request.GET.get("agency"))
    rows = selectors.officers_list(request.user, agency_id=agency_id)
    page = paginate(request, rows)
    context = {
        "page": page,
        "rows": selectors.officer_rows(page.object_list),
        "agencies": selectors.agencies_list(request.user).only("pk", "name", "unit__name"),
        "agency_id": agency_id,
    }
    return render(request, "enforcement/directory/officer_list.html", context)


def _officer_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["matters"] = list(data["matters"])
    return data


@login_required
@scoped
def officer_create(request, pk: int):
    agency = selectors.agency_get(request.user, pk)
    _require_manager(request.user, agency)
    form = forms.OfficerForm(request.POST or None, agency=agency)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.officer_create(actor=request.user, agency=agency, **_officer_data(form))
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法人员已新增。"))
                return redirect("enforcement:agency_detail", pk=agency.pk)
        status = 422
    back = reverse("enforcement:agency_detail", args=[agency.pk])
    title = _("新增执法人员：%(agency)s") % {"agency": agency.name}
    return _form_page(request, form, title=title, back=back, submit=_("新增"), status=status)


@login_required
@scoped
def officer_edit(request, pk: int):
    officer = selectors.officer_get(request.user, pk)
    _require_manager(request.user, officer.agency)
    initial = model_to_dict(officer, fields=forms.OFFICER_FIELDS)
    form = forms.OfficerForm(request.POST or None, initial=initial, agency=officer.agency)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.officer_update(actor=request.user, officer=officer, **_officer_data(form))
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法人员信息已保存。"))
                return redirect("enforcement:agency_detail", pk=officer.agency_id)
        status = 422
    back = reverse("enforcement:agency_detail", args=[officer.agency_id])
    title = _("修改执法人员：%(name)s") % {"name": officer.name}
    return _form_page(request, form, title=title, back=back, submit=_("保存"), status=status)


@login_required
@require_POST
@scoped
def officer_deactivate(request, pk: int):
    officer = selectors.officer_get(request.user, pk)
    form = forms.DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.officer_deactivate(actor=request.user, officer=officer, reason=reason)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(name)s已离岗，不再承办新案件。") % {"name": officer.name})
    return redirect("enforcement:agency_detail", pk=officer.agency_id)


# ---------------------------------------------------------------- matters


@login_required
@require_staff
@scoped
def matter_list(request):
    filters = forms.MatterFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    agency = chosen.get("agency")
    rows = selectors.matters_list(
        request.user,
        agency_id=agency.pk if agency else None,
        category=chosen.get("category") or None,
        state=chosen.get("state") or None,
    )
    context = {"page": paginate(request, rows), "filters": filters}
    return render(request, "enforcement/directory/matter_list.html", context)


@login_required
@scoped
def matter_create(request, pk: int):
    agency = selectors.agency_get(request.user, pk)
    _require_manager(request.user, agency)
    form = forms.MatterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                matter = services.matter_create(
                    actor=request.user, agency=agency, **form.cleaned_data
                )
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法事项草稿已保存，内容齐全后可以公示。"))
                return redirect("enforcement:matter_detail", pk=matter.pk)
        status = 422
    back = reverse("enforcement:agency_detail", args=[agency.pk])
    title = _("新增执法事项：%(agency)s") % {"agency": agency.name}
    intro = _(
        "执法事项须公开法律依据、办理程序、流程图、受理和决定机构、受理条件、办理时限、救济途径和裁量基准后才能公示，公示后才能据此立案（B1）。"
    )
    return _form_page(
        request, form, title=title, back=back, submit=_("保存草稿"), intro=intro, status=status
    )


def _matter_context(request, matter, **extra) -> dict:
    manager = permissions.manages_agency(request.user, matter.agency)
    draft = matter.state == MatterState.DRAFT
    published = matter.state == MatterState.PUBLISHED
    successor = selectors.matter_draft_successor(matter) if published else None
    context = {
        "matter": matter,
        "versions": selectors.matter_versions(matter),
        "missing": services.missing_public_fields(matter) if draft else [],
        "officers": selectors.covering_officers(matter),
        "successor": successor,
        "can_edit": manager and draft,
        "can_publish": manager and draft,
        "can_revise": manager and published and successor is None,
        "can_repeal": manager and (draft or published),
        "repeal_form": forms.RepealForm(),
    }
    context.update(extra)
    return context


@login_required
@require_staff
@scoped
def matter_detail(request, pk: int):
    matter = selectors.matter_get(request.user, pk)
    context = _matter_context(request, matter)
    return render(request, "enforcement/directory/matter_detail.html", context)


def _refused(request, matter, exc, **extra):
    context = _matter_context(request, matter, action_error=error_text(exc), **extra)
    return render(request, "enforcement/directory/matter_detail.html", context, status=exc.status)


@login_required
@scoped
def matter_edit(request, pk: int):
    matter = selectors.matter_get(request.user, pk)
    _require_manager(request.user, matter.agency)
    form = forms.MatterEditForm(request.POST or None, instance=copy.copy(matter))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.matter_update(actor=request.user, matter=matter, **form.cleaned_data)
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("执法事项草稿已保存。"))
                return redirect("enforcement:matter_detail", pk=matter.pk)
        status = 422
    back = reverse("enforcement:matter_detail", args=[matter.pk])
    title = _("修改执法事项：%(name)s") % {"name": matter}
    return _form_page(request, form, title=title, back=back, submit=_("保存"), status=status)


@login_required
@require_POST
@scoped
def matter_publish(request, pk: int):
    matter = selectors.matter_get(request.user, pk)
    try:
        services.matter_publish(actor=request.user, matter=matter)
    except REFUSALS as exc:
        return _refused(request, matter, exc)
    messages.success(request, _("执法事项已公示，可以据此立案。"))
    return redirect("enforcement:matter_detail", pk=matter.pk)


@login_required
@scoped
def matter_revise(request, pk: int):
    matter = selectors.matter_get(request.user, pk)
    _require_manager(request.user, matter.agency)
    initial = model_to_dict(matter, fields=list(services.MATTER_FIELDS))
    form = forms.ReviseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            change_note = data.pop("change_note")
            try:
                new = services.matter_revise(
                    actor=request.user, matter=matter, change_note=change_note, **data
                )
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("第%(n)d版草稿已建立；公示后取代现行版本，已立案件仍适用原版本。")
                    % {"n": new.number},
                )
                return redirect("enforcement:matter_detail", pk=new.pk)
        status = 422
    back = reverse("enforcement:matter_detail", args=[matter.pk])
    title = _("修订执法事项：%(name)s") % {"name": matter}
    intro = _(
        "已公示的执法事项不直接修改。修订将建立新版本草稿，现行版本在新版本公示前继续有效；法律依据变化的，必须修订。"
    )
    return _form_page(
        request, form, title=title, back=back, submit=_("建立新版本"), intro=intro, status=status
    )


@login_required
@require_POST
@scoped
def matter_repeal(request, pk: int):
    matter = selectors.matter_get(request.user, pk)
    form = forms.RepealForm(request.POST)
    if not form.is_valid():
        exc = ValidationFailed.on("reason", _("请填写停用理由"))
        return _refused(request, matter, exc, repeal_form=form)
    try:
        services.matter_repeal(actor=request.user, matter=matter, **form.cleaned_data)
    except REFUSALS as exc:
        return _refused(request, matter, exc, repeal_form=form)
    messages.success(request, _("执法事项已停用，不能再据此立案。"))
    return redirect("enforcement:matter_detail", pk=matter.pk)


# ---------------------------------------------------------------- settings


def _settings_context(request, form=None, policy_form=None, **extra) -> dict:
    rows = selectors.av_policy_rows()
    if form is None:
        form = forms.SettingsForm(instance=copy.copy(settings_get()))
    if policy_form is None:
        initial = {r.kind: r.effective for r in rows if r.overridden}
        policy_form = forms.av_policy_form_class(rows)(initial=initial)
    context = {
        "form": form,
        "policy_form": policy_form,
        "policy_rows": [(row, policy_form[row.kind]) for row in rows],
        "current": settings_get(),
    }
    context.update(extra)
    return context


def _require_settings(actor) -> None:
    if not services.may_manage_settings(actor):
        raise Forbidden(_("只有政府办公室（督查室）或系统管理员可以修改行政执法设置"))


@login_required
@scoped
def settings_page(request):
    _require_settings(request.user)
    status = 200
    form = None
    if request.method == "POST":
        form = forms.SettingsForm(request.POST, instance=copy.copy(settings_get()))
        if form.is_valid():
            try:
                services.settings_update(actor=request.user, **form.cleaned_data)
            except REFUSALS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("行政执法设置已保存。"))
                return redirect("enforcement:settings")
        status = 422
    context = _settings_context(request, form)
    return render(request, "enforcement/directory/settings.html", context, status=status)


@login_required
@require_POST
@scoped
def av_policies(request):
    _require_settings(request.user)
    rows = selectors.av_policy_rows()
    policy_form = forms.av_policy_form_class(rows)(request.POST)
    if policy_form.is_valid():
        try:
            with transaction.atomic():
                for kind, policy in policy_form.cleaned_data.items():
                    services.av_policy_set(actor=request.user, action_kind=kind, policy=policy)
        except REFUSALS as exc:
            apply_errors(policy_form, exc)
        else:
            messages.success(request, _("音像记录要求已保存。"))
            return redirect("enforcement:settings")
    context = _settings_context(request, policy_form=policy_form)
    return render(request, "enforcement/directory/settings.html", context, status=422)


urlpatterns = [
    path("agencies/", agency_list, name="agency_list"),
    path("agencies/new/", agency_create, name="agency_create"),
    path("agencies/<int:pk>/", agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/officers/new/", officer_create, name="officer_create"),
    path("agencies/<int:pk>/matters/new/", matter_create, name="matter_create"),
    path("officers/", officer_list, name="officer_list"),
    path("officers/<int:pk>/edit/", officer_edit, name="officer_edit"),
    path("officers/<int:pk>/deactivate/", officer_deactivate, name="officer_deactivate"),
    path("matters/", matter_list, name="matter_list"),
    path("matters/<int:pk>/", matter_detail, name="matter_detail"),
    path("matters/<int:pk>/edit/", matter_edit, name="matter_edit"),
    path("matters/<int:pk>/publish/", matter_publish, name="matter_publish"),
    path("matters/<int:pk>/revise/", matter_revise, name="matter_revise"),
    path("matters/<int:pk>/repeal/", matter_repeal, name="matter_repeal"),
    path("settings/", settings_page, name="settings"),
    path("settings/av-policies/", av_policies, name="av_policies"),
]

_S = "ganchao.enforcement.services.directory."
_API = "/api/v1/enforcement"
# URL name → (method, API path, dotted service) of each POST page action
# (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:agency_create": ("POST", _API + "/agencies", _S + "agency_create"),
    "enforcement:agency_edit": ("PATCH", _API + "/agencies/{agency_id}", _S + "agency_update"),
    "enforcement:officer_create": ("POST", _API + "/officers", _S + "officer_create"),
    "enforcement:officer_edit": ("PATCH", _API + "/officers/{officer_id}", _S + "officer_update"),
    "enforcement:officer_deactivate": (
        "POST",
        _API + "/officers/{officer_id}/deactivate",
        _S + "officer_deactivate",
    ),
    "enforcement:matter_create": ("POST", _API + "/matters", _S + "matter_create"),
    "enforcement:matter_edit": ("PATCH", _API + "/matters/{matter_id}", _S + "matter_update"),
    "enforcement:matter_publish": (
        "POST",
        _API + "/matters/{matter_id}/publish",
        _S + "matter_publish",
    ),
    "enforcement:matter_revise": (
        "POST",
        _API + "/matters/{matter_id}/revise",
        _S + "matter_revise",
    ),
    "enforcement:matter_repeal": (
        "POST",
        _API + "/matters/{matter_id}/repeal",
        _S + "matter_repeal",
    ),
    "enforcement:settings": ("PUT", _API + "/settings", _S + "settings_update"),
    "enforcement:av_policies": ("PUT", _API + "/settings", _S + "av_policy_set"),
}
