"""Pages of the legality review (合法性审查, A9–A11): the request form, the reviewer's desk with
its clocks, the review page (materials, the decision's procedures, the A3 exemption, adviser
opinions, the reviewer's actions and opinion form) and the panel on the decision page. Views
parse input and call services.review / selectors_review; the rules live there."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common import filestore
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, scoped
from ganchao.decisions import gates, permissions, selectors
from ganchao.decisions import selectors_review as sel
from ganchao.decisions.choices import (
    MaterialKind,
    ProcedureKind,
    ProcedureState,
    ReviewConclusion,
    ReviewState,
    State,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.services import review as services
from ganchao.decisions.services.files import decision_file_open

ERRORS = (ValidationFailed, Conflict, Forbidden)
API = "ganchao.decisions.services.review"
REVIEW_STATE_COLORS = {
    ReviewState.REQUESTED: "primary",
    ReviewState.SUPPLEMENTING: "orange",
    ReviewState.RETURNED: "secondary",
    ReviewState.CONCLUDED: "green",
}
CONCLUSION_COLORS = {
    ReviewConclusion.LAWFUL: "green",
    ReviewConclusion.LAWFUL_AFTER_CHANGES: "teal",
    ReviewConclusion.EXPLORATORY: "yellow",
    ReviewConclusion.UNLAWFUL: "red",
}


def error_text(exc) -> str:
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def apply_errors(form, exc) -> None:
    """The service's errors next to their fields, a rule's refusal over the form."""
    if isinstance(exc, ProcedureBlocked):
        form.add_error(None, error_text(exc))
        return
    for error in exc.errors or []:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class ReviewRequestForm(forms.Form):
    legal_basis = forms.CharField(
        label=gettext_lazy("法律依据"),
        widget=_textarea(4),
        help_text=gettext_lazy("写明决策所依据的法律、法规、规章和政策文件及条款"),
    )
    procedure_statement = forms.CharField(
        label=gettext_lazy("履行法定程序情况说明"),
        widget=_textarea(5),
        help_text=gettext_lazy("公众参与、专家论证、风险评估等程序的开展情况（A10）"),
    )
    reviewing_unit = forms.ModelChoiceField(
        label=gettext_lazy("合法性审查机构"), queryset=None, empty_label=None
    )
    planned_meeting_on = forms.DateField(
        label=gettext_lazy("拟提交会议日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("早于最短审查时间（7个工作日）的须说明紧急情况，并在审查台上标注"),
    )
    urgency_reason = forms.CharField(
        label=gettext_lazy("紧急情况说明"), required=False, widget=_textarea(2)
    )
    draft_file = forms.FileField(label=gettext_lazy("决策草案文本"), required=False)
    legal_basis_file = forms.FileField(label=gettext_lazy("法律依据材料"), required=False)
    procedure_statement_file = forms.FileField(
        label=gettext_lazy("履行法定程序情况说明材料"), required=False
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_unit"].queryset = services.reviewing_units(decision)


FILE_FIELDS = (
    ("draft_file", MaterialKind.DRAFT),
    ("legal_basis_file", MaterialKind.LEGAL_BASIS),
    ("procedure_statement_file", MaterialKind.PROCEDURE_STATEMENT),
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回理由"), required=False, widget=_textarea(3))


class SupplementRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("需补充的材料"), required=False, widget=_textarea(3)
    )


class SupplementDoneForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("补充材料"), required=False)


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("材料类别"),
        choices=[(k.value, k.label) for k in services.MATERIAL_KINDS],
    )
    file = forms.FileField(label=gettext_lazy("文件"), required=False)


class ConcludeForm(forms.Form):
    authority_opinion = forms.CharField(
        label=gettext_lazy("权限审查意见"),
        widget=_textarea(3),
        help_text=gettext_lazy("是否属于决策机关的法定权限"),
    )
    procedure_opinion = forms.CharField(
        label=gettext_lazy("程序审查意见"),
        widget=_textarea(3),
        help_text=gettext_lazy("草案形成过程中是否履行了法定程序"),
    )
    content_opinion = forms.CharField(
        label=gettext_lazy("内容审查意见"),
        widget=_textarea(3),
        help_text=gettext_lazy("内容是否符合法律、法规、规章和国家政策"),
    )
    conclusion = forms.ChoiceField(
        label=gettext_lazy("审查结论"),
        choices=ReviewConclusion.choices,
        widget=forms.RadioSelect,
    )
    legal_risk_statement = forms.CharField(
        label=gettext_lazy("法律风险提示"),
        required=False,
        widget=_textarea(3),
        help_text=gettext_lazy("结论为探索性改革时必填，随会议材料提交（A9）"),
    )


# ---- helpers ---------------------------------------------------------------------------------


def _adviser_link(review) -> str:
    try:
        return reverse("decisions:adviser_opinion_create") + f"?review={review.pk}"
    except NoReverseMatch:
        return ""


def _may_request(actor, decision) -> bool:
    if not permissions.runs_procedures(actor, decision):
        return False
    return decision.state in (State.LAUNCHED, State.ADJUSTING, State.IN_REVIEW)


def _procedure_rows(decision):
    facts = selectors.decision_facts(decision)
    return [
        {
            "label": ProcedureKind(p["kind"]).label,
            "state": p["state"],
            "state_label": ProcedureState(p["state"]).label,
            "required": p["required"],
        }
        for p in gates.procedures(facts)
        if p["kind"] not in (ProcedureKind.PARTY_REPORT, ProcedureKind.PUBLICATION)
    ]


def _detail_context(request, review, **extra) -> dict:
    actor = request.user
    is_reviewer = services.may_act_as_reviewer(actor, review)
    runs = permissions.runs_procedures(actor, review.decision)
    open_ = review.state in sel.OPEN_STATES
    after_changes = (
        review.state == ReviewState.CONCLUDED
        and review.conclusion == ReviewConclusion.LAWFUL_AFTER_CHANGES
        and not review.changes_confirmed_at
    )
    context = {
        "review": review,
        "decision": review.decision,
        "clock": sel.clock(review),
        "materials": list(sel.review_materials(review)),
        "pauses": list(sel.review_pauses(review)),
        "adviser_opinions": list(sel.review_adviser_opinions(review)),
        "procedures": _procedure_rows(review.decision),
        "adviser_link": _adviser_link(review) if is_reviewer and open_ else "",
        "is_reviewer": is_reviewer,
        "can_take": is_reviewer and open_ and review.reviewer_id != actor.pk,
        "can_review": is_reviewer and review.state == ReviewState.REQUESTED,
        "can_return": is_reviewer and open_,
        "can_supplement_done": runs and review.state == ReviewState.SUPPLEMENTING,
        "can_add_material": runs and open_,
        "can_confirm": runs and after_changes,
        "state_color": REVIEW_STATE_COLORS.get(review.state, "secondary"),
        "conclusion_color": CONCLUSION_COLORS.get(review.conclusion, "secondary"),
        "conclude_form": ConcludeForm(prefix="c"),
        "supplement_form": SupplementRequestForm(prefix="s"),
        "return_form": ReasonForm(prefix="r"),
        "done_form": SupplementDoneForm(prefix="d"),
        "material_form": MaterialForm(prefix="m"),
    }
    context.update(extra)
    return context


def _refused(request, review, exc, **extra):
    """The review page again with the refusal; nothing was saved."""
    review = sel.review_get(request.user, review.pk)
    context = _detail_context(request, review, action_error=error_text(exc), **extra)
    return render(request, "decisions/review_detail.html", context, status=exc.status)


# ---- pages -----------------------------------------------------------------------------------


@login_required
@scoped
def review_desk(request):
    state = request.GET.get("state", "open")
    rows = sel.reviews_for_desk(request.user, state=state)
    page = paginate(request, rows)
    items = [
        (review, sel.clock(review), REVIEW_STATE_COLORS.get(review.state, "secondary"))
        for review in page.object_list
    ]
    states = [("open", _("进行中")), *ReviewState.choices, ("all", _("全部"))]
    context = {
        "page": page,
        "items": items,
        "state": state,
        "states": states,
    }
    return render(request, "decisions/review_desk.html", context)


@login_required
@scoped
def review_detail(request, pk: int):
    review = sel.review_get(request.user, pk)
    return render(request, "decisions/review_detail.html", _detail_context(request, review))


@login_required
@scoped
def review_request(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    if not _may_request(request.user, decision):
        raise Forbidden(_("只有决策承办单位可以在决策启动后提请合法性审查"))
    posted = request.method == "POST"
    form = ReviewRequestForm(
        request.POST if posted else None, request.FILES if posted else None, decision=decision
    )
    status = 200
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_request(
                    actor=request.user,
                    decision=decision,
                    legal_basis=data["legal_basis"],
                    procedure_statement=data["procedure_statement"],
                    reviewing_unit=data["reviewing_unit"],
                    planned_meeting_on=data["planned_meeting_on"],
                    urgency_reason=data["urgency_reason"],
                    files=[(kind, data.get(name)) for name, kind in FILE_FIELDS],
                )
            except (*ERRORS, ProcedureBlocked) as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已提请合法性审查。"))
                return redirect("decisions:review_detail", pk=review.pk)
        else:
            status = 422
    context = {
        "decision": decision,
        "form": form,
        "earliest": _earliest_preview(),
        "latest_draft": selectors.latest_draft(decision),
        "exempt_basis": decision.participation_exempt_basis,
    }
    return render(request, "decisions/review_request.html", context, status=status)


def _earliest_preview():
    from django.utils import timezone

    from ganchao.common import workdays

    days = selectors.settings_get().min_review_working_days
    return workdays.add_working_days(timezone.localdate(), days), days


@login_required
@scoped
def review_file(request, pk: int, file_id: int):
    item = sel.review_material_get(request.user, pk, file_id)
    try:
        handle = decision_file_open(actor=request.user, item=item)
    except Conflict as exc:
        review = sel.review_get(request.user, pk)
        return _refused(request, review, exc)
    return filestore.file_response(
        handle, filename=item.original_name, content_type=item.content_type
    )


def _action(request, pk, run, done: str, form=None, form_key: str = ""):
    """Run one service on the review; on a refusal the page again with the error next to the
    form's field (when the action has a form) and over the page."""
    review = sel.review_get(request.user, pk)
    try:
        run(review)
    except (*ERRORS, ProcedureBlocked) as exc:
        extra = {}
        if form is not None:
            form.is_valid()
            apply_errors(form, exc)
            extra[form_key] = form
        return _refused(request, review, exc, **extra)
    messages.success(request, done)
    return redirect("decisions:review_detail", pk=pk)


