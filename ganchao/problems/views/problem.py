"""登记问题 (/problems/new/), the problem page (/problems/<id>/) with its facts, links, photos and
timeline, and the actions the actor may take now — plan, report with photos, verify (销号 or
退回), add photos, edit — each a form calling the service; a refusal is a message, never a 500."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ganchao.common import filestore
from ganchao.common.errors import Conflict, Forbidden, GanchaoError, ValidationFailed
from ganchao.common.forms import apply_error
from ganchao.common.views import query_int, require_staff, scoped
from ganchao.problems import selectors, services
from ganchao.problems.choices import TRANSITIONS, UNCLOSED_STATES, PhotoStage, State
from ganchao.problems.forms import (
    PhotosForm,
    PlanForm,
    ProblemEditForm,
    ProblemForm,
    ReportForm,
    VerifyForm,
)
from ganchao.problems.views.ledger import SEVERITY_COLORS, STATE_COLORS
from ganchao.projects.models import KeyProject

REFUSALS = (ValidationFailed, Conflict, Forbidden)
EDITABLE = (
    "place_type", "place", "category", "severity", "description", "owner_unit",
    "legacy", "blocks_project", "deadline",
)  # fmt: skip
API_TWINS = {
    "problems:new": ("POST", "/api/v1/problems", "ganchao.problems.services.problem_create"),
    "problems:edit": (
        "PATCH",
        "/api/v1/problems/{problem_id}",
        "ganchao.problems.services.problem_update",
    ),
    "problems:plan": (
        "POST",
        "/api/v1/problems/{problem_id}/plan",
        "ganchao.problems.services.problem_plan",
    ),
    "problems:report": (
        "POST",
        "/api/v1/problems/{problem_id}/report",
        "ganchao.problems.services.problem_report",
    ),
    "problems:verify": (
        "POST",
        "/api/v1/problems/{problem_id}/verify",
        "ganchao.problems.services.problem_verify",
    ),
    "problems:photos": (
        "POST",
        "/api/v1/problems/{problem_id}/photos",
        "ganchao.problems.services.problem_add_photos",
    ),
}


def _url(name: str, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def links_of(problem) -> list[dict]:
    """The goal item, matter, case and visit the problem is linked to, with their pages."""
    links = []
    project = (
        KeyProject.objects.filter(item_id=problem.item_id).first() if problem.item_id else None
    )
    if project is not None:  # a key project: its own page, which shows what blocks it
        links.append(
            {
                "label": _("重点项目"),
                "text": f"{project.code} {problem.item.name}",
                "url": _url("projects:detail", project.pk),
            }
        )
    elif problem.item_id:
        links.append(
            {
                "label": _("目标任务或重点项目"),
                "text": str(problem.item),
                "url": _url("goals:item_detail", problem.item_id),
            }
        )
    if problem.matter_id:
        links.append(
            {
                "label": _("督办事项"),
                "text": str(problem.matter),
                "url": _url("supervision:matter_detail", problem.matter_id),
            }
        )
    if problem.case_id:
        links.append(
            {
                "label": _("执法案件"),
                "text": str(problem.case),
                "url": _url("enforcement:case_detail", problem.case_id),
            }
        )
    if problem.finding_id:
        finding = problem.finding
        links.append(
            {
                "label": _("调研督导"),
                "text": str(finding),
                "url": _url("visits:visit_detail", finding.visit_id),
            }
        )
    if problem.recurrence_of_id:
        links.append(
            {
                "label": _("复发自"),
                "text": problem.recurrence_of.number,
                "url": _url("problems:detail", problem.recurrence_of_id),
            }
        )
    return links


def actions_of(actor, problem) -> dict:
    """Which forms the page offers now: the state's next steps the actor may take."""
    state = problem.state
    handles = services.may_handle(actor, problem)
    return {
        "plan": handles
        and State.RECTIFYING in TRANSITIONS.get(state, set())
        and state != State.VERIFYING,
        "report": handles and state == State.RECTIFYING,
        "verify": state == State.VERIFYING and services.may_verify(actor, problem),
        "photos": state != State.CLOSED and (handles or services.may_edit(actor, problem)),
        "edit": state != State.CLOSED and services.may_edit(actor, problem),
    }


def detail_context(request, problem, **forms) -> dict:
    today = timezone.localdate()
    photos = list(problem.photos.all())
    actions = actions_of(request.user, problem)
    return {
        "problem": problem,
        "overdue": problem.state in UNCLOSED_STATES and problem.deadline < today,
        "state_color": STATE_COLORS.get(problem.state, "secondary"),
        "severity_color": SEVERITY_COLORS.get(problem.severity, "secondary"),
        "links": links_of(problem),
        "found_photos": [p for p in photos if p.stage == PhotoStage.FOUND],
        "rectified_photos": [p for p in photos if p.stage == PhotoStage.RECTIFIED],
        "events": list(problem.events.all()),
        "actions": actions,
        "has_actions": any(actions.values()),
        "plan_form": forms.get("plan_form") or PlanForm(initial={"measures": problem.measures}),
        "report_form": forms.get("report_form") or ReportForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "photos_form": forms.get("photos_form") or PhotosForm(),
        "action_error": forms.get("action_error", ""),
    }


@login_required
@require_staff
@require_GET
@scoped
def detail(request, pk: int):
    problem = selectors.problem_get(request.user, pk)
    return render(request, "problems/detail.html", detail_context(request, problem))


def _refused(request, problem, exc: GanchaoError, form_name: str, form):
    """The page again with the refusal over the forms and next to the field it names."""
    apply_error(form, exc)
    problem = selectors.problem_get(request.user, problem.pk)
    context = detail_context(request, problem, action_error=exc.message, **{form_name: form})
    return render(request, "problems/detail.html", context, status=exc.status)


