"""Pages of supervised matters (督办事项): the list, the unit's inbox, one matter with its
forwarding chain and the actions the viewer may take now, and writing an instruction. Every
action is its own POST calling one service; a refused step comes back as a message."""

import datetime as dt

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.common.views import paginate, require_roles, require_staff, scoped
from ganchao.goals import selectors as goal_selectors
from ganchao.goals.choices import Role as GoalRole
from ganchao.goals.templatetags.figures import period_label
from ganchao.orgs.choices import Role
from ganchao.supervision import matter_attachments as attachments
from ganchao.supervision import matter_forms as mf
from ganchao.supervision import matter_rules as rules
from ganchao.supervision import matter_selectors as sel
from ganchao.supervision import matter_steps as steps
from ganchao.supervision.matter_choices import (
    MATTER_TRANSITIONS,
    ExtensionState,
    MatterState,
    Source,
    Urgency,
)
from ganchao.supervision.matter_services import (
    check_step,
    handler_hop,
    is_office,
    matter_instruct,
)
from ganchao.supervision.models import Matter

LIGHTS = [
    (rules.GREEN, gettext_lazy("正常")),
    (rules.YELLOW, gettext_lazy("临期")),
    (rules.RED, gettext_lazy("超期")),
    (rules.GREY, gettext_lazy("未在办理")),
]
EVENT_LABELS = {
    "create": gettext_lazy("立项"),
    "progress": gettext_lazy("阶段反馈"),
    "final": gettext_lazy("办结反馈"),
    "note": gettext_lazy("反馈（不计为有效反馈）"),
    **{verb: step.label for verb, step in MATTER_TRANSITIONS.items()},
}


# ---- list and inbox --------------------------------------------------------------------------


def light_filtered(queryset, light: str, now=None):
    """Keep the matters whose light is `light`. The light is computed by the rules (one query
    over the deadline columns), then the page is read by primary key."""
    if light not in {value for value, _label in LIGHTS}:
        return queryset
    now = now or timezone.now()
    cal = workdays.current_calendar()
    rows = queryset.only(
        "pk", "state", "receipt_due", "received_at", "response_due", "responded_at"
    ).select_related(None)
    keep = [m.pk for m in rows if sel.light_of(m, now, cal) == light]
    return queryset.filter(pk__in=keep)


def listed_matters(actor, params):
    query = sel.matter_list(
        actor=actor,
        state=params.get("state", ""),
        source=params.get("source", "") if params.get("source", "") in Source.values else "",
        urgency=params.get("urgency", "") if params.get("urgency", "") in Urgency.values else "",
        unit=params.get("unit", "").strip(),
        q=params.get("q", "").strip(),
    )
    return light_filtered(query, params.get("light", ""))


def _milestone_dates(milestones) -> list:
    """The stored ISO dates as dates, so the page writes them as 2026年12月28日."""
    dates = []
    for value in milestones or []:
        try:
            dates.append(dt.date.fromisoformat(str(value)))
        except ValueError:
            dates.append(value)
    return dates


@login_required
@require_staff
def matter_list(request):
    page = paginate(request, listed_matters(request.user, request.GET))
    sel.with_lights(page.object_list)
    context = {
        "page": page,
        "filters": request.GET,
        "states": MatterState.choices,
        "sources": Source.choices,
        "urgencies": Urgency.choices,
        "lights": LIGHTS,
        "may_write": _may_write(request.user),
    }
    return render(request, "supervision/matter_list.html", context)


@login_required
@require_staff
def matter_inbox(request):
    boxes = sel.inbox(actor=request.user)
    sections = [
        ("to_receive", _("待签收"), _("没有待签收的事项。"), boxes["to_receive"]),
        ("to_answer", _("待反馈"), _("没有待反馈的事项。"), boxes["to_answer"]),
        ("overdue", _("已超期"), _("没有超期的事项。"), boxes["overdue"]),
    ]
    return render(request, "supervision/matter_inbox.html", {"sections": sections})


def _may_write(user) -> bool:
    from ganchao.orgs.scoping import scope_of

    return scope_of(user).has(Role.OFFICE, Role.LEADER)


