"""Pages of the collective discussion (A12, A13, A16): the meetings list, the meeting record
(printable), and the panel on the decision page (packet, agenda item, outcome). Views parse
input and call services.meeting / selectors_meeting; refusals show as errors naming the rule."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, GanchaoError, ValidationFailed
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.decisions import permissions
from ganchao.decisions.choices import (
    HeadDecision,
    MeetingState,
    MeetingType,
    Position,
    State,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import Decision
from ganchao.decisions.packet import packet_json, packet_missing
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.selectors_meeting import (
    agenda_item_get,
    decision_agenda_items,
    decision_packet,
    meeting_get,
    meetings_open_for,
    meetings_visible,
    tally,
)
from ganchao.decisions.services import meeting as services
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit


def error_lines(exc: GanchaoError) -> list[str]:
    """Each refusal as a line; a statutory one names its rule: 【A9】未经合法性审查."""
    if isinstance(exc, ProcedureBlocked):
        return [f"【{e.field}】{e.message}" for e in exc.errors] or [exc.message]
    return [e.message for e in exc.errors] or [exc.message]


def _decision_url(pk: int) -> str:
    try:
        return reverse("decisions:detail", args=[pk])
    except NoReverseMatch:
        return f"/decisions/{pk}/"


# ---- meetings --------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("决策机关"),
        queryset=Unit.objects.filter(
            type__in=[UnitType.PROVINCE, UnitType.CITY, UnitType.DISTRICT], active=True
        ),
    )
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingType.choices)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    held_on = forms.DateField(
        label=gettext_lazy("会议日期"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    chaired_by = forms.CharField(label=gettext_lazy("主持人（行政首长）"), max_length=50)


def _list_context(request, form):
    rows = meetings_visible(request.user)
    return {
        "page": paginate(request, rows),
        "form": form,
        "can_create": permissions.is_office(request.user),
    }


@login_required
@require_staff
def meeting_list(request):
    organ = MeetingForm.base_fields["owner"].queryset.order_by("path").first()
    form = MeetingForm(
        initial={"owner": organ, "kind": MeetingType.STANDING, "held_on": timezone.localdate()}
    )
    return render(request, "decisions/meeting_list.html", _list_context(request, form))


@login_required
@require_POST
@require_staff
@scoped
def meeting_create(request):
    form = MeetingForm(request.POST)
    service_error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                owner=data["owner"],
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                chaired_by=data["chaired_by"],
            )
        except (ValidationFailed, ProcedureBlocked) as exc:
            service_error = error_lines(exc)
            for error in exc.errors:
                target = error.field if error.field in form.fields else None
                if target:
                    form.add_error(target, error.message)
                elif isinstance(exc, ProcedureBlocked) and error.field == "A13":
                    form.add_error("kind", f"【A13】{error.message}")
        else:
            messages.success(request, _("会议已安排。"))
            return redirect("decisions:meeting_detail", pk=meeting.pk)
    context = {**_list_context(request, form), "service_error": service_error}
    status = 409 if service_error and not form.errors else 422
    return render(request, "decisions/meeting_list.html", context, status=status)


def _detail_context(request, meeting) -> dict:
    items = []
    for item in meeting.agenda.all():
        positions = list(item.positions.all())
        items.append({"item": item, "positions": positions, "tally": tally(positions)})
    office = permissions.is_office(request.user)
    open_ = meeting.state != MeetingState.SIGNED_OFF
    candidates = []
    if office and open_:
        candidates = list(
            Decision.objects.filter(owner_id=meeting.owner_id, state=State.READY)
            .exclude(agenda_items__meeting=meeting)
            .order_by("code")
            .only("pk", "code", "title")
        )
    return {
        "meeting": meeting,
        "items": items,
        "office": office,
        "is_open": open_,
        "candidates": candidates,
        "positions": Position.choices,
        "head_decisions": HeadDecision.choices,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


@login_required
@scoped
def meeting_detail(request, pk: int):
    meeting = meeting_get(request.user, pk)
    return render(request, "decisions/meeting_detail.html", _detail_context(request, meeting))


def _refused(request, meeting, exc, *, item_id=None, form: str = ""):
    """The meeting page again with the refusal in the summary and next to the form's field."""
    context = _detail_context(request, meeting)
    context.update(
        {
            "service_error": error_lines(exc),
            "error_item": item_id,
            "error_form": form,
            "field_errors": {e.field: e.message for e in exc.errors},
            "posted": request.POST,
        }
    )
    status = 422 if isinstance(exc, ValidationFailed) else 409
    return render(request, "decisions/meeting_detail.html", context, status=status)


@login_required
@require_POST
@scoped
def meeting_sign_off(request, pk: int):
    meeting = meeting_get(request.user, pk)
    try:
        services.meeting_sign_off(actor=request.user, meeting=meeting)
    except (Conflict, ValidationFailed) as exc:
        return _refused(request, meeting_get(request.user, pk), exc, form="sign_off")
    messages.success(request, _("会议记录已签发，此后只能追加说明。"))
    return redirect("decisions:meeting_detail", pk=pk)


# ---- agenda, positions, the head's decision ------------------------------------------------