def _invalid(request, problem, form_name: str, form):
    context = detail_context(
        request, problem, action_error=_("请按提示修改后再提交"), **{form_name: form}
    )
    return render(request, "problems/detail.html", context, status=422)


def _done(request, problem, message: str):
    messages.success(request, message)
    return redirect("problems:detail", pk=problem.pk)


def _photos(files) -> list:
    return list(files or [])


def _act(request, pk: int, form_class, form_name: str, run):
    """One workflow step of the problem page: check the form, `run(problem, cleaned_data)`
    (the service call, answering the success message), then back to the page; a bad form or a
    refusal shows the page again with the step's form and the error next to its field."""
    problem = selectors.problem_get(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, problem, form_name, form)
    try:
        message = run(problem, form.cleaned_data)
    except REFUSALS as exc:
        return _refused(request, problem, exc, form_name, form)
    return _done(request, problem, message)


@login_required
@require_staff
@require_POST
@scoped
def plan(request, pk: int):
    def run(problem, data):
        services.problem_plan(
            actor=request.user,
            problem=problem,
            measures=data["measures"],
            deadline=data["deadline"],
        )
        return _("整改措施已保存，问题进入“整改中”。")

    return _act(request, pk, PlanForm, "plan_form", run)


@login_required
@require_staff
@require_POST
@scoped
def report(request, pk: int):
    def run(problem, data):
        services.problem_report(
            actor=request.user, problem=problem, note=data["note"], photos=_photos(data["photos"])
        )
        return _("整改情况已报告，等待发现人或督查室核验销号。")

    return _act(request, pk, ReportForm, "report_form", run)


@login_required
@require_staff
@require_POST
@scoped
def verify(request, pk: int):
    def run(problem, data):
        services.problem_verify(
            actor=request.user, problem=problem, accept=data["accept"], note=data["note"]
        )
        if data["accept"]:
            return _("已核验销号。")
        return _("核验未通过，已退回继续整改。")

    return _act(request, pk, VerifyForm, "verify_form", run)


@login_required
@require_staff
@require_POST
@scoped
def photos(request, pk: int):
    def run(problem, data):
        services.problem_add_photos(
            actor=request.user,
            problem=problem,
            stage=data["stage"],
            photos=_photos(data["photos"]),
        )
        return _("照片已上传。")

    return _act(request, pk, PhotosForm, "photos_form", run)


@login_required
@require_staff
@require_GET
@scoped
def photo(request, pk: int, photo_id: int, size: str = "full"):
    """A photo or its thumbnail, re-hashed before it is served (shown inline)."""
    found = selectors.photo_get(request.user, pk, photo_id)
    if size == "thumb" and found.thumbnail:
        name, digest, kind = found.thumbnail.name, found.thumbnail_sha256, "image/jpeg"
    else:
        name, digest, kind = found.file.name, found.sha256, found.content_type
    try:
        handle = filestore.open_verified(name, digest, found.original_name)
    except filestore.FileAltered as exc:
        messages.error(request, exc.message)
        return redirect("problems:detail", pk=pk)
    return filestore.file_response(
        handle, filename=found.original_name, content_type=kind, inline=True
    )


# ---- create and edit ----------------------------------------------------------------------------


@login_required
@require_staff
@scoped
def new(request):
    data = request.POST if request.method == "POST" else None
    form = ProblemForm(data, request.FILES or None, initial={"found_on": timezone.localdate()})
    status = 200
    if data is not None:
        status = 422
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                problem = services.problem_create(
                    actor=request.user,
                    photos=_photos(cleaned.pop("photos")),
                    **cleaned,
                )
            except REFUSALS as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                return _done(request, problem, _created_message(problem))
    return render(request, "problems/form.html", {"form": form, "editing": False}, status=status)


def _created_message(problem) -> str:
    if problem.state == State.REOPENED:
        return _(
            "同一地点同类问题在复发认定期内已销号，现重新打开问题 %(number)s（第 %(n)d 次复发）。"
        ) % {"number": problem.number, "n": problem.recurrence_count}
    return _("已登记问题 %(number)s。") % {"number": problem.number}


@login_required
@require_staff
@scoped
def edit(request, pk: int):
    problem = selectors.problem_get(request.user, pk)
    if not services.may_edit(request.user, problem) or problem.state == State.CLOSED:
        raise Forbidden(_("只有发现人或督查室可以修改未销号的问题"))
    initial = {name: getattr(problem, name) for name in EDITABLE}
    initial["owner_unit"] = problem.owner_unit.code
    data = request.POST if request.method == "POST" else None
    form = ProblemEditForm(data, initial=initial)
    status = 200
    if data is not None:
        status = 422
        if form.is_valid():
            changed = {
                name: form.cleaned_data[name] for name in EDITABLE if name in form.changed_data
            }
            if changed.get("deadline", "") is None:
                del changed["deadline"]
            try:
                services.problem_update(
                    actor=request.user,
                    problem=problem,
                    version=_version(request.POST.get("version")),
                    **changed,
                )
            except REFUSALS as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                return _done(request, problem, _("问题已修改。"))
    context = {"form": form, "editing": True, "problem": problem}
    return render(request, "problems/form.html", context, status=status)


def _version(raw) -> int:
    """The version the form was made from; without it the edit could overwrite a newer one."""
    version = query_int(raw)
    if version is None:
        raise ValidationFailed.on("version", _("页面已过期，请刷新后重新修改"))
    return version
