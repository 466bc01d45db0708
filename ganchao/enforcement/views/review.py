"""Pages of the legal review (法制审核, B8–B10) and the collective discussion: the review panel
on the case page (major or not and why, the rounds with their verdicts, the forms), the
reviewer's desk, one round's page with the assignment and the seven-item verdict form, and the
form pages a refused case action comes back to. Views parse input and call services.review and
selectors_review; the rules live there and in gates."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import scoped
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, permissions, selectors
from ganchao.enforcement import selectors_review as sel
from ganchao.enforcement.choices import (
    PenaltyKind,
    ReviewItem,
    ReviewState,
    Stage,
    Step,
    Verdict,
)
from ganchao.enforcement.models import CaseRecord
from ganchao.enforcement.services import review as services

ERRORS = (ValidationFailed, Conflict, Forbidden, ProcedureBlocked)
API = "ganchao.enforcement.services.review"
STATE_COLORS = {
    ReviewState.SUBMITTED: "primary",
    ReviewState.ASSIGNED: "azure",
    ReviewState.PASSED: "green",
    ReviewState.RETURNED: "red",
}
CLOCK_COLORS = {
    "running": "secondary",
    "due_soon": "yellow",
    "overdue": "red",
    "met": "green",
    "late": "orange",
}


def error_text(exc) -> str:
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def apply_errors(form, exc, fields: dict | None = None) -> None:
    """The service's errors next to their fields (`fields` maps a service field to a form
    field), a rule's refusal over the form."""
    if isinstance(exc, ProcedureBlocked):
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors or []:
        name = (fields or {}).get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def case_url(case) -> str:
    try:
        return reverse("enforcement:case_detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def _back_to_case(case):
    url = case_url(case)
    return redirect(f"{url}#panel-review") if url else redirect("enforcement:review_desk")


# ---- forms -----------------------------------------------------------------------------------


class MajorForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("认定为重大执法决定的理由"),
        widget=_textarea(3),
        help_text=gettext_lazy(
            "如涉及重大公共利益、可能造成重大社会影响、案情疑难复杂涉及多个法律关系等。"
            "认定后不能取消。"
        ),
    )


def submit_form(data=None, *, returned=False):
    """The submission form; after a returned round the correction is required."""
    form = SubmitForm(data)
    form.fields["correction"].required = returned
    return form


class SubmitForm(forms.Form):
    materials = forms.CharField(
        label=gettext_lazy("送审材料说明"),
        widget=_textarea(3),
        help_text=gettext_lazy(
            "列明报送的案卷材料：调查终结报告、证据材料、拟处理意见、告知及陈述申辩材料等"
        ),
    )
    correction = forms.CharField(
        label=gettext_lazy("整改说明"),
        required=False,
        widget=_textarea(3),
        help_text=gettext_lazy("上次审核认为存在问题的，写明已作的整改"),
    )
    voluntary = forms.BooleanField(
        label=gettext_lazy("本案不属于重大执法决定，承办人员主动申请法制审核"),
        required=False,
    )


class CollectiveForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("讨论日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    chair = forms.CharField(label=gettext_lazy("主持人"), max_length=50)
    participants = forms.CharField(label=gettext_lazy("参加人员"), widget=_textarea(2))
    conclusion = forms.CharField(label=gettext_lazy("讨论决定"), widget=_textarea(3))


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(label=gettext_lazy("审核人员"), choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [
            (c.officer.pk, f"{c.officer.name}（{c.officer.agency.name}）")
            for c in choices
            if c.eligible
        ]


class ExtendForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("延长理由"), widget=_textarea(2))


class ConcludeForm(forms.Form):
    """One verdict and its note per review item (B10), and the opinion."""

    opinion = forms.CharField(
        label=gettext_lazy("审核意见"),
        required=False,
        widget=_textarea(4),
        help_text=gettext_lazy("有任何一项存在问题的必填，写明须整改的内容"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ReviewItem:
            self.fields[f"verdict_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{item.value}"] = forms.CharField(
                label=_("说明"), required=False, widget=_textarea(1)
            )
        self.order_fields([name for name in self.fields if name != "opinion"] + ["opinion"])

    def item_rows(self):
        return [
            (item, self[f"verdict_{item.value}"], self[f"note_{item.value}"]) for item in ReviewItem
        ]

    def verdicts(self) -> dict:
        data = self.data
        return {
            item.value: (
                data.get(f"{self.add_prefix('verdict_' + item.value)}", ""),
                data.get(f"{self.add_prefix('note_' + item.value)}", ""),
            )
            for item in ReviewItem
        }


VERDICT_FIELDS = {
    **{f"verdicts.{i.value}": f"verdict_{i.value}" for i in ReviewItem},
    **{f"verdicts.{i.value}.note": f"note_{i.value}" for i in ReviewItem},
}


# ---- the panel on the case page --------------------------------------------------------------


def _proposal(case) -> dict:
    return {
        "penalties": [str(PenaltyKind(k).label) for k in case.proposed_penalties or []],
        "fine": case.proposed_fine,
        "summary": case.proposed_summary,
    }


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/review.html on the case page."""
    actor = request.user
    handles = permissions.handles(actor, case)
    open_case = case.stage not in (Stage.CLOSED, Stage.WITHDRAWN)
    undecided = case.stage in (*services.SUBMIT_STAGES, Stage.FILED, Stage.INVESTIGATING)
    submit_blockers = gates.blockers_for(Step.SUBMIT_LEGAL_REVIEW, facts)
    collective_blockers = gates.blockers_for(Step.COLLECTIVE, facts)
    needs_collective = gates.needs_collective(facts)
    may_collect = handles or permissions.is_head(actor, case)
    context = {
        "major": facts.major,
        "major_reasons": sel.major_reason_labels(facts),
        "manual_reason": case.manual_major_reason if case.manual_major else "",
        "thresholds": facts.thresholds,
        "needs_collective": needs_collective,
        "collective_done": facts.collective_after_review,
        "rounds": _rows(sel.reviews_of_case(case)),
        "discussions": sel.discussions_of_case(case),
        "can_flag": handles and open_case and undecided and not case.manual_major,
        "can_submit": handles and case.stage in services.SUBMIT_STAGES and not facts.review_pending,
        "submit_blockers": submit_blockers,
        "returned": facts.review_state == ReviewState.RETURNED,
        "can_collect": may_collect
        and case.stage in services.COLLECTIVE_STAGES
        and (needs_collective or facts.collective_held),
        "collective_blockers": collective_blockers,
        "major_form": MajorForm(),
        "submit_form": submit_form(returned=facts.review_state == ReviewState.RETURNED),
        "collective_form": CollectiveForm(initial={"held_on": timezone.localdate()}),
        "case_url": case_url(case),
    }
    context["review_panel"] = context
    return context


# ---- case actions (form pages on refusal) ----------------------------------------------------


def _case_form(request, case, form, kind: str, *, status=200, action_error=""):
    facts = selectors.case_facts(case)
    context = {
        "case": case,
        "form": form,
        "kind": kind,
        "case_url": case_url(case),
        "action_error": action_error,
        "major": facts.major,
        "major_reasons": sel.major_reason_labels(facts),
        "returned": facts.review_state == ReviewState.RETURNED,
        "blockers": gates.blockers_for(
            Step.SUBMIT_LEGAL_REVIEW if kind == "submit" else Step.COLLECTIVE, facts
        )
        if kind != "major"
        else [],
    }
    return render(request, "enforcement/review/case_form.html", context, status=status)


def _run_case_action(request, case, form, kind, run, done):
    if not form.is_valid():
        return _case_form(request, case, form, kind, status=422)
    try:
        run(form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        return _case_form(
            request, case, form, kind, status=exc.status, action_error=error_text(exc)
        )
    messages.success(request, done)
    return _back_to_case(case)


@login_required
@scoped
def case_flag_major(request, pk: int):
    case = selectors.case_get(request.user, pk)
    if request.method != "POST":
        return _case_form(request, case, MajorForm(), "major")
    return _run_case_action(
        request,
        case,
        MajorForm(request.POST),
        "major",
        lambda data: services.case_flag_major(actor=request.user, case=case, reason=data["reason"]),
        _("已认定为重大执法决定，作出决定前须经法制审核。"),
    )


@login_required
@scoped
def review_submit(request, pk: int):
    case = selectors.case_get(request.user, pk)
    returned = selectors.case_facts(case).review_state == ReviewState.RETURNED
    if request.method != "POST":
        return _case_form(request, case, submit_form(returned=returned), "submit")
    return _run_case_action(
        request,
        case,
        submit_form(request.POST, returned=returned),
        "submit",
        lambda data: services.review_submit(
            actor=request.user,
            case=case,
            materials=data["materials"],
            correction=data["correction"],
            voluntary=data["voluntary"],
        ),
        _("已提交法制审核，等待法制审核机构分配审核人员。"),
    )


@login_required
@scoped
def collective_record(request, pk: int):
    case = selectors.case_get(request.user, pk)
    if request.method != "POST":
        form = CollectiveForm(initial={"held_on": timezone.localdate()})
        return _case_form(request, case, form, "collective")
    return _run_case_action(
        request,
        case,
        CollectiveForm(request.POST),
        "collective",
        lambda data: services.collective_record(actor=request.user, case=case, **data),
        _("集体讨论已登记。"),
    )


# ---- the desk and the round's page -----------------------------------------------------------


def _rows(reviews):
    """(round, its clock, state colour, clock colour) for each round."""
    rows = []
    for review in reviews:
        clock = sel.clock(review)
        clock_color = CLOCK_COLORS.get(clock.state, "secondary") if clock else ""
        rows.append((review, clock, STATE_COLORS.get(review.state), clock_color))
    return rows


@login_required
@scoped
def review_desk(request):
    sections = sel.desk_sections(request.user)
    context = {
        "waiting": _rows(sections["waiting"]),
        "assigned": _rows(sections["assigned"]),
        "recent": _rows(sections["recent"]),
        "clock_colors": CLOCK_COLORS,
        "sees_all": permissions.is_office(request.user)
        or not permissions.is_reviewer(request.user),
    }
    return render(request, "enforcement/review/desk.html", context)


def _detail_context(request, review, **extra) -> dict:
    actor = request.user
    case = review.case
    facts = selectors.case_facts(case)
    assigns = permissions.assigns_reviews(actor, case)
    is_assigned = bool(review.reviewer and review.reviewer.user_id == actor.pk)
    open_ = review.state in sel.OPEN_STATES
    choices = sel.reviewer_choices(case) if assigns and open_ else []
    context = {
        "review": review,
        "case": case,
        "case_url": case_url(case),
        "clock": sel.clock(review),
        "clock_colors": CLOCK_COLORS,
        "state_color": STATE_COLORS.get(review.state),
        "major_reasons": sel.major_reason_labels(facts),
        "needs_collective": gates.needs_collective(facts),
        "proposal": _proposal(case),
        "verdicts": list(review.verdicts.all()),
        "rounds": _rows(sel.reviews_of_case(case)),
        "records": list(
            CaseRecord.objects.filter(case=case).select_related("created_by").order_by("id")
        ),
        "files": list(selectors.case_files(case)),
        "eligible": [c for c in choices if c.eligible],
        "ineligible": [c for c in choices if not c.eligible],
        "can_assign": assigns and open_,
        "can_extend": open_
        and review.state == ReviewState.ASSIGNED
        and not review.extended
        and (assigns or is_assigned),
        "can_conclude": is_assigned and review.state == ReviewState.ASSIGNED,
        "assign_form": AssignForm(choices=choices),
        "extend_form": ExtendForm(),
        "conclude_form": ConcludeForm(),
    }
    context.update(extra)
    return context


@login_required
@scoped
def review_detail(request, pk: int):
    review = sel.review_get(request.user, pk)
    return render(request, "enforcement/review/detail.html", _detail_context(request, review))


def _review_action(request, pk, form, form_key, run, done, fields=None):
    review = sel.review_get(request.user, pk)
    if form.is_valid():
        try:
            run(review, form.cleaned_data)
        except ERRORS as exc:
            apply_errors(form, exc, fields)
            review = sel.review_get(request.user, pk)
            context = _detail_context(
                request, review, action_error=error_text(exc), **{form_key: form}
            )
            return render(request, "enforcement/review/detail.html", context, status=exc.status)
        messages.success(request, done)
        return redirect("enforcement:review_detail", pk=pk)
    context = _detail_context(request, review, **{form_key: form})
    return render(request, "enforcement/review/detail.html", context, status=422)


@login_required
@scoped
def review_assign(request, pk: int):
    review = sel.review_get(request.user, pk)
    if request.method != "POST":
        return redirect("enforcement:review_detail", pk=pk)
    choices = sel.reviewer_choices(review.case)
    by_id = {str(c.officer.pk): c.officer for c in choices}
    form = AssignForm(request.POST, choices=choices)
    return _review_action(
        request,
        pk,
        form,
        "assign_form",
        lambda review, data: services.review_assign(
            actor=request.user, review=review, reviewer=by_id[data["reviewer"]]
        ),
        _("已分配审核人员，审核期限已开始计算。"),
    )


@login_required
@scoped
def review_extend(request, pk: int):
    if request.method != "POST":
        return redirect("enforcement:review_detail", pk=pk)
    return _review_action(
        request,
        pk,
        ExtendForm(request.POST),
        "extend_form",
        lambda review, data: services.review_extend(
            actor=request.user, review=review, reason=data["reason"]
        ),
        _("审核期限已延长。"),
    )


@login_required
@scoped
def review_conclude(request, pk: int):
    if request.method != "POST":
        return redirect("enforcement:review_detail", pk=pk)
    form = ConcludeForm(request.POST)
    return _review_action(
        request,
        pk,
        form,
        "conclude_form",
        lambda review, data: services.review_conclude(
            actor=request.user,
            review=review,
            verdicts=form.verdicts(),
            opinion=data["opinion"],
        ),
        _("审核意见已出具。"),
        VERDICT_FIELDS,
    )


urlpatterns = [
    path("reviews/", review_desk, name="review_desk"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/assign/", review_assign, name="review_assign"),
    path("reviews/<int:pk>/extend/", review_extend, name="review_extend"),
    path("reviews/<int:pk>/conclude/", review_conclude, name="review_conclude"),
    path("cases/<int:pk>/major/", case_flag_major, name="case_flag_major"),
    path("cases/<int:pk>/legal-review/", review_submit, name="review_submit"),
    path("cases/<int:pk>/collective/", collective_record, name="collective_record"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:case_flag_major": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/major",
        f"{API}.case_flag_major",
    ),
    "enforcement:review_submit": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/legal-reviews",
        f"{API}.review_submit",
    ),
    "enforcement:collective_record": (
        "POST",
        "/api/v1/enforcement/cases/{case_id}/collective-discussions",
        f"{API}.collective_record",
    ),
    "enforcement:review_assign": (
        "POST",
        "/api/v1/enforcement/legal-reviews/{review_id}/assign",
        f"{API}.review_assign",
    ),
    "enforcement:review_extend": (
        "POST",
        "/api/v1/enforcement/legal-reviews/{review_id}/extend",
        f"{API}.review_extend",
    ),
    "enforcement:review_conclude": (
        "POST",
        "/api/v1/enforcement/legal-reviews/{review_id}/conclude",
        f"{API}.review_conclude",
    ),
}