@login_required
@require_POST
@scoped
def review_take(request, pk: int):
    return _action(
        request,
        pk,
        lambda review: services.review_take(actor=request.user, review=review),
        _("已承接该合法性审查。"),
    )


@login_required
@require_POST
@scoped
def review_supplement_request(request, pk: int):
    form = SupplementRequestForm(request.POST, prefix="s")
    reason = request.POST.get("s-reason", "")
    return _action(
        request,
        pk,
        lambda review: services.review_supplement_request(
            actor=request.user, review=review, reason=reason
        ),
        _("已要求补充材料，审查时钟暂停。"),
        form,
        "supplement_form",
    )


@login_required
@require_POST
@scoped
def review_supplement_done(request, pk: int):
    upload = request.FILES.get("d-file")
    return _action(
        request,
        pk,
        lambda review: services.review_supplement_done(
            actor=request.user,
            review=review,
            files=[(MaterialKind.SUPPLEMENT, upload)] if upload else [],
        ),
        _("材料已补充完毕，审查时钟继续计算。"),
    )


@login_required
@require_POST
@scoped
def review_return(request, pk: int):
    form = ReasonForm(request.POST, prefix="r")
    reason = request.POST.get("r-reason", "")
    return _action(
        request,
        pk,
        lambda review: services.review_return(actor=request.user, review=review, reason=reason),
        _("已退回合法性审查申请，决策回到“已启动”。"),
        form,
        "return_form",
    )


