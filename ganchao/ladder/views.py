"""Pages of levels 3–5: the office's 督办台, the notices a unit answers, the printable 督办单 and
the 约谈 list. Short views: reads through selectors, each verb one POST calling one service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, require_roles, require_staff, scoped
from ganchao.ladder import selectors, services
from ganchao.ladder.choices import NoticeState
from ganchao.ladder.documents import chinese_date, plain_date
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


@login_required
@require_roles(Role.OFFICE)
@scoped
def desk(request):
    context = selectors.desk(actor=request.user, today=timezone.localdate())
    return render(request, "ladder/desk.html", {**context, "year": timezone.localdate().year})


@login_required
@require_staff
def notice_list(request):
    params = request.GET
    notices = selectors.notice_list(
        actor=request.user, state=params.get("state", ""), unit=params.get("unit", "").strip()
    )
    states = NoticeState.choices
    if not scope_of(request.user).has(Role.OFFICE):
        states = [c for c in states if c[0] not in (NoticeState.PROPOSED, NoticeState.DISMISSED)]
    context = {"page": paginate(request, notices), "filters": params, "states": states}
    return render(request, "ladder/notice_list.html", context)


def _detail_context(request, notice, error=None, error_field=""):
    scope = scope_of(request.user)
    office = scope.has(Role.OFFICE)
    return {
        "notice": notice,
        "can_issue": office and notice.state == NoticeState.PROPOSED,
        "can_review": office and notice.state == NoticeState.ANSWERED,
        "can_respond": notice.state in (NoticeState.ISSUED, NoticeState.RETURNED)
        and scope.covers_path(notice.unit.path, write=True),
        "error": error,
        "error_field": error_field,
    }


@login_required
@scoped
def notice_detail(request, pk: int):
    notice = selectors.notice_get(actor=request.user, pk=pk)
    return render(request, "ladder/notice_detail.html", _detail_context(request, notice))


@login_required
@scoped
def notice_print(request, pk: int):
    notice = selectors.notice_get(actor=request.user, pk=pk)
    if notice.number is None:
        return redirect("ladder:notice_detail", pk=pk)
    issued = timezone.localtime(notice.issued_at).date()
    context = {
        "notice": notice,
        "issued_cn": chinese_date(issued),
        "due": plain_date(notice.response_due),
        "paragraphs": [p for p in notice.content.splitlines()[1:] if p.strip()],
    }
    return render(request, "ladder/notice_print.html", context)


def _notice_verb(request, pk: int, call, done: str):
    try:
        call()
    except (ValidationFailed, Conflict, Forbidden) as exc:
        notice = selectors.notice_get(actor=request.user, pk=pk)
        field = exc.errors[0].field if getattr(exc, "errors", None) else ""
        context = _detail_context(request, notice, exc.message, field)
        status = (
            403 if isinstance(exc, Forbidden) else 422 if isinstance(exc, ValidationFailed) else 409
        )
        return render(request, "ladder/notice_detail.html", context, status=status)
    messages.success(request, done)
    return redirect("ladder:notice_detail", pk=pk)


@login_required
@require_POST
@scoped
def notice_issue(request, pk: int):
    content = request.POST.get("content")
    return _notice_verb(
        request,
        pk,
        lambda: services.notice_issue(actor=request.user, notice_id=pk, content=content),
        _("督办单已签发。"),
    )


@login_required
@require_POST
@scoped
def notice_dismiss(request, pk: int):
    reason = request.POST.get("reason", "")
    return _notice_verb(
        request,
        pk,
        lambda: services.notice_dismiss(actor=request.user, notice_id=pk, reason=reason),
        _("已不予督办。"),
    )


@login_required
@require_POST
@scoped
def notice_respond(request, pk: int):
    text = request.POST.get("text", "")
    return _notice_verb(
        request,
        pk,
        lambda: services.notice_respond(actor=request.user, notice_id=pk, text=text),
        _("书面回复已提交。"),
    )


@login_required
@require_POST
@scoped
def notice_accept(request, pk: int):
    note = request.POST.get("note", "")
    return _notice_verb(
        request,
        pk,
        lambda: services.notice_accept(actor=request.user, notice_id=pk, note=note),
        _("已认可回复。"),
    )


@login_required
@require_POST
@scoped
def notice_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _notice_verb(
        request,
        pk,
        lambda: services.notice_return(actor=request.user, notice_id=pk, reason=reason),
        _("回复已退回。"),
    )


@login_required
@require_roles(Role.OFFICE, Role.LEADER)
def talk_list(request):
    talks = selectors.talks_visible(request.user).order_by("-proposed_at", "-id")
    context = {"page": paginate(request, talks), "error": None, "error_talk": None}
    return render(request, "ladder/talk_list.html", context)


def parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _talk_verb(request, pk: int, call, done: str):
    try:
        call()
    except (ValidationFailed, Conflict) as exc:
        talks = selectors.talks_visible(request.user).order_by("-proposed_at", "-id")
        context = {"page": paginate(request, talks), "error": exc.message, "error_talk": pk}
        status = 422 if isinstance(exc, ValidationFailed) else 409
        return render(request, "ladder/talk_list.html", context, status=status)
    messages.success(request, done)
    return redirect("ladder:talk_list")


@login_required
@require_POST
@scoped
def talk_hold(request, pk: int):
    held_on, notes = parse_day(request.POST.get("held_on", "")), request.POST.get("notes", "")
    return _talk_verb(
        request,
        pk,
        lambda: services.talk_hold(actor=request.user, talk_id=pk, held_on=held_on, notes=notes),
        _("约谈情况已记录。"),
    )


@login_required
@require_POST
@scoped
def talk_dismiss(request, pk: int):
    reason = request.POST.get("reason", "")
    return _talk_verb(
        request,
        pk,
        lambda: services.talk_dismiss(actor=request.user, talk_id=pk, reason=reason),
        _("已不予约谈。"),
    )
