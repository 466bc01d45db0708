"""Pages of the full-process record (B2, B6, B7): the records panel on the case page and the
case's records page (a timeline by stage of text records, field actions with their recording
coverage, and files), the forms that add to it, downloads re-verified against their hash and
the case-file archive. Views parse input and call the services; the rules live there."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from ganchao.common import filestore
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import require_staff, scoped
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import archive, permissions, selectors
from ganchao.enforcement import selectors_records as sel
from ganchao.enforcement.choices import (
    OPEN_STAGES,
    STAGE_ORDER,
    ActionKind,
    RecordKind,
    Stage,
)
from ganchao.enforcement.services import core as core_services
from ganchao.enforcement.services import records as services

ERRORS = (ValidationFailed, Conflict, Forbidden, ProcedureBlocked)
API = "ganchao.enforcement.services.records"
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def error_text(exc) -> str:
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    if exc.errors:
        return "；".join(e.message for e in exc.errors)
    return exc.message


def _stage_choices(case):
    visited = set(case.visited or []) | {case.stage}
    return [(s.value, s.label) for s in STAGE_ORDER if s in visited]


class RecordForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("环节"))
    text = forms.CharField(label=gettext_lazy("文字记录"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _stage_choices(case)
        self.fields["stage"].initial = case.stage


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("执法活动"), choices=ActionKind.choices)
    started_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DATETIME)
    ended_at = forms.DateTimeField(label=gettext_lazy("结束时间"), required=False, widget=DATETIME)
    place = forms.CharField(label=gettext_lazy("地点"), required=False, max_length=200)
    officers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("执法人员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("现场执法须两名以上持有效执法证件的执法人员（B2）"),
    )
    certificate_shown_at = forms.DateTimeField(
        label=gettext_lazy("出示执法证件时间"), required=False, widget=DATETIME
    )
    informed_at = forms.DateTimeField(
        label=gettext_lazy("告知事由、依据和权利义务时间"), required=False, widget=DATETIME
    )
    note = forms.CharField(
        label=gettext_lazy("活动记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = sel.case_officers(case)
        self.fields["officers"].label_from_instance = lambda o: f"{o.name}（{o.certificate_no}）"


class EndForm(forms.Form):
    ended_at = forms.DateTimeField(label=gettext_lazy("结束时间"), widget=DATETIME)


class GapForm(forms.Form):
    gap_from = forms.DateTimeField(label=gettext_lazy("中断开始"), widget=DATETIME)
    gap_to = forms.DateTimeField(label=gettext_lazy("恢复录制"), widget=DATETIME)
    reason = forms.CharField(
        label=gettext_lazy("中断的技术原因"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FileForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"),
        choices=[(k.value, k.label) for k in RecordKind if k != RecordKind.TEXT],
    )
    file = forms.FileField(label=gettext_lazy("文件"))
    title = forms.CharField(label=gettext_lazy("名称"), required=False, max_length=200)
    stage = forms.ChoiceField(label=gettext_lazy("环节"), required=False)
    action = forms.TypedChoiceField(
        label=gettext_lazy("所属执法活动"), required=False, coerce=int, empty_value=None
    )
    recorded_from = forms.DateTimeField(
        label=gettext_lazy("录制开始"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy("录音录像须填写录制起止时间，用于核对全过程记录"),
    )
    recorded_to = forms.DateTimeField(
        label=gettext_lazy("录制结束"), required=False, widget=DATETIME
    )

    def __init__(self, *args, case=None, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("当前环节")), *_stage_choices(case)]
        self.fields["action"].choices = [("", "—")] + [
            (
                row.action.pk,
                f"{row.action.get_kind_display()} {timezone.localtime(row.action.started_at):%m-%d %H:%M}",
            )
            for row in actions
        ]


# ---- the panel and the page -------------------------------------------------------------------


def _case_detail_url(case) -> str:
    try:
        return reverse("enforcement:case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def _case_url(case) -> str:
    detail = _case_detail_url(case)
    if detail:
        return detail + "#panel-records"
    return reverse("enforcement:case_records", args=[case.pk])


def _missing_stages(case, facts) -> list[str]:
    """B6: the stages passed that have no text record yet."""
    if facts is None:
        return []
    passed = [s for s in STAGE_ORDER if s in (case.visited or []) and s != Stage.CLOSED]
    return [str(Stage(s).label) for s in passed if not facts.records_by_stage.get(s)]


def panel_context(request, case, facts, **forms_given) -> dict:
    """Context for templates/enforcement/panels/records.html on the case page."""
    groups = sel.timeline(case)
    actions = [row for g in groups for row in g.actions]
    handles = permissions.handles(request.user, case) and case.stage in OPEN_STAGES
    context = {
        "case": case,
        "groups": groups,
        "handles": handles,
        "missing": _missing_stages(case, facts),
        "file_count": sum(len(g.files) for g in groups),
    }
    if handles:
        context.update(
            record_form=forms_given.get("record_form") or RecordForm(prefix="r", case=case),
            action_form=forms_given.get("action_form") or ActionForm(prefix="a", case=case),
            file_form=forms_given.get("file_form")
            or FileForm(prefix="f", case=case, actions=actions),
        )
    context["records_panel"] = context
    return context


def _page(request, case, status=200, error="", **forms_given):
    facts = selectors.case_facts(case)
    panel = panel_context(request, case, facts, **forms_given)
    context = {
        **panel,
        "case": case,
        "panel": panel,
        "action_error": error,
        "case_url": _case_detail_url(case),
    }
    return render(request, "enforcement/records/case_records.html", context, status=status)


@login_required
@require_staff
@scoped
def case_records(request, pk: int):
    return _page(request, selectors.case_get(request.user, pk))


def _done(request, case, message: str):
    messages.success(request, message)
    return redirect(_case_url(case))


def _invalid(form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errs)}".lstrip("：")
        for name, errs in form.errors.items()
    )


@login_required
@require_staff
@require_POST
@scoped
def record_add(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = RecordForm(request.POST, prefix="r", case=case)
    if not form.is_valid():
        return _page(request, case, 422, _invalid(form), record_form=form)
    try:
        core_services.record_add(
            actor=request.user,
            case=case,
            text=form.cleaned_data["text"],
            stage=form.cleaned_data["stage"],
        )
    except ERRORS as exc:
        return _page(request, case, exc.status, error_text(exc), record_form=form)
    return _done(request, case, _("文字记录已登记。"))


@login_required
@require_staff
@require_POST
@scoped
def action_add(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = ActionForm(request.POST, prefix="a", case=case)
    if not form.is_valid():
        return _page(request, case, 422, _invalid(form), action_form=form)
    data = form.cleaned_data
    try:
        services.action_create(
            actor=request.user,
            case=case,
            kind=data["kind"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            place=data["place"],
            officers=list(data["officers"]),
            certificate_shown_at=data["certificate_shown_at"],
            informed_at=data["informed_at"],
            note=data["note"],
        )
    except ERRORS as exc:
        return _page(request, case, exc.status, error_text(exc), action_form=form)
    return _done(request, case, _("执法活动已登记。"))


def _on_action(request, pk, action_id, run, done: str):
    action = sel.action_get(request.user, pk, action_id)
    try:
        run(action)
    except ERRORS as exc:
        return _page(request, action.case, exc.status, error_text(exc))
    return _done(request, action.case, done)


@login_required
@require_staff
@require_POST
@scoped
def action_end(request, pk: int, action_id: int):
    form = EndForm(request.POST, prefix="e")
    ended_at = form.cleaned_data["ended_at"] if form.is_valid() else None
    return _on_action(
        request,
        pk,
        action_id,
        lambda action: services.action_end(actor=request.user, action=action, ended_at=ended_at),
        _("已记录执法活动的结束时间。"),
    )


@login_required
@require_staff
@require_POST
@scoped
def action_complete(request, pk: int, action_id: int):
    return _on_action(
        request,
        pk,
        action_id,
        lambda action: services.action_complete(actor=request.user, action=action),
        _("执法活动已完成。"),
    )


@login_required
@require_staff
@require_POST
@scoped
def gap_explain(request, pk: int, action_id: int):
    form = GapForm(request.POST, prefix="g")
    data = form.cleaned_data if form.is_valid() else {}
    return _on_action(
        request,
        pk,
        action_id,
        lambda action: services.gap_explain(
            actor=request.user,
            action=action,
            gap_from=data.get("gap_from"),
            gap_to=data.get("gap_to"),
            reason=data.get("reason") or request.POST.get("g-reason", ""),
        ),
        _("已记录音像记录中断的技术原因。"),
    )


@csrf_exempt
@login_required
@require_staff
@require_POST
def file_add(request, pk: int):
    """Uploads go to a temporary file on disk, never whole into memory (large videos); the
    handlers are set before the body is read, so the CSRF check runs after, in _file_add."""
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    return _file_add(request, pk)


@csrf_protect
@scoped
def _file_add(request, pk: int):
    case = selectors.case_get(request.user, pk)
    actions = sel.action_rows(case)
    form = FileForm(request.POST, request.FILES, prefix="f", case=case, actions=actions)
    if not form.is_valid():
        return _page(request, case, 422, _invalid(form), file_form=form)
    data = form.cleaned_data
    action = next((r.action for r in actions if r.action.pk == data["action"]), None)
    try:
        services.case_file_store(
            actor=request.user,
            case=case,
            upload=data["file"],
            kind=data["kind"],
            stage=data["stage"],
            action=action,
            title=data["title"],
            recorded_from=data["recorded_from"],
            recorded_to=data["recorded_to"],
        )
    except ERRORS as exc:
        return _page(request, case, exc.status, error_text(exc), file_form=form)
    return _done(request, case, _("材料已上传，已记录其校验值。"))


@login_required
@require_staff
@scoped
def file_download(request, pk: int, file_id: int):
    item = sel.file_get(request.user, pk, file_id)
    try:
        handle = services.case_file_open(actor=request.user, item=item)
    except Conflict as exc:
        return _page(request, item.case, exc.status, error_text(exc))
    return filestore.file_response(
        handle, filename=item.original_name, content_type=item.content_type
    )


@login_required
@require_staff
@scoped
def case_archive(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        handle, name = archive.case_archive(actor=request.user, case=case)
    except Conflict as exc:
        return _page(request, case, exc.status, error_text(exc))
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


urlpatterns = [
    path("cases/<int:pk>/records/", case_records, name="case_records"),
    path("cases/<int:pk>/records/add/", record_add, name="record_add"),
    path("cases/<int:pk>/actions/add/", action_add, name="action_add"),
    path("cases/<int:pk>/actions/<int:action_id>/end/", action_end, name="action_end"),
    path(
        "cases/<int:pk>/actions/<int:action_id>/complete/",
        action_complete,
        name="action_complete",
    ),
    path("cases/<int:pk>/actions/<int:action_id>/gaps/", gap_explain, name="gap_explain"),
    path("cases/<int:pk>/files/add/", file_add, name="file_add"),
    path("cases/<int:pk>/files/<int:file_id>/", file_download, name="file_download"),
    path("cases/<int:pk>/archive/", case_archive, name="case_archive"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:record_add": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/records",
        "ganchao.enforcement.services.core.record_add",
    ),
    "enforcement:action_add": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/actions",
        f"{API}.action_create",
    ),
    "enforcement:action_end": (
        "POST",
        "/api/v1/enforcement/actions/{action_id}/end",
        f"{API}.action_end",
    ),
    "enforcement:action_complete": (
        "POST",
        "/api/v1/enforcement/actions/{action_id}/complete",
        f"{API}.action_complete",
    ),
    "enforcement:gap_explain": (
        "POST",
        "/api/v1/enforcement/actions/{action_id}/gaps",
        f"{API}.gap_explain",
    ),
    "enforcement:file_add": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/files",
        f"{API}.case_file_store",
    ),
}
