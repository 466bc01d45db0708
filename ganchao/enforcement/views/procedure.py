"""Pages of the procedure after the investigation (B9, B11): the notice, the party's statement
or hearing request, the hearing, the head's decision, delivery, execution, rectification and
the preserved evidence — each a POST from the procedure panel on the case page. A refusal shows
the case page again with 【rule】message over it and the form with its errors; nothing is saved.
Views parse input and call services.procedure; the rules live there and in the gates."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import scoped
from ganchao.decisions.views.catalogue import apply_errors, error_text
from ganchao.enforcement import gates, permissions, selectors
from ganchao.enforcement import selectors_procedure as sel
from ganchao.enforcement.choices import (
    ClockState,
    DecisionKind,
    DeliveryMethod,
    MatterCategory,
    PenaltyKind,
    Stage,
    StatementKind,
    Step,
)
from ganchao.enforcement.services import procedure as services

ERRORS = (ValidationFailed, Conflict, Forbidden)
API = "ganchao.enforcement.services.procedure"
BOUND = "_procedure_forms"  # the refused form, handed from the view to panel_context


def _date_input():
    # type=date takes ISO dates whatever the interface language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


YES_NO = [
    ("", gettext_lazy("尚未复核")),
    ("yes", gettext_lazy("成立，予以采纳")),
    ("no", gettext_lazy("不成立，不予采纳")),
]


class NoticeForm(forms.Form):
    served_on = forms.DateField(label=gettext_lazy("告知日期"), widget=_date_input())
    proposal = forms.CharField(
        label=gettext_lazy("拟作出的处罚"),
        widget=_textarea(2),
        help_text=gettext_lazy("与案件的拟处理意见一致；作出的决定不得重于告知的处罚"),
    )
    facts = forms.CharField(label=gettext_lazy("事实、理由和依据"), widget=_textarea(3))
    hearing_right = forms.BooleanField(
        label=gettext_lazy("告知听证权利"),
        required=False,
        help_text=gettext_lazy(
            "较大数额罚款、吊销许可证件、降低资质等级、责令停产停业、限制从业等须告知（《行政处罚法》第六十三条）"
        ),
    )
    rights = forms.CharField(
        label=gettext_lazy("告知的权利"),
        required=False,
        widget=_textarea(3),
        help_text=gettext_lazy("不填写的，按陈述、申辩（及听证）权利的标准表述"),
    )


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=StatementKind.choices)
    received_on = forms.DateField(label=gettext_lazy("收到日期"), widget=_date_input())
    text = forms.CharField(label=gettext_lazy("内容"), required=False, widget=_textarea(3))
    adopted = forms.ChoiceField(label=gettext_lazy("复核结论"), choices=YES_NO, required=False)
    handling = forms.CharField(label=gettext_lazy("复核意见"), required=False, widget=_textarea(2))


class HearingScheduleForm(forms.Form):
    notified_on = forms.DateField(label=gettext_lazy("通知当事人日期"), widget=_date_input())
    scheduled_on = forms.DateField(
        label=gettext_lazy("举行日期"),
        widget=_date_input(),
        help_text=gettext_lazy("听证应当在举行7个工作日前通知当事人"),
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200)
    host = forms.CharField(
        label=gettext_lazy("主持人"),
        max_length=50,
        help_text=gettext_lazy("由非本案调查人员主持"),
    )


class HearingHoldForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("实际举行日期"), widget=_date_input())
    record = forms.CharField(label=gettext_lazy("听证笔录摘要"), widget=_textarea(3))


class DecideForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("决定类型"), choices=())
    penalties = forms.MultipleChoiceField(
        label=gettext_lazy("处罚种类"),
        required=False,
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fine = forms.DecimalField(
        label=gettext_lazy("罚款金额（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    decided_on = forms.DateField(label=gettext_lazy("决定日期"), widget=_date_input())
    summary = forms.CharField(label=gettext_lazy("决定意见"), required=False, widget=_textarea(2))

    def __init__(self, *args, category=MatterCategory.PENALTY, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = services.DECISION_KINDS.get(category, [DecisionKind.OTHER])
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if category != MatterCategory.PENALTY:
            del self.fields["penalties"]
            del self.fields["fine"]


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("送达方式"), choices=DeliveryMethod.choices)
    delivered_on = forms.DateField(label=gettext_lazy("送达日期"), widget=_date_input())
    recipient = forms.CharField(label=gettext_lazy("受送达人"), max_length=100)
    consent = forms.FileField(
        label=gettext_lazy("电子送达确认书"),
        required=False,
        help_text=gettext_lazy("电子送达的，须上传当事人签署的同意电子送达确认书"),
    )
    note = forms.CharField(label=gettext_lazy("送达情况"), required=False, widget=_textarea(2))


class ExecutionForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("履行日期"), widget=_date_input())
    compulsory = forms.BooleanField(label=gettext_lazy("强制执行"), required=False)
    amount_paid = forms.DecimalField(
        label=gettext_lazy("缴纳罚没款（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    note = forms.CharField(label=gettext_lazy("执行情况"), widget=_textarea(2))


class RectificationForm(forms.Form):
    rectified_on = forms.DateField(label=gettext_lazy("整改核实日期"), widget=_date_input())
    note = forms.CharField(label=gettext_lazy("整改核实情况"), widget=_textarea(2))


class PreservationForm(forms.Form):
    resolved_on = forms.DateField(label=gettext_lazy("处理日期"), widget=_date_input())
    resolution = forms.CharField(label=gettext_lazy("处理决定"), widget=_textarea(2))


# ---- the panel -------------------------------------------------------------------------------


def _blockers(step, facts) -> list[gates.Blocker]:
    return gates.blockers_for(step, facts)


def _form(request, key, factory):
    """The refused form when this request carries one for `key`, else a fresh one."""
    bound = getattr(request, BOUND, {})
    return bound.get(key) or factory()


def _initial_forms(request, case, facts, proc) -> dict:
    today = timezone.localdate()
    notice = proc.notice
    decision_initial = {"decided_on": today}
    if notice is not None:
        decision_initial |= {
            "penalties": notice.proposed_penalties,
            "fine": notice.proposed_fine,
            "kind": DecisionKind.PENALTY,
        }
    return {
        "notice_form": _form(
            request,
            "notice",
            lambda: NoticeForm(
                prefix="notice",
                initial={
                    "served_on": today,
                    "proposal": case.proposed_summary,
                    "facts": case.facts,
                    "hearing_right": services.hearing_suggested(case),
                },
            ),
        ),
        "statement_form": _form(
            request,
            "statement",
            lambda: StatementForm(prefix="stmt", initial={"received_on": today}),
        ),
        "schedule_form": _form(request, "schedule", lambda: HearingScheduleForm(prefix="hs")),
        "hold_form": _form(request, "hold", lambda: HearingHoldForm(prefix="hh")),
        "decide_form": _form(
            request,
            "decide",
            lambda: DecideForm(
                prefix="dec", category=case.matter.category, initial=decision_initial
            ),
        ),
        "delivery_form": _form(
            request,
            "delivery",
            lambda: DeliveryForm(
                prefix="dlv", initial={"delivered_on": today, "recipient": case.party_name}
            ),
        ),
        "execution_form": _form(
            request,
            "execution",
            lambda: ExecutionForm(
                prefix="exe",
                initial={
                    "done_on": today,
                    "amount_paid": proc.decision.fine if proc.decision else None,
                },
            ),
        ),
        "rectification_form": _form(
            request,
            "rectification",
            lambda: RectificationForm(prefix="rect", initial={"rectified_on": today}),
        ),
    }


def _preservation_forms(request, proc, handles) -> list[tuple]:
    rows = []
    for row in proc.preservations:
        form = None
        if handles and not row.action.resolved_on:
            form = _form(
                request,
                f"pres-{row.action.pk}",
                lambda pk=row.action.pk: PreservationForm(
                    prefix=f"pres{pk}", initial={"resolved_on": timezone.localdate()}
                ),
            )
        rows.append((row, form))
    return rows


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/procedure.html on the case page."""
    actor = request.user
    proc = sel.procedure_of(case, today=facts.today)
    handles = permissions.handles(actor, case)
    head = permissions.is_head(actor, case)
    stage = case.stage
    penalty = case.matter.category == MatterCategory.PENALTY
    undecided = proc.decision is None and stage in services.DECIDE_FROM
    open_hearing = proc.open_hearing
    decision = proc.decision
    executes = bool(decision and decision.kind in (DecisionKind.PENALTY, DecisionKind.COMPULSION))
    context = {
        "proc": proc,
        "penalty": penalty,
        "is_head": head,
        "handles": handles,
        "bound": sorted(getattr(request, BOUND, {})),
        "notice_blockers": _blockers(Step.NOTIFY, facts),
        "decide_blockers": _blockers(Step.DECIDE, facts) if undecided else [],
        "serve_blockers": _blockers(Step.SERVE, facts),
        "execute_blockers": _blockers(Step.EXECUTE, facts),
        "can_notify": handles and penalty and stage == Stage.REVIEWED,
        "can_renotify": handles and penalty and stage in (Stage.NOTIFIED, Stage.STATEMENT),
        "can_state": handles and stage in (Stage.NOTIFIED, Stage.STATEMENT),
        "can_schedule": handles and stage == Stage.STATEMENT and open_hearing is not None,
        "can_hold": handles
        and stage == Stage.STATEMENT
        and open_hearing is not None
        and open_hearing.scheduled_on is not None,
        "open_hearing": open_hearing,
        "can_decide": head and undecided,
        "can_deliver": handles and stage in (Stage.DECIDED, Stage.SERVED),
        "can_execute": handles and executes and stage in (Stage.SERVED, Stage.EXECUTING),
        "can_rectify": handles
        and decision is not None
        and stage in (Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED)
        and case.rectification_required,
        "preservations": _preservation_forms(request, proc, handles),
        "overdue": ClockState.OVERDUE,
        "decision_words": services.penalty_words(decision.penalties, decision.fine)
        if decision
        else "",
        "statement_kinds": StatementKind,
    }
    context.update(_initial_forms(request, case, facts, proc))
    context["procedure_panel"] = context
    return context