@login_required
@require_POST
@scoped
def review_conclude(request, pk: int):
    review = sel.review_get(request.user, pk)
    form = ConcludeForm(request.POST, prefix="c")
    if not form.is_valid():
        context = _detail_context(request, review, conclude_form=form)
        return render(request, "decisions/review_detail.html", context, status=422)
    try:
        services.review_conclude(actor=request.user, review=review, **form.cleaned_data)
    except (*ERRORS, ProcedureBlocked) as exc:
        apply_errors(form, exc)
        return _refused(request, review, exc, conclude_form=form)
    messages.success(request, _("合法性审查意见已出具。"))
    return redirect("decisions:review_detail", pk=pk)


@login_required
@require_POST
@scoped
def review_confirm_changes(request, pk: int):
    return _action(
        request,
        pk,
        lambda review: services.review_changes_confirm(actor=request.user, review=review),
        _("已确认审查意见要求的修改已落实。"),
    )


@login_required
@require_POST
@scoped
def review_material_add(request, pk: int):
    form = MaterialForm(request.POST, request.FILES, prefix="m")
    return _action(
        request,
        pk,
        lambda review: services.review_material_add(
            actor=request.user,
            review=review,
            kind=request.POST.get("m-kind", ""),
            upload=request.FILES.get("m-file"),
        ),
        _("材料已上传。"),
        form,
        "material_form",
    )