# ---- one matter ------------------------------------------------------------------------------


def _allowed(verb, matter, user, hop) -> bool:
    try:
        check_step(verb, matter, user, hop)
    except (Forbidden, Conflict):
        return False
    return True


def _provisional(*moments) -> bool:
    years = {timezone.localtime(m).year for m in moments if m is not None}
    return any(workdays.is_provisional_year(y) for y in years)


def _actions(matter: Matter, user) -> dict:
    """Which action forms the viewer sees now; the services check again on POST."""
    hop = handler_hop(user, matter)
    received = hop is not None and hop.received_at is not None
    pending = [e for e in matter.extensions.all() if e.state == ExtensionState.REQUESTED]
    office = is_office(user)
    return {
        "hop": hop,
        "receive": hop is not None and not received and _allowed("receive", matter, user, hop),
        "forward": received and _allowed("forward", matter, user, hop),
        "respond": received and _allowed("respond", matter, user, hop),
        "extend": hop is not None
        and not pending
        and _allowed("request_extension", matter, user, hop),
        "decide": [
            e
            for e in pending
            if office
            and (hop is None or e.unit_id != hop.to_unit_id)
            and _allowed("decide_extension", matter, user, None)
        ],
        "return": _allowed("return", matter, user, None),
        "complete": _allowed("complete", matter, user, hop),
        "close": _allowed("close", matter, user, None),
        "reopen": _allowed("reopen", matter, user, None),
    }


def _forms(actions, failed=None, failed_form=None) -> dict:
    hop = actions["hop"]
    built = {
        "forward": mf.ForwardForm(prefix="forward", hop=hop) if actions["forward"] else None,
        "respond": mf.RespondForm(prefix="respond", hop=hop) if actions["respond"] else None,
        "extend": mf.ExtensionForm(prefix="extend") if actions["extend"] else None,
        "decide": mf.DecideExtensionForm(prefix="decide") if actions["decide"] else None,
        "return": mf.ReturnForm(prefix="return") if actions["return"] else None,
        "complete": mf.CompleteForm(prefix="complete") if actions["complete"] else None,
        "close": mf.CloseForm(prefix="close") if actions["close"] else None,
        "reopen": mf.ReopenForm(prefix="reopen") if actions["reopen"] else None,
    }
    if failed and failed in built:
        built[failed] = failed_form
    return built


def _detail(request, pk: int, failed=None, failed_form=None, status=200):
    matter = sel.matter_get(actor=request.user, pk=pk)
    now = timezone.now()
    cal = workdays.current_calendar()
    matter.light = sel.light_of(matter, now, cal)
    matter.light_word = sel.light_word(matter, matter.light)
    actions = _actions(matter, request.user)
    hops = list(matter.hops.all())
    context = {
        "matter": matter,
        "timeline": sel.hop_timeline(matter, now),
        "handlers": [h for h in hops if h.from_unit_id is None],
        "feedbacks": list(matter.feedbacks.all()),
        "extensions": list(matter.extensions.all()),
        "events": [(e, EVENT_LABELS.get(e.verb, e.verb)) for e in matter.events.all()],
        "receipt_provisional": _provisional(matter.assigned_at, matter.receipt_due),
        "response_provisional": _provisional(matter.assigned_at, matter.response_due),
        "actions": actions,
        "forms": _forms(actions, failed=failed, failed_form=failed_form),
        "milestones": _milestone_dates(matter.milestones),
    }
    return render(request, "supervision/matter_detail.html", context, status=status)


@login_required
@require_staff
@scoped
def matter_detail(request, pk: int):
    return _detail(request, pk)


@login_required
@require_staff
@scoped
def feedback_attachment(request, pk: int, feedback_pk: int):
    """The attachment after re-checking its hash; an altered file answers 409 with the matter
    page and its message (the refusal is audited)."""
    matter = sel.matter_get(actor=request.user, pk=pk)
    try:
        handle, feedback = attachments.attachment_open(
            actor=request.user, matter=matter, feedback_id=feedback_pk
        )
    except NotFound:
        raise Http404 from None
    except Conflict as error:
        messages.error(request, error.message)
        return _detail(request, pk, status=409)
    return attachments.attachment_response(handle, feedback)