@login_required
@require_POST
@scoped
def agenda_add(request):
    """From the meeting page (decision chosen) or the decision panel (meeting chosen)."""
    meeting_id = query_int(request.POST.get("meeting"))
    decision_id = query_int(request.POST.get("decision"))
    back = request.POST.get("back", "meeting")
    if meeting_id is None or decision_id is None:
        messages.error(request, _("请选择会议和决策事项"))
        if decision_id is not None and back == "decision":
            return redirect(_decision_url(decision_id))
        if meeting_id is not None:
            return redirect("decisions:meeting_detail", pk=meeting_id)
        return redirect("decisions:meeting_list")
    meeting = meeting_get(request.user, meeting_id)
    decision = decision_get(request.user, decision_id)
    try:
        services.agenda_add(actor=request.user, meeting=meeting, decision=decision)
    except (Conflict, ValidationFailed) as exc:
        if back == "decision":
            for line in error_lines(exc):
                messages.error(request, line)
            return redirect(_decision_url(decision.pk))
        return _refused(request, meeting_get(request.user, meeting_id), exc, form="agenda")
    messages.success(request, _("已列入会议议题，会议材料已固定。"))
    if back == "decision":
        return redirect(_decision_url(decision.pk))
    return redirect("decisions:meeting_detail", pk=meeting.pk)


def _datetime(text: str):
    text = (text or "").strip()
    if not text:
        return None
    value = parse_datetime(text)
    if value is None:
        raise ValidationFailed.on("recorded_at", _("时间格式无效"))
    return value


@login_required
@require_POST
@scoped
def position_record(request, pk: int):
    item = agenda_item_get(request.user, pk)
    post = request.POST
    try:
        services.position_record(
            actor=request.user,
            item=item,
            member=post.get("member", ""),
            member_title=post.get("member_title", ""),
            position=post.get("position", ""),
            remarks=post.get("remarks", ""),
            recorded_at=_datetime(post.get("recorded_at", "")),
        )
    except (Conflict, ValidationFailed) as exc:
        meeting = meeting_get(request.user, item.meeting_id)
        return _refused(request, meeting, exc, item_id=item.pk, form="position")
    messages.success(request, _("组成人员意见已登记。"))
    return redirect(reverse("decisions:meeting_detail", args=[item.meeting_id]) + f"#item-{pk}")


@login_required
@require_POST
@scoped
def head_decide(request, pk: int):
    item = agenda_item_get(request.user, pk)
    post = request.POST
    try:
        decided_at = _datetime(post.get("decided_at", ""))
        services.head_decide(
            actor=request.user,
            item=item,
            head_name=post.get("head_name", ""),
            decision=post.get("decision", ""),
            reason=post.get("reason", ""),
            decided_at=decided_at,
        )
    except (Conflict, ValidationFailed) as exc:
        meeting = meeting_get(request.user, item.meeting_id)
        return _refused(request, meeting, exc, item_id=item.pk, form="head")
    messages.success(request, _("行政首长的决定已登记。"))
    return redirect(reverse("decisions:meeting_detail", args=[item.meeting_id]) + f"#item-{pk}")


# ---- the packet on the decision page ------------------------------------------------------------


@login_required
@require_POST
@scoped
def packet_build(request, pk: int):
    decision = decision_get(request.user, pk)
    try:
        services.packet_build(actor=request.user, decision=decision)
    except (Conflict, ValidationFailed) as exc:
        for line in error_lines(exc):
            messages.error(request, line)
        # the refusal is shown at the top of the page: land there, not below it at the panel
        return redirect(_decision_url(pk))
    messages.success(request, _("集体讨论材料已齐备，决策转为“待集体讨论”。"))
    return redirect(_decision_url(pk) + "#panel-meeting")


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/sign-off/", meeting_sign_off, name="meeting_sign_off"),
    path("agenda/add/", agenda_add, name="agenda_add"),
    path("agenda-items/<int:pk>/positions/", position_record, name="position_record"),
    path("agenda-items/<int:pk>/head-decision/", head_decide, name="head_decide"),
    path("<int:pk>/packet/", packet_build, name="packet_build"),
]

_S = "ganchao.decisions.services.meeting"
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:meeting_create": ("POST", "/api/v1/decision-meetings", f"{_S}.meeting_create"),
    "decisions:meeting_sign_off": (
        "POST",
        "/api/v1/decision-meetings/{meeting_id}/sign-off",
        f"{_S}.meeting_sign_off",
    ),
    "decisions:agenda_add": (
        "POST",
        "/api/v1/decision-meetings/{meeting_id}/agenda",
        f"{_S}.agenda_add",
    ),
    "decisions:position_record": (
        "POST",
        "/api/v1/decision-agenda-items/{item_id}/positions",
        f"{_S}.position_record",
    ),
    "decisions:head_decide": (
        "POST",
        "/api/v1/decision-agenda-items/{item_id}/head-decision",
        f"{_S}.head_decide",
    ),
    "decisions:packet_build": (
        "POST",
        "/api/v1/decisions/{decision_id}/packet",
        f"{_S}.packet_build",
    ),
}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/meeting.html on the decision page."""
    entries = decision_packet(decision, facts)
    items = list(decision_agenda_items(decision))
    may_build = decision.state in (State.IN_REVIEW, State.READY) and permissions.runs_procedures(
        request.user, decision
    )
    office = permissions.is_office(request.user)
    pending = any(not i.head_decision for i in items)
    return {
        "meeting_packet": packet_json(entries),
        "meeting_packet_missing": packet_missing(entries),
        "meeting_items": items,
        "meeting_may_build": may_build,
        "meeting_may_schedule": office and decision.state == State.READY and not pending,
        "meeting_open": list(meetings_open_for(decision)) if office else [],
    }
