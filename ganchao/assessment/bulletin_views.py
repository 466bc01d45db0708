"""Pages of the bulletins (通报), for the supervision office only (everyone else gets 404): the
list of published results and issued bulletins with a 生成通报 button, the downloads, and the
page where the office replaces the .docx template or restores the built-in one."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.assessment import bulletin, services_bulletins
from ganchao.assessment.models import BulletinIssue
from ganchao.assessment.permissions import manages_assessment
from ganchao.common.errors import Conflict, GanchaoError, ValidationFailed
from ganchao.common.views import paginate, scoped

DONE_COOKIE = "gc_bulletin_done"


def office_only(view):
    @login_required
    @scoped
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not manages_assessment(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=bulletin.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
@office_only
def bulletin_list(request):
    context = {
        "published": bulletin.published_periods(),
        "page": paginate(request, bulletin.issues()),
    }
    return render(request, "assessment/bulletin_list.html", context)


@require_POST
@office_only
def bulletin_issue(request):
    try:
        generated = services_bulletins.bulletin_generate(
            actor=request.user,
            scheme_code=request.POST.get("scheme", "").strip(),
            period=request.POST.get("period", "").strip(),
        )
    except GanchaoError as exc:
        messages.error(request, _("通报未生成：%(error)s") % {"error": exc.message})
        return redirect("assessment:bulletin_list")
    issue = generated.issue
    done = _("已编文号") if generated.created else _("沿用已编文号")
    messages.success(
        request,
        _("通报 %(number)s 已生成并开始下载（%(done)s，%(code)s %(period)s 第%(rev)s版结果）。")
        % {
            "number": issue.number,
            "done": done,
            "code": issue.scheme_code,
            "period": issue.period,
            "rev": issue.result.result_revision,
        },
    )
    response = docx_response(generated.content, generated.filename)
    token = request.POST.get("token", "")[:40]
    if token.isalnum():  # lets the page tell the download has arrived (see bulletin_list.html)
        response.set_cookie(DONE_COOKIE, token, max_age=120, samesite="Lax")
    return response


@require_GET
@office_only
def bulletin_download(request, pk: int):
    issue = get_object_or_404(
        BulletinIssue.objects.select_related("result__scheme__category"), pk=pk
    )
    try:
        with transaction.atomic():
            content = services_bulletins.issued_document(issue)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, _("通报未生成：%(error)s") % {"error": exc.message})
        return redirect("assessment:bulletin_list")
    return docx_response(content, bulletin.issue_filename(issue))


def _template_page(request, error: str = "", status: int = 200):
    context = {
        "active": bulletin.active_template(),
        "variables": bulletin.CONTEXT_DOC,
        "syntax_help": bulletin.SYNTAX_HELP,
        "error": error,
    }
    return render(request, "assessment/bulletin_template.html", context, status=status)


@require_http_methods(["GET", "POST"])
@office_only
def bulletin_template(request):
    if request.method == "GET":
        return _template_page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _template_page(request, _("请选择要上传的 .docx 模板文件"), status=422)
    try:
        row = services_bulletins.bulletin_template_upload(actor=request.user, upload=upload)
    except ValidationFailed as exc:
        return _template_page(request, exc.message, status=422)
    messages.success(
        request, _("已启用模板“%(name)s”，此后生成的通报使用该模板。") % {"name": row.original_name}
    )
    return redirect("assessment:bulletin_template")


@require_GET
@office_only
def bulletin_template_download(request):
    active = None if request.GET.get("builtin") else bulletin.active_template()
    try:
        content = bulletin.template_bytes(active)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("assessment:bulletin_template")
    name = active.original_name if active else _("通报模板（内置）.docx")
    return docx_response(content, name)


@require_POST
@office_only
def bulletin_template_revert(request):
    try:
        services_bulletins.bulletin_template_revert(actor=request.user)
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("已恢复使用内置通报模板。"))
    return redirect("assessment:bulletin_template")
