"""Pages of public participation (A3–A6): the panel on the decision page, the participation
page, the forms that create a consultation or a hearing, the moderation page of a
consultation's comments and the opinions page. Each POST calls one service; a refusal comes
back as a visible error naming its rule (【A4】…) and nothing is saved."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, scoped
from ganchao.decisions import permissions
from ganchao.decisions import selectors_participation as sel
from ganchao.decisions.choices import (
    PROCEDURE_STATES,
    Adoption,
    CommentState,
    ConsultationState,
    HearingState,
    OpinionSource,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.selectors import decision_get, latest_draft, settings_get
from ganchao.decisions.services.core import participation_exempt
from ganchao.decisions.services.participation import (
    adoption_report_generate,
    comment_moderate,
    comments_moderate,
    consultation_close,
    consultation_create,
    consultation_publish,
    hearing_close,
    hearing_confirm,
    hearing_create,
    hearing_participants_publish,
    hearing_selection_publish,
    opinion_add,
    opinion_handle,
    participant_add,
    participant_refusal_record,
    participant_served,
    participant_signed_record_add,
)
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit

SERVICE_ERRORS = (ValidationFailed, Conflict, Forbidden)


# ---- helpers ---------------------------------------------------------------------------------------


def error_text(exc) -> str:
    """A refusal in words: each statutory rule as 【A4】…, other errors as their message."""
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def participation_url(decision_id: int) -> str:
    return reverse("decisions:participation", args=[decision_id])


def decision_url(decision_id: int) -> str:
    """The decision page when it exists, else the participation page."""
    try:
        return reverse("decisions:detail", args=[decision_id])
    except NoReverseMatch:
        return participation_url(decision_id)


def _back(request, decision_id: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(participation_url(decision_id))


def _act(request, decision_id: int, done: str, action):
    """Run one service call; a success or the refusal as a message; back to where the form was."""
    try:
        action()
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return _back(request, decision_id)


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def _form_refused(form, exc) -> None:
    """Put a service's refusal on the form: each error on its field, else at the top."""
    if isinstance(exc, ProcedureBlocked) or not exc.errors:
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


def _may_act(user, decision) -> bool:
    return decision.state in PROCEDURE_STATES and permissions.runs_procedures(user, decision)


# ---- forms -------------------------------------------------------------------------------------------

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


class ConsultationForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("征求意见标题"), max_length=200, widget=forms.TextInput(TEXT)
    )
    explanation = forms.CharField(
        label=gettext_lazy("草案说明"),
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 4}),
        help_text=gettext_lazy("随草案一并公布的起草说明；发布时必须有。"),
    )
    channel = forms.CharField(
        label=gettext_lazy("意见提交方式"),
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 2}),
        help_text=gettext_lazy("如：登录市政府网站“公开征求意见”栏目提交，或发送电子邮件至……"),
    )
    start_date = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE_INPUT)
    end_date = forms.DateField(label=gettext_lazy("截止日期"), widget=DATE_INPUT)
    media = forms.CharField(
        label=gettext_lazy("发布渠道"),
        max_length=200,
        required=False,
        widget=forms.TextInput(TEXT),
        help_text=gettext_lazy("政府网站、政务新媒体、报刊、广播、电视等"),
    )
    shortening_reason = forms.CharField(
        label=gettext_lazy("缩短期限的理由"),
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 2}),
        help_text=gettext_lazy("期限少于30日时必填，并在征求意见公告中公布（第十五条）。"),
    )


class HearingForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("听证会名称"), max_length=200, widget=forms.TextInput(TEXT)
    )
    held_on = forms.DateField(label=gettext_lazy("听证日期"), widget=DATE_INPUT)
    place = forms.CharField(
        label=gettext_lazy("地点"), max_length=200, widget=forms.TextInput(TEXT)
    )
    selection_method = forms.CharField(
        label=gettext_lazy("参加人遴选办法"),
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 3}),
        help_text=gettext_lazy("遴选参加人的，遴选办法须在听证会举行前公布。"),
    )