def _form_errors(form, error: ValidationFailed) -> None:
    placed = False
    for field_error in error.errors:
        if field_error.field in form.fields:
            form.add_error(field_error.field, field_error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _act(request, pk, verb, form_class, call, done_message, form_kwargs=None):
    """Validate the verb's form, call its service, and come back to the matter page."""
    form = None
    if form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=verb, **(form_kwargs or {}))
        if not form.is_valid():
            return _detail(request, pk, failed=verb, failed_form=form, status=422)
    try:
        result = call(form.cleaned_data if form is not None else {}, form)
    except ValidationFailed as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("supervision:matter_detail", pk=pk)
        _form_errors(form, error)
        return _detail(request, pk, failed=verb, failed_form=form, status=422)
    except (Conflict, Forbidden) as error:
        messages.error(request, error.message)
        return redirect("supervision:matter_detail", pk=pk)
    if callable(done_message):
        level, text = done_message(result)
        messages.add_message(request, level, text)
    else:
        messages.success(request, done_message)
    return redirect("supervision:matter_detail", pk=pk)


def _own_hop(request, pk):
    matter = sel.matter_get(actor=request.user, pk=pk)
    return handler_hop(request.user, matter)


@login_required
@require_POST
@scoped
def matter_receive(request, pk: int):
    return _act(
        request,
        pk,
        "receive",
        None,
        lambda data, form: steps.matter_receive(actor=request.user, matter_id=pk),
        _("已签收。"),
    )


@login_required
@require_POST
@scoped
def matter_forward(request, pk: int):
    hop = _own_hop(request, pk)
    if hop is None:
        messages.error(request, _("只有承办该事项的单位才能转办"))
        return redirect("supervision:matter_detail", pk=pk)
    return _act(
        request,
        pk,
        "forward",
        mf.ForwardForm,
        lambda d, form: steps.matter_forward(
            actor=request.user,
            matter_id=pk,
            to_unit=d["to_unit"],
            person=d["person"],
            note=d["note"],
            unit_id=hop.to_unit_id,
        ),
        _("已转办。"),
        {"hop": hop},
    )


@login_required
@require_POST
@scoped
def matter_respond(request, pk: int):
    hop = _own_hop(request, pk)

    def done(feedback):
        # a note without substance: the unit must know the clock keeps running, and why
        if not feedback.substantive:
            return messages.WARNING, _("反馈已保存，但不计为有效反馈：") + feedback.judgement
        return messages.SUCCESS, _("反馈已报送。")

    return _act(
        request,
        pk,
        "respond",
        mf.RespondForm,
        lambda d, form: steps.matter_respond(
            actor=request.user,
            matter_id=pk,
            kind=d["kind"],
            text=d["text"],
            attachment=d.get("attachment"),
            unit_id=hop.to_unit_id if hop else None,
        ),
        done,
        {"hop": hop},
    )


@login_required
@require_POST
@scoped
def matter_request_extension(request, pk: int):
    hop = _own_hop(request, pk)
    return _act(
        request,
        pk,
        "extend",
        mf.ExtensionForm,
        lambda d, form: steps.matter_request_extension(
            actor=request.user,
            matter_id=pk,
            reason=d["reason"],
            until=form.until_moment(),
            unit_id=hop.to_unit_id if hop else None,
        ),
        _("延期申请已提交，等待督查部门审批。"),
    )


@login_required
@require_POST
@scoped
def matter_decide_extension(request, pk: int, extension_pk: int):
    matter = sel.matter_get(actor=request.user, pk=pk)
    if not any(e.pk == extension_pk for e in matter.extensions.all()):
        raise Http404
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        pk,
        "decide",
        mf.DecideExtensionForm,
        lambda d, form: steps.matter_decide_extension(
            actor=request.user, extension_id=extension_pk, approve=approve, note=d["note"]
        ),
        _("已批准延期。") if approve else _("已不予批准延期。"),
    )