urlpatterns = [
    path("reviews/", review_desk, name="review_desk"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/take/", review_take, name="review_take"),
    path(
        "reviews/<int:pk>/supplement-request/",
        review_supplement_request,
        name="review_supplement_request",
    ),
    path(
        "reviews/<int:pk>/supplement-done/",
        review_supplement_done,
        name="review_supplement_done",
    ),
    path("reviews/<int:pk>/return/", review_return, name="review_return"),
    path("reviews/<int:pk>/conclude/", review_conclude, name="review_conclude"),
    path(
        "reviews/<int:pk>/confirm-changes/",
        review_confirm_changes,
        name="review_confirm_changes",
    ),
    path("reviews/<int:pk>/materials/", review_material_add, name="review_material_add"),
    path("reviews/<int:pk>/files/<int:file_id>/", review_file, name="review_file"),
    path("<int:pk>/legality-review/", review_request, name="review_request"),
]

# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:review_request": (
        "POST",
        "/api/v1/decisions/{decision_id}/legality-reviews",
        f"{API}.review_request",
    ),
    "decisions:review_take": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/take",
        f"{API}.review_take",
    ),
    "decisions:review_supplement_request": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/supplement-request",
        f"{API}.review_supplement_request",
    ),
    "decisions:review_supplement_done": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/supplement-done",
        f"{API}.review_supplement_done",
    ),
    "decisions:review_return": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/return",
        f"{API}.review_return",
    ),
    "decisions:review_conclude": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/conclude",
        f"{API}.review_conclude",
    ),
    "decisions:review_confirm_changes": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/confirm-changes",
        f"{API}.review_changes_confirm",
    ),
    "decisions:review_material_add": (
        "POST",
        "/api/v1/legality-reviews/{review_id}/materials",
        f"{API}.review_material_add",
    ),
}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/review.html on the decision page: the latest
    review's state and clock, and what the undertaker may do."""
    actor = request.user
    reviews = list(sel.reviews_of_decision(decision)[:5])
    latest = reviews[0] if reviews else None
    runs = permissions.runs_procedures(actor, decision)
    can_request = runs and decision.state in (State.LAUNCHED, State.ADJUSTING)
    if runs and decision.state == State.IN_REVIEW and latest is not None:
        can_request = (
            latest.state == ReviewState.CONCLUDED
            and latest.conclusion in services.RE_REQUESTABLE
            and facts.latest_draft > latest.draft.number
        )
    after_changes = bool(
        latest
        and latest.state == ReviewState.CONCLUDED
        and latest.conclusion == ReviewConclusion.LAWFUL_AFTER_CHANGES
        and not latest.changes_confirmed_at
    )
    ok, reason = gates.review_passed(facts)
    context = {
        "reviews": reviews,
        "latest": latest,
        "clock": sel.clock(latest) if latest else None,
        "passed": ok,
        "reason": reason,
        "can_request": can_request,
        "can_supplement_done": runs and latest and latest.state == ReviewState.SUPPLEMENTING,
        "can_confirm": runs and after_changes,
        "state_colors": REVIEW_STATE_COLORS,
        "conclusion_color": CONCLUSION_COLORS.get(latest.conclusion, "secondary") if latest else "",
    }
    # the template reads `panel` (included with panel=…) or, when spread, `review_panel`
    context["review_panel"] = context
    return context
