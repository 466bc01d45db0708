"""Pages of the decisions app: core — the decisions list, the propose form, the decision page
(header, procedure timeline, blockers, undertakers, drafts, actions, the procedure panels) and
its actions: edit, undertakers, add a draft, launch, the A3 exemption."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.common.widgets import PickerSelect, PickerSelectMultiple
from ganchao.decisions import (
    gates,
    panels,
    permissions,
    selectors,
    selectors_catalogue,
    selectors_core,
)
from ganchao.decisions.choices import (
    NEXT_STEP,
    Category,
    ProcedureKind,
    ProcedureState,
    State,
    Step,
)
from ganchao.decisions.services import core as services
from ganchao.decisions.views.catalogue import apply_errors, error_text
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

ERRORS = (ValidationFailed, Conflict, Forbidden)
FLAG_FIELDS = ("technical", "stability_risk", "market_activity", "exploratory", "wide_concern")
FLAG_HELP = {
    "technical": gettext_lazy("勾选后须组织专家论证（A7），专家意见采纳情况随草案提交会议"),
    "stability_risk": gettext_lazy("勾选后须开展社会稳定风险评估（A8），风险不可控不得提交讨论"),
    "market_activity": gettext_lazy("勾选后须进行公平竞争审查（A12），缺少审查情况不得提交讨论"),
    "exploratory": gettext_lazy("探索性改革事项：合法性审查须明示法律风险（A9）"),
    "wide_concern": gettext_lazy("社会广泛关注的事项，公布决策时须说明公众意见采纳情况（A14）"),
}
STATE_COLORS = {
    State.PROPOSED: "secondary",
    State.LAUNCHED: "blue",
    State.IN_REVIEW: "purple",
    State.READY: "cyan",
    State.DECIDED: "green",
    State.PARTY_REPORTED: "green",
    State.PUBLISHED: "green",
    State.ARCHIVED: "teal",
    State.EXECUTING: "teal",
    State.SUSPENDED: "orange",
    State.ADJUSTING: "orange",
    State.TERMINATED: "dark",
    State.REJECTED: "red",
}
PROCEDURE_COLORS = {
    ProcedureState.DONE: "success",
    ProcedureState.EXEMPT: "info",
    ProcedureState.IN_PROGRESS: "primary",
    ProcedureState.FAILED: "danger",
    ProcedureState.NOT_STARTED: "secondary",
    ProcedureState.NOT_REQUIRED: "secondary",
}
PROPOSE_ROLES = (Role.OFFICE, Role.LEADER, Role.LIAISON, Role.UNIT_HEAD)


def _flag(name):
    from ganchao.decisions.models import Decision

    return forms.BooleanField(
        label=Decision._meta.get_field(name).verbose_name,
        required=False,
        help_text=FLAG_HELP[name],
    )


def _item_label(item) -> str:
    catalogue = item.catalogue
    return f"{catalogue.year}年 {catalogue.owner.name} 第{catalogue.number}版 · {item.seq}. {item.title}"


class CatalogueItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _item_label(obj)


def _units():
    return Unit.objects.filter(active=True).order_by("path")


class DecisionForm(forms.Form):
    catalogue_item = CatalogueItemChoice(
        label=gettext_lazy("目录事项"),
        queryset=None,
        required=False,
        widget=PickerSelect(placeholder=gettext_lazy("输入事项名称搜索")),
    )
    title = forms.CharField(
        label=gettext_lazy("决策事项"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("不填时使用目录事项的名称"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"),
        choices=[("", "—")] + list(Category.choices),
        required=False,
        help_text=gettext_lazy(
            "选择目录事项时沿用目录中的类别；宏观调控、政府立法和突发事件应急处置决策不适用本程序（A1）"
        ),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("决策机关"), queryset=Unit.objects.none(), widget=PickerSelect()
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("决策承办单位"),
        queryset=_units(),
        widget=PickerSelectMultiple(),
        help_text=gettext_lazy("两个以上单位共同承办时，须明确其中一个为牵头单位（A2）"),
    )
    lead = forms.ModelChoiceField(
        label=gettext_lazy("牵头承办单位"),
        queryset=_units(),
        required=False,
        widget=PickerSelect(),
    )
    summary = forms.CharField(
        label=gettext_lazy("决策事项概要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal_reason = forms.CharField(
        label=gettext_lazy("提出理由及论证情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    technical = _flag("technical")
    stability_risk = _flag("stability_risk")
    market_activity = _flag("market_activity")
    exploratory = _flag("exploratory")
    wide_concern = _flag("wide_concern")

    def __init__(self, *args, actor=None, catalogue_mode=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_item"].queryset = selectors_catalogue.published_items(actor)
        self.fields["owner"].queryset = selectors_catalogue.organs(actor)
        if catalogue_mode:
            self.fields["catalogue_item"].required = True
            self.fields["catalogue_item"].help_text = _(
                "已启用目录管理模式：只能针对已公布目录中的事项提出决策（A1）"
            )

    def clean(self):
        data = super().clean()
        item = data.get("catalogue_item")
        if not data.get("title") and item is not None:
            data["title"] = item.title
        if not data.get("title"):
            self.add_error("title", _("请填写决策事项名称"))
        if item is None and not data.get("category"):
            self.add_error("category", _("请选择决策事项类别"))
        return data


class EditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("决策事项"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("决策事项概要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal_reason = forms.CharField(
        label=gettext_lazy("提出理由及论证情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    technical = _flag("technical")
    stability_risk = _flag("stability_risk")
    market_activity = _flag("market_activity")
    exploratory = _flag("exploratory")
    wide_concern = _flag("wide_concern")


class UndertakersForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("决策承办单位"),
        queryset=_units(),
        widget=PickerSelectMultiple(),
        help_text=gettext_lazy("两个以上单位共同承办时，须明确其中一个为牵头单位（A2）"),
    )
    lead = forms.ModelChoiceField(
        label=gettext_lazy("牵头承办单位"), queryset=_units(), required=False, widget=PickerSelect()
    )


class DraftForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("草案文本"), widget=forms.Textarea(attrs={"rows": 6}))
    explanation = forms.CharField(
        label=gettext_lazy("起草说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    change_note = forms.CharField(
        label=gettext_lazy("修改说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("第二稿起必填：说明本稿相对上一稿改了什么"),
    )


class ExemptForm(forms.Form):
    legal_basis = forms.CharField(
        label=gettext_lazy("依法不予公开的法律依据"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "只有依法不予公开的事项才可以不公开征求意见（A3）；法律依据记入审计并提供给合法性审查机构"
        ),
    )


# ---- helpers shared with the API ---------------------------------------------------------------


def blocker_rows(blockers) -> list[dict]:
    return [{"rule": b.rule, "message": b.message} for b in blockers]


def procedure_rows(facts) -> list[dict]:
    rows = []
    for row in gates.procedures(facts):
        rows.append(
            {
                **row,
                "label": ProcedureKind(row["kind"]).label,
                "state_label": ProcedureState(row["state"]).label,
                "color": PROCEDURE_COLORS.get(row["state"], "secondary"),
            }
        )
    return rows


def next_step(state) -> str:
    step = NEXT_STEP.get(state)
    return str(Step(step).label) if step else ""


# ---- the list ---------------------------------------------------------------------------------


@login_required
@require_staff
def decision_list(request):
    params = request.GET
    year = query_int(params.get("year"), digits=4)
    state = params.get("state", "") if params.get("state") in State.values else ""
    rows = selectors_core.decision_list(
        request.user,
        year=year,
        state=state,
        unit=params.get("unit", "").strip()[:100],
        q=params.get("q", "").strip()[:100],
    ).select_related("catalogue_item__catalogue")
    page = paginate(request, rows)
    decisions = list(page.object_list)
    facts = selectors_core.facts_many(decisions)
    items = []
    for d in decisions:
        found = gates.blockers(facts[d.pk])
        lead = next((u.unit for u in d.undertakers.all() if u.is_lead), None)
        items.append(
            {
                "decision": d,
                "lead": lead,
                "color": STATE_COLORS.get(d.state, "secondary"),
                "next_step": next_step(d.state),
                "blockers": blocker_rows(found),
            }
        )
    context = {
        "page": page,
        "rows": items,
        "filters": params,
        "states": State.choices,
        "can_propose": scope_of(request.user).has(*PROPOSE_ROLES),
    }
    return render(request, "decisions/decision_list.html", context)


# ---- propose ----------------------------------------------------------------------------------


@login_required
@require_staff
@scoped
def decision_propose(request):
    settings = selectors.settings_get()
    data = request.POST if request.method == "POST" else None
    initial = {
        "year": timezone.localdate().year,
        "owner": getattr(selectors_catalogue.organ_of(request.user), "pk", None),
        "wide_concern": True,
    }
    item_id = query_int(request.GET.get("item"))
    if item_id:
        initial["catalogue_item"] = item_id
    form = DecisionForm(
        data, actor=request.user, catalogue_mode=settings.catalogue_mode, initial=initial
    )
    refused = None
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            decision = services.decision_propose(
                actor=request.user,
                owner=cleaned["owner"],
                title=cleaned["title"],
                category=cleaned["category"],
                year=cleaned["year"],
                units=list(cleaned["units"]),
                lead=cleaned["lead"],
                catalogue_item=cleaned["catalogue_item"],
                summary=cleaned["summary"],
                proposal_reason=cleaned["proposal_reason"],
                **{name: cleaned[name] for name in FLAG_FIELDS},
            )
        except ERRORS as exc:
            apply_errors(form, exc)
            refused = exc.status
        else:
            messages.success(request, _("已提出决策事项 %(code)s。") % {"code": decision.code})
            return redirect("decisions:detail", pk=decision.pk)
    status = (refused or 422) if data is not None else 200
    context = {"form": form, "catalogue_mode": settings.catalogue_mode}
    return render(request, "decisions/decision_form.html", context, status=status)


# ---- the decision page ------------------------------------------------------------------------


def detail_context(request, decision, **extra) -> dict:
    facts = selectors.decision_facts(decision)
    found = gates.blockers(facts)
    can_run = permissions.runs_procedures(request.user, decision)
    is_office = permissions.is_office(request.user)
    undertakers = list(decision.undertakers.all())
    lead = next((u for u in undertakers if u.is_lead), None)
    editable = decision.state in (State.PROPOSED, State.LAUNCHED, State.IN_REVIEW, State.ADJUSTING)
    context = {
        "decision": decision,
        "facts": facts,
        "blockers": found,
        "next_step": next_step(decision.state),
        "procedures": procedure_rows(facts),
        "state_color": STATE_COLORS.get(decision.state, "secondary"),
        "undertakers": undertakers,
        "lead": lead,
        "drafts": list(decision.drafts.select_related("created_by").order_by("-number")),
        "flags": [
            (decision._meta.get_field(name).verbose_name, getattr(decision, name))
            for name in FLAG_FIELDS
        ],
        "panels": _rendered_panels(request, decision, facts, found),
        "can_run": can_run,
        "is_office": is_office,
        "can_launch": is_office and decision.state == State.PROPOSED,
        "can_edit": can_run and editable,
        "can_draft": can_run
        and decision.state in (State.PROPOSED, State.LAUNCHED, State.IN_REVIEW, State.ADJUSTING),
        "can_exempt": can_run
        and decision.state in (State.LAUNCHED, State.IN_REVIEW, State.ADJUSTING)
        and not decision.participation_exempt_basis,
        "can_staff": can_run and decision.state in (State.PROPOSED, State.LAUNCHED),
        "draft_form": DraftForm(),
        "exempt_form": ExemptForm(),
    }
    context.update(extra)
    return context


def _rendered_panels(request, decision, facts, found) -> list[tuple[str, str]]:
    """[(kind, html)]: each procedure panel rendered with its panel_context both as `panel` and
    spread, plus decision, facts, blockers (and request, user, csrf from the request)."""
    out = []
    for kind, template, context in panels.panel_contexts(request, decision, facts):
        merged = {
            **context,
            "panel": context,
            "decision": decision,
            "facts": facts,
            "blockers": found,
        }
        out.append((kind, render_to_string(template, merged, request=request)))
    return out


@login_required
@scoped
def decision_detail(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    return render(request, "decisions/decision_detail.html", detail_context(request, decision))


def _refused(request, decision, exc, **extra):
    """The decision page again with the refusal shown; nothing was saved."""
    decision = selectors.decision_get(request.user, decision.pk)
    context = detail_context(request, decision, action_error=error_text(exc), **extra)
    return render(request, "decisions/decision_detail.html", context, status=exc.status)


@login_required
@require_POST
@scoped
def decision_launch(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    try:
        services.decision_launch(actor=request.user, decision=decision)
    except ERRORS as exc:
        return _refused(request, decision, exc)
    messages.success(request, _("决策已启动。"))
    return redirect("decisions:detail", pk=pk)


@login_required
@require_POST
@scoped
def draft_add(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    form = DraftForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, decision, draft_form=form)
        return render(request, "decisions/decision_detail.html", context, status=422)
    try:
        draft = services.draft_add(actor=request.user, decision=decision, **form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        return _refused(request, decision, exc, draft_form=form)
    messages.success(request, _("已形成草案第%(n)s稿。") % {"n": draft.number})
    return redirect("decisions:detail", pk=pk)


@login_required
@require_POST
@scoped
def participation_exempt(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    form = ExemptForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, decision, exempt_form=form)
        return render(request, "decisions/decision_detail.html", context, status=422)
    try:
        services.participation_exempt(
            actor=request.user, decision=decision, legal_basis=form.cleaned_data["legal_basis"]
        )
    except ERRORS as exc:
        apply_errors(form, exc)
        return _refused(request, decision, exc, exempt_form=form)
    messages.success(request, _("已登记依法不予公开及其法律依据。"))
    return redirect("decisions:detail", pk=pk)


@login_required
@scoped
def decision_edit(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    if not permissions.runs_procedures(request.user, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以办理此项程序"))
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
            except ERRORS as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("决策事项已保存。"))
                return redirect("decisions:detail", pk=pk)
        status = 422
    else:
        names = ("title", "summary", "proposal_reason", *FLAG_FIELDS)
        form = EditForm(initial={name: getattr(decision, name) for name in names})
        status = 200
    context = {"decision": decision, "form": form}
    return render(request, "decisions/decision_edit.html", context, status=status)


@login_required
@scoped
def undertakers_edit(request, pk: int):
    decision = selectors.decision_get(request.user, pk)
    if not permissions.runs_procedures(request.user, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以办理此项程序"))
    if request.method == "POST":
        status = 422
        form = UndertakersForm(request.POST)
        if form.is_valid():
            try:
                services.undertakers_set(
                    actor=request.user,
                    decision=decision,
                    units=list(form.cleaned_data["units"]),
                    lead=form.cleaned_data["lead"],
                )
            except ERRORS as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("决策承办单位已保存。"))
                return redirect("decisions:detail", pk=pk)
    else:
        undertakers = list(decision.undertakers.all())
        form = UndertakersForm(
            initial={
                "units": [u.unit_id for u in undertakers],
                "lead": next((u.unit_id for u in undertakers if u.is_lead), None),
            }
        )
        status = 200
    context = {"decision": decision, "form": form}
    return render(request, "decisions/decision_undertakers.html", context, status=status)


urlpatterns = [
    path("", decision_list, name="list"),
    path("new/", decision_propose, name="propose"),
    path("<int:pk>/", decision_detail, name="detail"),
    path("<int:pk>/edit/", decision_edit, name="edit"),
    path("<int:pk>/undertakers/", undertakers_edit, name="undertakers"),
    path("<int:pk>/drafts/", draft_add, name="draft_add"),
    path("<int:pk>/launch/", decision_launch, name="launch"),
    path("<int:pk>/participation-exemption/", participation_exempt, name="participation_exempt"),
]

_S = "ganchao.decisions.services.core."
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:propose": ("POST", "/api/v1/decisions", _S + "decision_propose"),
    "decisions:edit": ("PATCH", "/api/v1/decisions/{decision_id}", _S + "decision_update"),
    "decisions:undertakers": (
        "PUT",
        "/api/v1/decisions/{decision_id}/undertakers",
        _S + "undertakers_set",
    ),
    "decisions:draft_add": ("POST", "/api/v1/decisions/{decision_id}/drafts", _S + "draft_add"),
    "decisions:launch": ("POST", "/api/v1/decisions/{decision_id}/launch", _S + "decision_launch"),
    "decisions:participation_exempt": (
        "POST",
        "/api/v1/decisions/{decision_id}/participation-exemption",
        _S + "participation_exempt",
    ),
}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/core.html on the decision page."""
    return {}