class OpinionForm(forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("意见来源"),
        choices=OpinionSource.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    source_name = forms.CharField(
        label=gettext_lazy("提出人或单位"),
        max_length=200,
        required=False,
        widget=forms.TextInput(TEXT),
    )
    source_unit = forms.ModelChoiceField(
        label=gettext_lazy("提出单位（本系统单位）"),
        queryset=Unit.objects.filter(active=True)
        .exclude(type__in=[UnitType.VILLAGE, UnitType.COMMUNITY, UnitType.GRID])
        .order_by("path"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=gettext_lazy("征求部门意见时选择；司法局在此提出的意见不能代替合法性审查。"),
    )
    summary = forms.CharField(
        label=gettext_lazy("意见内容（归纳）"), widget=forms.Textarea({**TEXT, "rows": 3})
    )
    comment_count = forms.IntegerField(
        label=gettext_lazy("涉及意见条数"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        widget=forms.NumberInput(TEXT),
        help_text=gettext_lazy("不填时按归入的公众意见条数计（至少1条）。"),
    )


# ---- the panel on the decision page -------------------------------------------------------------


def _participant_rows(hearing, materials_days: int) -> list[dict]:
    latest = hearing.held_on - dt.timedelta(days=materials_days)
    return [
        {
            "participant": p,
            "served_short": bool(p.materials_served_on and p.materials_served_on > latest),
            "signed": bool(p.signed_record_id or p.refusal_note.strip()),
        }
        for p in hearing.participants.all()
    ]


def participation_context(request, decision) -> dict:
    """Everything the participation panel shows, in a fixed number of queries."""
    settings = settings_get()
    opinions = list(sel.opinions_of(decision))
    report = sel.adoption_report_latest(decision)
    hearings = [
        {"hearing": h, "rows": _participant_rows(h, settings.hearing_materials_days)}
        for h in sel.hearings_of(decision)
    ]
    exempted_by = None
    if decision.participation_exempt_basis and decision.participation_exempted_by_id:
        exempted_by = decision.participation_exempted_by
    return {
        "part": {
            "can_act": _may_act(request.user, decision),
            "can_moderate": permissions.runs_procedures(request.user, decision),
            "consultations": list(sel.consultations_of(decision)),
            "opinions": opinions,
            "unhandled": [o.seq for o in opinions if not o.adoption],
            "report": report,
            "report_stale": bool(report and report.opinion_count != len(opinions)),
            "hearings": hearings,
            "exempted_by": exempted_by,
            "adoptions": Adoption.choices,
            "materials_days": settings.hearing_materials_days,
            "min_days": settings.min_consultation_days,
            "next": request.get_full_path(),
            "states": {
                "draft": ConsultationState.DRAFT,
                "open": ConsultationState.OPEN,
                "planned": HearingState.PLANNED,
                "confirmed": HearingState.CONFIRMED,
            },
        }
    }


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/participation.html on the decision page."""
    return participation_context(request, decision)


# ---- pages ----------------------------------------------------------------------------------------


@login_required
@require_GET
@scoped
def participation_page(request, pk: int):
    decision = decision_get(request.user, pk)
    context = {
        "decision": decision,
        "decision_url": decision_url(pk),
        **participation_context(request, decision),
    }
    return render(request, "decisions/participation_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@scoped
def consultation_create_page(request, pk: int):
    decision = decision_get(request.user, pk)
    if not _may_act(request.user, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以在决策启动后征求意见"))
    data = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    latest = latest_draft(decision)
    initial = {
        "title": _("关于《%(title)s（征求意见稿）》公开征求意见的公告") % {"title": decision.title},
        "explanation": latest.explanation if latest else "",
        "start_date": today,
        "end_date": today + dt.timedelta(days=settings_get().min_consultation_days),
    }
    form = ConsultationForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            consultation_create(actor=request.user, decision=decision, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, _("征求意见公告已保存为草稿，核对后即可发布。"))
            return redirect(participation_url(pk))
    context = {"decision": decision, "form": form, "decision_url": decision_url(pk)}
    status = 422 if data is not None else 200
    return render(request, "decisions/participation_consultation_form.html", context, status=status)


@login_required
@require_POST
@scoped
def consultation_publish_view(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    return _act(
        request,
        consultation.decision_id,
        _("征求意见公告已发布，公众可在门户网站提交意见。"),
        lambda: consultation_publish(actor=request.user, consultation=consultation),
    )


@login_required
@require_POST
@scoped
def consultation_close_view(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    return _act(
        request,
        consultation.decision_id,
        _("征求意见已截止。"),
        lambda: consultation_close(actor=request.user, consultation=consultation),
    )


@login_required
@require_GET
@scoped
def consultation_comments_page(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    state = request.GET.get("state", CommentState.PENDING)
    if state not in CommentState.values and state != "all":
        state = CommentState.PENDING
    rows = sel.comments_of(consultation, "" if state == "all" else state)
    counts = next(
        iter(sel.consultations_of(consultation.decision).filter(pk=consultation.pk)), None
    )
    context = {
        "consultation": consultation,
        "decision": consultation.decision,
        "decision_url": decision_url(consultation.decision_id),
        "page": paginate(request, rows),
        "state": state,
        "states": [*CommentState.choices, ("all", _("全部"))],
        "counts": counts,
        "can_moderate": permissions.runs_procedures(request.user, consultation.decision),
        "next": request.get_full_path(),
    }
    return render(request, "decisions/participation_comments.html", context)


@login_required
@require_POST
@scoped
def comments_moderate_view(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    ids = [n for n in (query_int(v) for v in request.POST.getlist("comment_ids")) if n]
    return _act(
        request,
        consultation.decision_id,
        _("已审核所选意见。"),
        lambda: comments_moderate(
            actor=request.user,
            consultation=consultation,
            comment_ids=ids,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        ),
    )


@login_required
@require_POST
@scoped
def comment_moderate_view(request, comment_id: int):
    comment = sel.comment_get(request.user, comment_id)
    return _act(
        request,
        comment.consultation.decision_id,
        _("已审核该条意见。"),
        lambda: comment_moderate(
            actor=request.user,
            comment=comment,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        ),
    )


def _opinions_context(request, decision, form) -> dict:
    consultations = list(sel.consultations_of(decision))
    ungrouped = sel.comments_ungrouped(decision)[:200]
    return {
        "decision": decision,
        "decision_url": decision_url(decision.pk),
        "form": form,
        "consultations": consultations,
        "ungrouped": list(ungrouped),
        **participation_context(request, decision),
    }


@login_required
@require_GET
@scoped
def opinions_page(request, pk: int):
    decision = decision_get(request.user, pk)
    context = _opinions_context(request, decision, OpinionForm())
    return render(request, "decisions/participation_opinions.html", context)


@login_required
@require_POST
@scoped
def opinion_add_view(request, pk: int):
    decision = decision_get(request.user, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        consultation = None
        consultation_id = query_int(request.POST.get("consultation"))
        if consultation_id:
            consultation = sel.consultation_get(request.user, consultation_id)
        ids = [n for n in (query_int(v) for v in request.POST.getlist("comment_ids")) if n]
        try:
            opinion = opinion_add(
                actor=request.user,
                decision=decision,
                consultation=consultation,
                comment_ids=ids,
                **form.cleaned_data,
            )
        except SERVICE_ERRORS as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, _("已登记第%(seq)s条意见。") % {"seq": opinion.seq})
            return redirect(reverse("decisions:opinions", args=[pk]))
    context = _opinions_context(request, decision, form)
    return render(request, "decisions/participation_opinions.html", context, status=422)


@login_required
@require_POST
@scoped
def opinion_handle_view(request, opinion_id: int):
    opinion = sel.opinion_get(request.user, opinion_id)
    return _act(
        request,
        opinion.decision_id,
        _("第%(seq)s条意见的采纳情况已保存。") % {"seq": opinion.seq},
        lambda: opinion_handle(
            actor=request.user,
            opinion=opinion,
            adoption=request.POST.get("adoption", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
@scoped
def adoption_report_view(request, pk: int):
    decision = decision_get(request.user, pk)
    return _act(
        request,
        pk,
        _("意见采纳情况说明已生成。"),
        lambda: adoption_report_generate(actor=request.user, decision=decision),
    )


@login_required
@require_POST
@scoped
def participation_exempt_view(request, pk: int):
    decision = decision_get(request.user, pk)
    return _act(
        request,
        pk,
        _("已登记依法不予公开及其法律依据。"),
        lambda: participation_exempt(
            actor=request.user, decision=decision, legal_basis=request.POST.get("legal_basis", "")
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@scoped
def hearing_create_page(request, pk: int):
    decision = decision_get(request.user, pk)
    if not _may_act(request.user, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以在决策启动后组织听证"))
    data = request.POST if request.method == "POST" else None
    form = HearingForm(data, initial={"title": _("%(title)s听证会") % {"title": decision.title}})
    if data is not None and form.is_valid():
        try:
            hearing_create(actor=request.user, decision=decision, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            _form_refused(form, exc)
        else:
            messages.success(request, _("听证会已登记，请增加参加人并登记材料送达。"))
            return redirect(participation_url(pk))
    context = {"decision": decision, "form": form, "decision_url": decision_url(pk)}
    status = 422 if data is not None else 200
    return render(request, "decisions/participation_hearing_form.html", context, status=status)


def _hearing_action(request, hearing_id: int, done: str, service):
    hearing = sel.hearing_get(request.user, hearing_id)
    return _act(request, hearing.decision_id, done, lambda: service(hearing))


@login_required
@require_POST
@scoped
def hearing_selection_publish_view(request, hearing_id: int):
    return _hearing_action(
        request,
        hearing_id,
        _("参加人遴选办法已公布。"),
        lambda h: hearing_selection_publish(
            actor=request.user, hearing=h, published_at=_date(request.POST.get("published_on"))
        ),
    )


@login_required
@require_POST
@scoped
def hearing_participants_publish_view(request, hearing_id: int):
    return _hearing_action(
        request,
        hearing_id,
        _("听证参加人名单已公布。"),
        lambda h: hearing_participants_publish(
            actor=request.user, hearing=h, published_at=_date(request.POST.get("published_on"))
        ),
    )


@login_required
@require_POST
@scoped
def participant_add_view(request, hearing_id: int):
    return _hearing_action(
        request,
        hearing_id,
        _("已增加听证参加人。"),
        lambda h: participant_add(
            actor=request.user,
            hearing=h,
            name=request.POST.get("name", ""),
            organisation=request.POST.get("organisation", ""),
            materials_served_on=_date(request.POST.get("materials_served_on")),
        ),
    )


@login_required
@require_POST
@scoped
def hearing_confirm_view(request, hearing_id: int):
    return _hearing_action(
        request,
        hearing_id,
        _("听证会已确定。"),
        lambda h: hearing_confirm(actor=request.user, hearing=h),
    )


@login_required
@require_POST
@scoped
def hearing_close_view(request, hearing_id: int):
    return _hearing_action(
        request,
        hearing_id,
        _("听证会已结束。"),
        lambda h: hearing_close(actor=request.user, hearing=h),
    )


def _participant_action(request, participant_id: int, done: str, service):
    participant = sel.participant_get(request.user, participant_id)
    return _act(request, participant.hearing.decision_id, done, lambda: service(participant))


@login_required
@require_POST
@scoped
def participant_served_view(request, participant_id: int):
    served = request.POST.get("served_on", "")
    return _participant_action(
        request,
        participant_id,
        _("材料送达日期已登记。"),
        lambda p: participant_served(actor=request.user, participant=p, served_on=served),
    )


@login_required
@require_POST
@scoped
def participant_signed_record_view(request, participant_id: int):
    upload = request.FILES.get("file")
    return _participant_action(
        request,
        participant_id,
        _("听证笔录签字件已上传。"),
        lambda p: participant_signed_record_add(actor=request.user, participant=p, upload=upload),
    )


@login_required
@require_POST
@scoped
def participant_refusal_view(request, participant_id: int):
    note = request.POST.get("note", "")
    return _participant_action(
        request,
        participant_id,
        _("拒绝签字情况说明已登记。"),
        lambda p: participant_refusal_record(actor=request.user, participant=p, note=note),
    )


urlpatterns = [
    path("<int:pk>/participation/", participation_page, name="participation"),
    path(
        "<int:pk>/participation/exempt/",
        participation_exempt_view,
        name="participation_exempt_record",
    ),
    path("<int:pk>/consultations/new/", consultation_create_page, name="consultation_create"),
    path(
        "consultations/<int:consultation_id>/publish/",
        consultation_publish_view,
        name="consultation_publish",
    ),
    path(
        "consultations/<int:consultation_id>/close/",
        consultation_close_view,
        name="consultation_close",
    ),
    path(
        "consultations/<int:consultation_id>/comments/",
        consultation_comments_page,
        name="consultation_comments",
    ),
    path(
        "consultations/<int:consultation_id>/comments/moderate/",
        comments_moderate_view,
        name="comments_moderate",
    ),
    path("comments/<int:comment_id>/moderate/", comment_moderate_view, name="comment_moderate"),
    path("<int:pk>/opinions/", opinions_page, name="opinions"),
    path("<int:pk>/opinions/add/", opinion_add_view, name="opinion_add"),
    path("opinions/<int:opinion_id>/handle/", opinion_handle_view, name="opinion_handle"),
    path("<int:pk>/adoption-report/", adoption_report_view, name="adoption_report"),
    path("<int:pk>/hearings/new/", hearing_create_page, name="hearing_create"),
    path(
        "hearings/<int:hearing_id>/publish-selection/",
        hearing_selection_publish_view,
        name="hearing_selection_publish",
    ),
    path(
        "hearings/<int:hearing_id>/publish-participants/",
        hearing_participants_publish_view,
        name="hearing_participants_publish",
    ),
    path(
        "hearings/<int:hearing_id>/participants/add/",
        participant_add_view,
        name="hearing_participant_add",
    ),
    path("hearings/<int:hearing_id>/confirm/", hearing_confirm_view, name="hearing_confirm"),
    path("hearings/<int:hearing_id>/close/", hearing_close_view, name="hearing_close"),
    path(
        "hearing-participants/<int:participant_id>/served/",
        participant_served_view,
        name="hearing_participant_served",
    ),
    path(
        "hearing-participants/<int:participant_id>/signed-record/",
        participant_signed_record_view,
        name="hearing_participant_signed",
    ),
    path(
        "hearing-participants/<int:participant_id>/refusal/",
        participant_refusal_view,
        name="hearing_participant_refusal",
    ),
]

_SERVICES = "ganchao.decisions.services.participation"
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:participation_exempt_record": (
        "POST",
        "/api/v1/decisions/{decision_id}/participation-exemption",
        "ganchao.decisions.services.core.participation_exempt",
    ),
    "decisions:consultation_create": (
        "POST",
        "/api/v1/decisions/{decision_id}/consultations",
        f"{_SERVICES}.consultation_create",
    ),
    "decisions:consultation_publish": (
        "POST",
        "/api/v1/decision-consultations/{consultation_id}/publish",
        f"{_SERVICES}.consultation_publish",
    ),
    "decisions:consultation_close": (
        "POST",
        "/api/v1/decision-consultations/{consultation_id}/close",
        f"{_SERVICES}.consultation_close",
    ),
    "decisions:comments_moderate": (
        "POST",
        "/api/v1/decision-consultations/{consultation_id}/comments/moderate",
        f"{_SERVICES}.comments_moderate",
    ),
    "decisions:comment_moderate": (
        "POST",
        "/api/v1/decision-comments/{comment_id}/moderate",
        f"{_SERVICES}.comment_moderate",
    ),
    "decisions:opinion_add": (
        "POST",
        "/api/v1/decisions/{decision_id}/opinions",
        f"{_SERVICES}.opinion_add",
    ),
    "decisions:opinion_handle": (
        "POST",
        "/api/v1/decision-opinions/{opinion_id}/handle",
        f"{_SERVICES}.opinion_handle",
    ),
    "decisions:adoption_report": (
        "POST",
        "/api/v1/decisions/{decision_id}/adoption-report",
        f"{_SERVICES}.adoption_report_generate",
    ),
    "decisions:hearing_create": (
        "POST",
        "/api/v1/decisions/{decision_id}/hearings",
        f"{_SERVICES}.hearing_create",
    ),
    "decisions:hearing_selection_publish": (
        "POST",
        "/api/v1/decision-hearings/{hearing_id}/publish-selection",
        f"{_SERVICES}.hearing_selection_publish",
    ),
    "decisions:hearing_participants_publish": (
        "POST",
        "/api/v1/decision-hearings/{hearing_id}/publish-participants",
        f"{_SERVICES}.hearing_participants_publish",
    ),
    "decisions:hearing_participant_add": (
        "POST",
        "/api/v1/decision-hearings/{hearing_id}/participants",
        f"{_SERVICES}.participant_add",
    ),
    "decisions:hearing_confirm": (
        "POST",
        "/api/v1/decision-hearings/{hearing_id}/confirm",
        f"{_SERVICES}.hearing_confirm",
    ),
    "decisions:hearing_close": (
        "POST",
        "/api/v1/decision-hearings/{hearing_id}/close",
        f"{_SERVICES}.hearing_close",
    ),
    "decisions:hearing_participant_served": (
        "POST",
        "/api/v1/decision-hearing-participants/{participant_id}/served",
        f"{_SERVICES}.participant_served",
    ),
    "decisions:hearing_participant_signed": (
        "POST",
        "/api/v1/decision-hearing-participants/{participant_id}/signed-record",
        f"{_SERVICES}.participant_signed_record_add",
    ),
    "decisions:hearing_participant_refusal": (
        "POST",
        "/api/v1/decision-hearing-participants/{participant_id}/refusal",
        f"{_SERVICES}.participant_refusal_record",
    ),
}