@login_required
@require_POST
@scoped
def matter_return(request, pk: int):
    return _act(
        request,
        pk,
        "return",
        mf.ReturnForm,
        lambda d, form: steps.matter_return(actor=request.user, matter_id=pk, reason=d["reason"]),
        _("已退办，承办单位须重新反馈。"),
    )


@login_required
@require_POST
@scoped
def matter_complete(request, pk: int):
    return _act(
        request,
        pk,
        "complete",
        mf.CompleteForm,
        lambda d, form: steps.matter_complete(actor=request.user, matter_id=pk, note=d["note"]),
        _("已办结，等待交办领导销号。"),
    )


@login_required
@require_POST
@scoped
def matter_close(request, pk: int):
    return _act(
        request,
        pk,
        "close",
        mf.CloseForm,
        lambda d, form: steps.matter_close(actor=request.user, matter_id=pk, note=d["note"]),
        _("已销号。"),
    )


@login_required
@require_POST
@scoped
def matter_reopen(request, pk: int):
    return _act(
        request,
        pk,
        "reopen",
        mf.ReopenForm,
        lambda d, form: steps.matter_reopen(
            actor=request.user, matter_id=pk, instruction=d["instruction"]
        ),
        _("已再批示，事项重新进入办理。"),
    )


# ---- writing an instruction ------------------------------------------------------------------


def _item_initial(request, item, report=None) -> dict:
    """Defaults for an instruction on a goal item, or on one unit's report of it."""
    lead = item.assignments.filter(role=GoalRole.LEAD).select_related("unit").first()
    if report is not None:
        lead = report.assignment
    source = (
        Source.INSTRUCTION
        if request.user.leader_id and _is_leader(request.user)
        else (Source.KEY_WORK)
    )
    return {
        "item": item.pk,
        "source": source,
        "title": f"{item.code} {item.name}"
        + (_("（%(period)s报送）") % {"period": period_label(report.period)} if report else ""),
        "lead_unit": lead.unit_id if lead else None,
    }


def _is_leader(user) -> bool:
    from ganchao.orgs.scoping import scope_of

    return scope_of(user).has(Role.LEADER)


def _matter_form(user, data=None, initial=None) -> mf.MatterForm:
    """A leader writes in their own name: the 交办领导 field is the office's."""
    form = mf.MatterForm(data, initial=initial or {})
    from ganchao.orgs.scoping import scope_of

    scope = scope_of(user)
    if user.leader_id and scope.has(Role.LEADER) and not scope.has(Role.OFFICE):
        del form.fields["leader"]
    return form


@login_required
@require_roles(Role.OFFICE, Role.LEADER)
@scoped
def matter_new(request):
    item, report = None, None
    item_pk = request.POST.get("item") or request.GET.get("item")
    report_pk = request.POST.get("report") or request.GET.get("report")
    try:
        if report_pk:
            report = goal_selectors.report_get(request.user, int(report_pk))
            item = report.assignment.item
        elif item_pk:
            item = goal_selectors.item_get(request.user, int(item_pk))
    except ValueError as exc:
        raise Http404 from exc
    if request.method == "POST":
        form = _matter_form(request.user, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                matter = matter_instruct(
                    actor=request.user,
                    title=d["title"],
                    content=d["content"],
                    source=d["source"],
                    urgency=d["urgency"],
                    item=item,
                    report=report,
                    milestones=d["milestones"],
                    leader=d.get("leader"),
                    lead=(d["lead_unit"], d["lead_person"]),
                    cooperating=form.cooperating(),
                )
            except ValidationFailed as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("已交办：%(t)s") % {"t": matter.title})
                return redirect("supervision:matter_detail", pk=matter.pk)
        status = 422
    else:
        initial = _item_initial(request, item, report) if item else {}
        form = _matter_form(request.user, initial=initial)
        status = 200
    form.fields["item"].widget = django_forms.HiddenInput()
    context = {"form": form, "item": item, "report": report}
    return render(request, "supervision/matter_form.html", context, status=status)
