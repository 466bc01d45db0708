"""Pages of the decision catalogue (决策事项目录, A1) and of the module's settings: the list by
year, a version with its items, new versions, item edits while draft, the party committee's
approval and publication (office only; every signed-in staff user reads)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.uploads import xlsx_response
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.common.widgets import PickerSelect
from ganchao.decisions import permissions, selectors_catalogue
from ganchao.decisions.choices import CatalogueState, Category
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.selectors import settings_get
from ganchao.decisions.services import catalogue as services
from ganchao.orgs.models import Unit


def error_text(exc) -> str:
    """A refusal as the page shows it: 【A1】… for a rule, else the message."""
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def apply_errors(form, exc) -> None:
    """The service's errors next to their fields (or over the form, naming the rule)."""
    if isinstance(exc, ProcedureBlocked):
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors or []:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


class CatalogueForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("决策机关"), queryset=Unit.objects.none(), widget=PickerSelect()
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=gettext_lazy("目录名称"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("不填时为“××市××年度重大行政决策事项目录”"),
    )
    adjustment_note = forms.CharField(
        label=gettext_lazy("调整说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("同一年度再建新版本时必填：说明增加、删除或修改了哪些事项及理由"),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors_catalogue.organs(actor)


class CatalogueItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("决策事项"), max_length=200)
    category = forms.ChoiceField(
        label=gettext_lazy("类别"),
        choices=[("", "—")] + list(Category.choices),
        help_text=gettext_lazy(
            "宏观调控、政府立法和突发事件应急处置决策不适用重大行政决策程序，不列入目录（A1）"
        ),
    )
    undertaking_unit = forms.ModelChoiceField(
        label=gettext_lazy("拟承办单位"),
        queryset=Unit.objects.filter(active=True).order_by("path"),
        required=False,
        widget=PickerSelect(),
    )
    planned_quarter = forms.CharField(
        label=gettext_lazy("计划完成时间"), max_length=40, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("事项说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveForm(forms.Form):
    party_approved_on = forms.DateField(
        label=gettext_lazy("党委同意日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    party_approval_doc = forms.CharField(
        label=gettext_lazy("党委同意文号"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例：××市委办〔2026〕5号"}),
    )


class SettingsForm(forms.Form):
    catalogue_mode = forms.BooleanField(
        label=gettext_lazy("目录管理模式（决策须列入已公布目录）"),
        required=False,
        help_text=gettext_lazy("启用后，只能针对已公布目录中的事项提出重大行政决策（A1）"),
    )
    min_consultation_days = forms.IntegerField(
        label=gettext_lazy("公开征求意见最短期限（日）"), min_value=1, max_value=365
    )
    hearing_materials_days = forms.IntegerField(
        label=gettext_lazy("听证材料提前送达天数（日）"), min_value=1, max_value=365
    )
    min_review_working_days = forms.IntegerField(
        label=gettext_lazy("合法性审查最短审查时间（工作日）"), min_value=1, max_value=365
    )
    review_limit_working_days = forms.IntegerField(
        label=gettext_lazy("合法性审查办理时限（工作日）"), min_value=1, max_value=365
    )


def _year(raw) -> int | None:
    value = query_int(raw, digits=4)
    return value if value and 2000 <= value <= 2100 else None


@login_required
@require_staff
def catalogue_list(request):
    year = _year(request.GET.get("year"))
    rows = selectors_catalogue.catalogue_list(request.user, year=year)
    can_manage = permissions.is_office(request.user)
    form = None
    if can_manage:
        form = CatalogueForm(
            actor=request.user, initial={"year": year or timezone.localdate().year}
        )
    context = {
        "page": paginate(request, rows),
        "year": year,
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "decisions/catalogue_list.html", context)


@login_required
@require_POST
@scoped
def catalogue_create(request):
    form = CatalogueForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            catalogue = services.catalogue_create(
                actor=request.user,
                owner=data["owner"],
                year=data["year"],
                title=data["title"],
                adjustment_note=data["adjustment_note"],
            )
        except (ValidationFailed, Conflict, Forbidden) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("目录第%(n)s版已建立。") % {"n": catalogue.number})
            return redirect("decisions:catalogue_detail", pk=catalogue.pk)
    rows = selectors_catalogue.catalogue_list(request.user)
    context = {"page": paginate(request, rows), "year": None, "can_manage": True, "form": form}
    return render(request, "decisions/catalogue_list.html", context, status=422)


def _detail_context(request, catalogue, **extra) -> dict:
    can_manage = permissions.is_office(request.user)
    draft = catalogue.state == CatalogueState.DRAFT
    versions = selectors_catalogue.catalogue_list(
        request.user, year=catalogue.year, owner_id=catalogue.owner_id
    )
    context = {
        "catalogue": catalogue,
        "items": selectors_catalogue.catalogue_items(catalogue),
        "versions": versions,
        "can_manage": can_manage,
        "can_edit": can_manage and draft,
        "item_form": CatalogueItemForm() if can_manage and draft else None,
        "approve_form": ApproveForm() if can_manage and draft else None,
        "new_version_form": CatalogueForm(
            actor=request.user,
            initial={"owner": catalogue.owner_id, "year": catalogue.year, "title": catalogue.title},
        )
        if can_manage and not draft
        else None,
    }
    context.update(extra)
    return context


@login_required
@require_staff
@scoped
def catalogue_detail(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    return render(request, "decisions/catalogue_detail.html", _detail_context(request, catalogue))


def _refused(request, catalogue, exc, **forms_):
    """The detail page again with the refusal shown; nothing was saved."""
    context = _detail_context(request, catalogue, action_error=error_text(exc), **forms_)
    return render(request, "decisions/catalogue_detail.html", context, status=exc.status)


@login_required
@require_POST
@scoped
def catalogue_item_add(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    form = CatalogueItemForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, catalogue, item_form=form)
        return render(request, "decisions/catalogue_detail.html", context, status=422)
    try:
        services.catalogue_item_add(actor=request.user, catalogue=catalogue, **form.cleaned_data)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        apply_errors(form, exc)
        return _refused(request, catalogue, exc, item_form=form)
    messages.success(request, _("目录事项已增加。"))
    return redirect("decisions:catalogue_detail", pk=catalogue.pk)


@login_required
@scoped
def catalogue_item_edit(request, pk: int, item_id: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    item = selectors_catalogue.catalogue_item_get(request.user, catalogue, item_id)
    if request.method == "POST":
        form = CatalogueItemForm(request.POST)
        if form.is_valid():
            try:
                services.catalogue_item_update(actor=request.user, item=item, **form.cleaned_data)
            except (ValidationFailed, Conflict, Forbidden) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("目录事项已保存。"))
                return redirect("decisions:catalogue_detail", pk=catalogue.pk)
        status = 422
    else:
        form = CatalogueItemForm(
            initial={
                "title": item.title,
                "category": item.category,
                "undertaking_unit": item.undertaking_unit_id,
                "planned_quarter": item.planned_quarter,
                "description": item.description,
            }
        )
        status = 200
    context = {"catalogue": catalogue, "item": item, "form": form}
    return render(request, "decisions/catalogue_item_form.html", context, status=status)


@login_required
@require_POST
@scoped
def catalogue_item_remove(request, pk: int, item_id: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    item = selectors_catalogue.catalogue_item_get(request.user, catalogue, item_id)
    try:
        services.catalogue_item_remove(actor=request.user, item=item)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _refused(request, catalogue, exc)
    messages.success(request, _("目录事项已删除。"))
    return redirect("decisions:catalogue_detail", pk=catalogue.pk)


@login_required
@require_POST
@scoped
def catalogue_approve(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, catalogue, approve_form=form)
        return render(request, "decisions/catalogue_detail.html", context, status=422)
    try:
        services.catalogue_approve(actor=request.user, catalogue=catalogue, **form.cleaned_data)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        apply_errors(form, exc)
        return _refused(request, catalogue, exc, approve_form=form)
    messages.success(request, _("已登记党委同意意见，可以公布目录。"))
    return redirect("decisions:catalogue_detail", pk=catalogue.pk)


@login_required
@require_POST
@scoped
def catalogue_publish(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    try:
        services.catalogue_publish(actor=request.user, catalogue=catalogue)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _refused(request, catalogue, exc)
    messages.success(request, _("目录已公布。"))
    return redirect("decisions:catalogue_detail", pk=catalogue.pk)


MAX_SHEET_BYTES = 5 * 1024 * 1024


@login_required
@require_staff
@scoped
def catalogue_export(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    data = selectors_catalogue.catalogue_sheet(catalogue)
    return xlsx_response(data, f"决策事项目录-{catalogue.year}-第{catalogue.number}版.xlsx")


@login_required
@require_POST
@scoped
def catalogue_import(request, pk: int):
    catalogue = selectors_catalogue.catalogue_get(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_SHEET_BYTES:
        exc = ValidationFailed.on("file", _("请选择不超过5MB的 .xlsx 文件"))
        return _refused(request, catalogue, exc)
    try:
        count = services.catalogue_items_import(
            actor=request.user, catalogue=catalogue, data=upload.read(), filename=upload.name
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        context = _detail_context(
            request,
            catalogue,
            action_error=error_text(exc),
            import_errors=[
                e.message for e in exc.errors if e.field == "file" and e.message != exc.message
            ],
        )
        return render(request, "decisions/catalogue_detail.html", context, status=exc.status)
    messages.success(request, _("已导入%(n)s个目录事项。") % {"n": count})
    return redirect("decisions:catalogue_detail", pk=catalogue.pk)


@login_required
@scoped
def settings_page(request):
    if not services.may_manage_settings(request.user):
        raise Forbidden(_("只有政府办公室（督查室）或系统管理员可以修改重大行政决策设置"))
    current = settings_get()
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.decision_settings_update(actor=request.user, **form.cleaned_data)
            except (ValidationFailed, Forbidden) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("重大行政决策设置已保存。"))
                return redirect("decisions:settings")
        status = 422
    else:
        form = SettingsForm(
            initial={name: getattr(current, name) for name in services.SETTINGS_FIELDS}
        )
    return render(
        request, "decisions/settings.html", {"form": form, "current": current}, status=status
    )


urlpatterns = [
    path("catalogues/", catalogue_list, name="catalogue_list"),
    path("catalogues/new/", catalogue_create, name="catalogue_create"),
    path("catalogues/<int:pk>/", catalogue_detail, name="catalogue_detail"),
    path("catalogues/<int:pk>/items/", catalogue_item_add, name="catalogue_item_add"),
    path(
        "catalogues/<int:pk>/items/<int:item_id>/edit/",
        catalogue_item_edit,
        name="catalogue_item_edit",
    ),
    path(
        "catalogues/<int:pk>/items/<int:item_id>/remove/",
        catalogue_item_remove,
        name="catalogue_item_remove",
    ),
    path("catalogues/<int:pk>/export.xlsx", catalogue_export, name="catalogue_export"),
    path("catalogues/<int:pk>/import/", catalogue_import, name="catalogue_import"),
    path("catalogues/<int:pk>/approve/", catalogue_approve, name="catalogue_approve"),
    path("catalogues/<int:pk>/publish/", catalogue_publish, name="catalogue_publish"),
    path("settings/", settings_page, name="settings"),
]

_S = "ganchao.decisions.services.catalogue."
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:catalogue_create": ("POST", "/api/v1/decision-catalogues", _S + "catalogue_create"),
    "decisions:catalogue_item_add": (
        "POST",
        "/api/v1/decision-catalogues/{catalogue_id}/items",
        _S + "catalogue_item_add",
    ),
    "decisions:catalogue_item_edit": (
        "PATCH",
        "/api/v1/decision-catalogues/{catalogue_id}/items/{item_id}",
        _S + "catalogue_item_update",
    ),
    "decisions:catalogue_item_remove": (
        "DELETE",
        "/api/v1/decision-catalogues/{catalogue_id}/items/{item_id}",
        _S + "catalogue_item_remove",
    ),
    "decisions:catalogue_import": (
        "POST",
        "/api/v1/decision-catalogues/{catalogue_id}/import",
        _S + "catalogue_items_import",
    ),
    "decisions:catalogue_approve": (
        "POST",
        "/api/v1/decision-catalogues/{catalogue_id}/approve",
        _S + "catalogue_approve",
    ),
    "decisions:catalogue_publish": (
        "POST",
        "/api/v1/decision-catalogues/{catalogue_id}/publish",
        _S + "catalogue_publish",
    ),
    "decisions:settings": ("PUT", "/api/v1/decisions/settings", _S + "decision_settings_update"),
}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/catalogue.html on the decision page."""
    return {}