# ---- page actions ----------------------------------------------------------------------------


def _back(case_pk: int):
    return redirect(reverse("enforcement:case_detail", kwargs={"pk": case_pk}) + "#panel-procedure")


def _refused(request, case, key, form, exc=None):
    """The case page again with the refusal over it and this form with its errors."""
    from ganchao.enforcement.views.core import detail_context

    setattr(request, BOUND, {key: form})
    case = selectors.case_get(request.user, case.pk)
    message = error_text(exc) if exc else _("请检查“告知与陈述申辩、决定、送达执行”栏中标出的问题")
    context = detail_context(request, case, action_error=message)
    return render(
        request, "enforcement/case_detail.html", context, status=exc.status if exc else 422
    )


def _run(request, case, key, form, call, done: str):
    """Validate the form, run the service with its data; on a refusal, the page again."""
    if not form.is_valid():
        return _refused(request, case, key, form)
    try:
        call(form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        return _refused(request, case, key, form, exc)
    messages.success(request, done)
    return _back(case.pk)


def _adopted(value):
    return {"yes": True, "no": False}.get(value)


@login_required
@require_POST
@scoped
def notice_serve(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = NoticeForm(request.POST, prefix="notice")
    return _run(
        request,
        case,
        "notice",
        form,
        lambda data: services.notice_serve(actor=request.user, case=case, **data),
        _("已送达行政处罚事先告知，当事人的陈述申辩期限开始计算。"),
    )


@login_required
@require_POST
@scoped
def statement_record(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = StatementForm(request.POST, prefix="stmt")
    return _run(
        request,
        case,
        "statement",
        form,
        lambda data: services.statement_record(
            actor=request.user,
            case=case,
            kind=data["kind"],
            received_on=data["received_on"],
            text=data["text"],
            adopted=_adopted(data["adopted"]),
            handling=data["handling"],
        ),
        _("已登记。"),
    )


@login_required
@require_POST
@scoped
def hearing_schedule(request, hid: int):
    hearing = sel.hearing_get(request.user, hid)
    form = HearingScheduleForm(request.POST, prefix="hs")
    return _run(
        request,
        hearing.case,
        "schedule",
        form,
        lambda data: services.hearing_schedule(actor=request.user, hearing=hearing, **data),
        _("听证已安排，并已记录通知当事人的日期。"),
    )


@login_required
@require_POST
@scoped
def hearing_hold(request, hid: int):
    hearing = sel.hearing_get(request.user, hid)
    form = HearingHoldForm(request.POST, prefix="hh")
    return _run(
        request,
        hearing.case,
        "hold",
        form,
        lambda data: services.hearing_hold(
            actor=request.user,
            hearing=hearing,
            held_on=data["held_on"],
            record_text=data["record"],
        ),
        _("已登记听证举行情况。经过听证的案件属于重大执法决定，须经法制审核和集体讨论。"),
    )


@login_required
@require_POST
@scoped
def decide(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = DecideForm(request.POST, prefix="dec", category=case.matter.category)
    return _run(
        request,
        case,
        "decide",
        form,
        lambda data: services.decide(
            actor=request.user,
            case=case,
            kind=data["kind"],
            penalties=data.get("penalties") or [],
            fine=data.get("fine"),
            decided_on=data["decided_on"],
            summary=data["summary"],
        ),
        _("决定已作出。请在“决定书”栏中完善决定书并加盖印章签发。"),
    )


@login_required
@require_POST
@scoped
def delivery_record(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = DeliveryForm(request.POST, request.FILES, prefix="dlv")
    return _run(
        request,
        case,
        "delivery",
        form,
        lambda data: services.delivery_record(
            actor=request.user,
            case=case,
            method=data["method"],
            delivered_on=data["delivered_on"],
            recipient=data["recipient"],
            consent_upload=data["consent"],
            note=data["note"],
        ),
        _("已登记送达。"),
    )


@login_required
@require_POST
@scoped
def execution_record(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = ExecutionForm(request.POST, prefix="exe")
    return _run(
        request,
        case,
        "execution",
        form,
        lambda data: services.execution_record(actor=request.user, case=case, **data),
        _("已登记执行情况。"),
    )


@login_required
@require_POST
@scoped
def rectification_verify(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = RectificationForm(request.POST, prefix="rect")
    return _run(
        request,
        case,
        "rectification",
        form,
        lambda data: services.rectification_verify(actor=request.user, case=case, **data),
        _("已登记整改核实情况。"),
    )


@login_required
@require_POST
@scoped
def preservation_resolve(request, aid: int):
    action = sel.action_get(request.user, aid)
    form = PreservationForm(request.POST, prefix=f"pres{action.pk}")
    return _run(
        request,
        action.case,
        f"pres-{action.pk}",
        form,
        lambda data: services.preservation_resolve(actor=request.user, action=action, **data),
        _("已登记对先行登记保存证据的处理决定。"),
    )


urlpatterns = [
    path("cases/<int:pk>/notices/", notice_serve, name="notice_serve"),
    path("cases/<int:pk>/statements/", statement_record, name="statement_record"),
    path("hearings/<int:hid>/schedule/", hearing_schedule, name="hearing_schedule"),
    path("hearings/<int:hid>/hold/", hearing_hold, name="hearing_hold"),
    path("cases/<int:pk>/decide/", decide, name="decide"),
    path("cases/<int:pk>/deliveries/", delivery_record, name="delivery_record"),
    path("cases/<int:pk>/executions/", execution_record, name="execution_record"),
    path("cases/<int:pk>/rectification/", rectification_verify, name="rectification_verify"),
    path("actions/<int:aid>/resolve/", preservation_resolve, name="preservation_resolve"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:notice_serve": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/notices",
        f"{API}.notice_serve",
    ),
    "enforcement:statement_record": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/statements",
        f"{API}.statement_record",
    ),
    "enforcement:hearing_schedule": (
        "POST",
        "/api/v1/enforcement/hearings/{hearing_id}/schedule",
        f"{API}.hearing_schedule",
    ),
    "enforcement:hearing_hold": (
        "POST",
        "/api/v1/enforcement/hearings/{hearing_id}/hold",
        f"{API}.hearing_hold",
    ),
    "enforcement:decide": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/decision",
        f"{API}.decide",
    ),
    "enforcement:delivery_record": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/deliveries",
        f"{API}.delivery_record",
    ),
    "enforcement:execution_record": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/executions",
        f"{API}.execution_record",
    ),
    "enforcement:rectification_verify": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/rectification",
        f"{API}.rectification_verify",
    ),
    "enforcement:preservation_resolve": (
        "POST",
        "/api/v1/enforcement/actions/{action_id}/resolve",
        f"{API}.preservation_resolve",
    ),
}
