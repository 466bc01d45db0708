"""Pages of enforcement: core — the officer's case desk and the list of all cases, the case form
(立案, B1 and B2 refused on the page), the case page (the case file: header, stage strip, major
badge, clocks, blockers, the proposed decision, the core actions, then every slice's panel) and
its actions: the proposal, 开始调查取证, 调查终结提交审核, 退回补充调查, 撤销立案, 结案."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.decisions.views.catalogue import apply_errors, error_text
from ganchao.enforcement import gates, panels, permissions, selectors, selectors_core
from ganchao.enforcement.choices import (
    STAGE_ORDER,
    TRANSITIONS,
    CaseSource,
    ClockState,
    MatterCategory,
    MatterState,
    PartyKind,
    PenaltyKind,
    Stage,
    Step,
    ViolationKind,
)
from ganchao.enforcement.models import Agency, EnforcementMatter, Officer
from ganchao.enforcement.services import core as services
from ganchao.enforcement.templatetags.enforcement_tags import CLOCK_COLORS, mask_name

ERRORS = (ValidationFailed, Conflict, Forbidden)
DESK_PER_PAGE = 25
# A proposal can no longer change once the decision is made.
FIXED_STAGES = {Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED, Stage.WITHDRAWN}
STAGE_COLORS = {
    Stage.FILED: "secondary",
    Stage.INVESTIGATING: "blue",
    Stage.REVIEWED: "azure",
    Stage.NOTIFIED: "indigo",
    Stage.STATEMENT: "purple",
    Stage.LEGAL_REVIEW: "pink",
    Stage.COLLECTIVE: "orange",
    Stage.DECIDED: "teal",
    Stage.SERVED: "cyan",
    Stage.EXECUTING: "lime",
    Stage.CLOSED: "green",
    Stage.WITHDRAWN: "dark",
}


def long_date(day) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else ""


# ---- forms ------------------------------------------------------------------------------------


def openable_agencies(actor) -> list[Agency]:
    """The agencies whose cases the actor may open (permissions.opens_cases)."""
    rows = Agency.objects.filter(active=True).select_related("unit").order_by("name")
    return [a for a in rows if permissions.opens_cases(actor, a)]


def officer_label(officer: Officer, on: dt.date) -> str:
    if not officer.certificate_no:
        state = _("无执法证")
    elif officer.certificate_expires is None or officer.certificate_expires < on:
        state = _("执法证已过期：%(day)s") % {"day": long_date(officer.certificate_expires)}
    else:
        state = _("执法证%(no)s，有效期至%(day)s") % {
            "no": officer.certificate_no,
            "day": long_date(officer.certificate_expires),
        }
    return f"{officer.name}（{officer.agency.name}，{state}）"


class OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return officer_label(obj, timezone.localdate())


class CaseForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("执法主体"), queryset=Agency.objects.none())
    matter = forms.ModelChoiceField(
        label=gettext_lazy("执法事项"),
        queryset=EnforcementMatter.objects.none(),
        help_text=gettext_lazy("只能依据已公示的执法事项立案（B1）"),
    )
    officers = OfficerChoice(
        label=gettext_lazy("承办人员"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "须两名以上持有有效执法证、证件覆盖本事项的执法人员（B2）；第一位为主办人员"
        ),
    )
    title = forms.CharField(label=gettext_lazy("案由"), max_length=200)
    party_kind = forms.ChoiceField(
        label=gettext_lazy("当事人类型"), choices=PartyKind.choices, initial=PartyKind.PERSON
    )
    party_name = forms.CharField(label=gettext_lazy("当事人姓名或名称"), max_length=200)
    party_id_no = forms.CharField(
        label=gettext_lazy("身份证件号码或统一社会信用代码"), max_length=40, required=False
    )
    party_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=40, required=False)
    party_address = forms.CharField(
        label=gettext_lazy("住所或地址"), max_length=200, required=False
    )
    party_representative = forms.CharField(
        label=gettext_lazy("法定代表人或负责人"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("当事人为法人或其他组织时填写"),
    )
    place = forms.CharField(label=gettext_lazy("违法地点"), max_length=200)
    source = forms.ChoiceField(
        label=gettext_lazy("案件来源"), choices=CaseSource.choices, initial=CaseSource.INSPECTION
    )
    violation = forms.ChoiceField(
        label=gettext_lazy("违法类型"), choices=ViolationKind.choices, initial=ViolationKind.OTHER
    )
    filed_on = forms.DateField(
        label=gettext_lazy("立案日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    facts = forms.CharField(
        label=gettext_lazy("涉嫌违法事实"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    record_text = forms.CharField(
        label=gettext_lazy("立案审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "记入立案环节的文字记录（B6）；不填时记为“经审查，符合立案条件，予以立案”"
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = openable_agencies(actor)
        ids = [a.pk for a in agencies]
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids).order_by("name")
        matter = self.fields["matter"]
        # Any matter of the agencies is accepted, so that one withdrawn from publication after
        # the form was shown is refused by B1 naming the rule; only published ones are offered.
        matter.queryset = EnforcementMatter.objects.filter(agency_id__in=ids).select_related(
            "agency"
        )
        published = (
            EnforcementMatter.objects.filter(agency_id__in=ids, state=MatterState.PUBLISHED)
            .select_related("agency")
            .order_by("agency__name", "code")
        )
        groups: dict[str, list] = {}
        for m in published:
            label = _("%(code)s %(name)s（第%(n)s版）") % {
                "code": m.code,
                "name": m.name,
                "n": m.number,
            }
            groups.setdefault(m.agency.name, []).append((m.pk, label))
        matter.widget.choices = [("", "—"), *groups.items()]
        self.fields["officers"].queryset = (
            Officer.objects.filter(agency_id__in=ids, active=True)
            .exclude(certificate_no="")
            .select_related("agency")
            .order_by("agency__name", "name")
        )
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
        self.agencies = agencies

    def clean(self):
        data = super().clean()
        agency, matter = data.get("agency"), data.get("matter")
        if agency and matter and matter.agency_id != agency.pk:
            self.add_error("matter", _("所选执法事项不属于该执法主体"))
        return data


class ProposalForm(forms.Form):
    proposed_penalties = forms.MultipleChoiceField(
        label=gettext_lazy("拟处罚种类"),
        choices=PenaltyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_fine = forms.DecimalField(
        label=gettext_lazy("拟罚款金额（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    proposed_summary = forms.CharField(
        label=gettext_lazy("拟处理意见（处罚及其事实、理由和依据）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    complex = forms.BooleanField(
        label=gettext_lazy("情节复杂或重大违法（须集体讨论）"), required=False
    )
    major_public_interest = forms.BooleanField(
        label=gettext_lazy("涉及重大公共利益"), required=False
    )
    multiple_legal_relations = forms.BooleanField(
        label=gettext_lazy("疑难复杂，涉及多个法律关系"), required=False
    )


class ReasonForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


# ---- helpers shared with the API --------------------------------------------------------------


def blocker_rows(found) -> list[dict]:
    return [{"rule": b.rule, "message": b.message} for b in found]


def clock_rows(clocks) -> list[dict]:
    return [
        {
            "name": c.name,
            "label": c.label,
            "due": c.due,
            "state": c.state,
            "state_label": str(ClockState(c.state).label),
            "color": CLOCK_COLORS.get(c.state, "secondary"),
            "done_on": c.done_on,
            "subject": c.subject,
        }
        for c in clocks
    ]


def not_applicable(stage: str, facts) -> bool:
    """A stage the case does not need as things stand: the notice and statement outside
    penalties, legal review when not major (B8), collective discussion when not required."""
    if stage in (Stage.NOTIFIED, Stage.STATEMENT):
        return facts.category != MatterCategory.PENALTY
    if stage == Stage.LEGAL_REVIEW:
        return not facts.major
    if stage == Stage.COLLECTIVE:
        return not gates.needs_collective(facts)
    return False


def stage_strip(case, facts) -> list[dict]:
    """STAGE_ORDER with each stage visited (✓), current, skipped (不适用) or still to come."""
    visited = set(case.visited or [])
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    reached = max((order[s] for s in visited if s in order), default=0)
    strip = []
    for index, stage in enumerate(STAGE_ORDER):
        if stage == case.stage:
            state = "current"
        elif stage in visited:
            state = "done"
        elif index < reached:
            state = "skipped"
        elif case.stage == Stage.WITHDRAWN:
            state = "cancelled"
        elif not_applicable(stage, facts):
            state = "not_needed"
        else:
            state = "todo"
        strip.append({"stage": stage, "label": Stage(stage).label, "state": state})
    return strip


def core_actions(request, case, facts, can_handle: bool) -> list[dict]:
    """The core actions the stage allows, each with the blockers the gates list now."""
    if not can_handle:
        return []
    actions = []

    def add(name, label, step, field="", field_label="", required=False, danger=False):
        found = gates.blockers_for(step, facts) if step else []
        actions.append(
            {
                "name": name,
                "url_name": f"enforcement:{name}",
                "label": label,
                "blockers": found,
                "enabled": not found,
                "field": field,
                "field_label": field_label,
                "required": required,
                "danger": danger,
            }
        )

    if case.stage == Stage.FILED:
        add("case_investigate", _("开始调查取证"), Step.INVESTIGATE)
    if case.stage == Stage.INVESTIGATING:
        add(
            "case_submit_review",
            _("调查终结，提交审核"),
            Step.REVIEW,
            field="opinion",
            field_label=_("调查终结报告意见（可选）"),
        )
    if case.stage in (Stage.REVIEWED, Stage.LEGAL_REVIEW):
        add(
            "case_reinvestigate",
            _("退回补充调查"),
            "",
            field="reason",
            field_label=_("退回补充调查的理由"),
            required=True,
        )
    if case.stage in (Stage.SERVED, Stage.EXECUTING):
        add(
            "case_close",
            _("结案"),
            Step.CLOSE,
            field="summary",
            field_label=_("结案说明（可选）"),
        )
    if Stage.WITHDRAWN in TRANSITIONS.get(case.stage, set()):
        add(
            "case_withdraw",
            _("撤销立案"),
            "",
            field="reason",
            field_label=_("撤销立案的理由"),
            required=True,
            danger=True,
        )
    return actions


def matter_url(matter) -> str:
    """The matter's page (the directory slice's), when it is there."""
    try:
        return reverse("enforcement:matter_detail", args=[matter.pk])
    except NoReverseMatch:
        return ""


def officers_of(case) -> list:
    return list(case.case_officers.select_related("officer").order_by("-lead", "id"))


# ---- the desk and the list --------------------------------------------------------------------


def _filters(params) -> dict:
    stage = params.get("stage", "")
    violation = params.get("violation", "")
    return {
        "stage": stage if stage in Stage.values else "",
        "agency": query_int(params.get("agency")),
        "violation": violation if violation in ViolationKind.values else "",
        "q": params.get("q", "").strip()[:100],
        "major_only": params.get("major") == "1",
        "overdue_only": params.get("overdue") == "1",
    }


def desk_rows(cases) -> list[dict]:
    """Each case of a page with its next step, blockers and most urgent clock (facts and
    clocks of the whole page read together)."""
    cases = list(cases)
    today = timezone.localdate()
    many = selectors_core.facts_many(cases, today)
    rows = []
    for case in cases:
        facts, clocks = many[case.pk]
        urgent = selectors_core.most_urgent(clocks)
        found = gates.blockers(facts)
        rows.append(
            {
                "case": case,
                "party": mask_name(case.party_kind, case.party_name),
                "stage_color": STAGE_COLORS.get(case.stage, "secondary"),
                "next_step": selectors_core.next_step_label(facts),
                "blockers": found,
                "major": facts.major,
                "clock": clock_rows([urgent])[0] if urgent else None,
            }
        )
    return rows


def _list_page(request, *, open_only: bool, template: str):
    filters = _filters(request.GET)
    if open_only and filters["stage"] in (Stage.CLOSED, Stage.WITHDRAWN):
        filters["stage"] = ""
    rows = selectors_core.case_list(request.user, open_only=open_only, **filters)
    page = paginate(request, rows, per_page=DESK_PER_PAGE)
    counts = selectors_core.stage_counts(request.user)
    visible = selectors.cases_visible(request.user)
    context = {
        "page": page,
        "rows": desk_rows(page.object_list),
        "filters": filters,
        "params": request.GET,
        "stages": [
            (s, Stage(s).label) for s in (STAGE_ORDER if not open_only else STAGE_ORDER[:-1])
        ]
        + ([] if open_only else [(Stage.WITHDRAWN, Stage.WITHDRAWN.label)]),
        "strip": [
            {"stage": s, "label": Stage(s).label, "count": counts.get(s, 0)}
            for s in STAGE_ORDER
            if s != Stage.CLOSED
        ],
        "open_total": sum(counts.values()),
        "agencies": Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("name"),
        "violations": ViolationKind.choices,
        "can_open": bool(openable_agencies(request.user)),
        "tab": "desk" if open_only else "all",
    }
    return render(request, template, context)


@login_required
@require_staff
def desk(request):
    return _list_page(request, open_only=True, template="enforcement/desk.html")


@login_required
@require_staff
def case_list(request):
    return _list_page(request, open_only=False, template="enforcement/case_list.html")


# ---- the case form ----------------------------------------------------------------------------


@login_required
@require_staff
@scoped
def case_new(request):
    """立案. B1 and B2 refusals are shown as 【B1】/【B2】 over the form; nothing is saved."""
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data, actor=request.user, initial={"filed_on": timezone.localdate()})
    if not form.agencies:
        raise Forbidden(_("只有执法主体的执法人员可以立案"))
    status = 200
    if data is not None:
        status = 422
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                case = services.case_open(
                    actor=request.user,
                    matter=cleaned["matter"],
                    officers=list(cleaned["officers"]),
                    title=cleaned["title"],
                    party_kind=cleaned["party_kind"],
                    party_name=cleaned["party_name"],
                    party_id_no=cleaned["party_id_no"],
                    party_phone=cleaned["party_phone"],
                    party_address=cleaned["party_address"],
                    party_representative=cleaned["party_representative"],
                    place=cleaned["place"],
                    source=cleaned["source"],
                    violation=cleaned["violation"],
                    filed_on=cleaned["filed_on"],
                    facts=cleaned["facts"],
                    record_text=cleaned["record_text"],
                )
            except ERRORS as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已立案，案件编号 %(code)s。") % {"code": case.code})
                return redirect("enforcement:case_detail", pk=case.pk)
    return render(request, "enforcement/case_form.html", {"form": form}, status=status)


# ---- the case page ----------------------------------------------------------------------------


def _proposal_initial(case) -> dict:
    return {
        "proposed_penalties": list(case.proposed_penalties or []),
        "proposed_fine": case.proposed_fine,
        "proposed_summary": case.proposed_summary,
        "complex": case.complex,
        "major_public_interest": case.major_public_interest,
        "multiple_legal_relations": case.multiple_legal_relations,
    }


def detail_context(request, case, **extra) -> dict:
    facts = selectors.case_facts(case)
    clocks = selectors.case_clocks(case)
    found = gates.blockers(facts)
    can_handle = permissions.handles(request.user, case)
    context = {
        "case": case,
        "facts": facts,
        "blockers": found,
        "next_step": selectors_core.next_step_label(facts),
        "stage_color": STAGE_COLORS.get(case.stage, "secondary"),
        "strip": stage_strip(case, facts),
        "major": facts.major,
        "major_reasons": selectors_core.major_labels(facts),
        "clocks": clock_rows(clocks),
        "officers": officers_of(case),
        "matter_url": matter_url(case.matter),
        "can_handle": can_handle,
        "can_propose": can_handle and case.stage not in FIXED_STAGES,
        "proposal_form": ProposalForm(initial=_proposal_initial(case)),
        "penalty_labels": [str(PenaltyKind(p).label) for p in case.proposed_penalties or []],
        "actions": core_actions(request, case, facts, can_handle),
        "open_action": "",
    }
    context.update(extra)
    context["panels"] = _rendered_panels(request, case, facts, found, can_handle)
    return context


def _rendered_panels(request, case, facts, found, can_handle) -> list[tuple[str, str]]:
    """[(kind, html)]: each slice's panel rendered with its panel_context both as `panel` and
    spread, plus case, facts, blockers and can_handle (and request, user, csrf)."""
    out = []
    for kind, template, context in panels.panel_contexts(request, case, facts):
        merged = {
            **context,
            "panel": context,
            "case": case,
            "facts": facts,
            "blockers": found,
            "can_handle": can_handle,
        }
        out.append((kind, render_to_string(template, merged, request=request)))
    return out


@login_required
@require_staff
@scoped
def case_detail(request, pk: int):
    case = selectors.case_get(request.user, pk)
    return render(request, "enforcement/case_detail.html", detail_context(request, case))


def _refused(request, pk, exc, **extra):
    """The case page again with the refusal shown at the top; nothing was saved."""
    case = selectors.case_get(request.user, pk)
    context = detail_context(request, case, action_error=error_text(exc), **extra)
    return render(request, "enforcement/case_detail.html", context, status=exc.status)


def _text(request, name: str) -> str:
    return (request.POST.get(name) or "").strip()[:5000]


@login_required
@require_POST
@scoped
def case_update(request, pk: int):
    case = selectors.case_get(request.user, pk)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, case, proposal_form=form, open_action="proposal")
        return render(request, "enforcement/case_detail.html", context, status=422)
    try:
        services.case_update(actor=request.user, case=case, **form.cleaned_data)
    except ERRORS as exc:
        apply_errors(form, exc)
        return _refused(request, pk, exc, proposal_form=form, open_action="proposal")
    messages.success(request, _("拟处理意见已保存。"))
    return redirect("enforcement:case_detail", pk=pk)


@login_required
@require_POST
@scoped
def case_investigate(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        services.case_investigate(actor=request.user, case=case)
    except ERRORS as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("案件已转入调查取证环节。"))
    return redirect("enforcement:case_detail", pk=pk)


@login_required
@require_POST
@scoped
def case_submit_review(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        services.case_submit_review(
            actor=request.user, case=case, opinion=_text(request, "opinion")
        )
    except ERRORS as exc:
        return _refused(request, pk, exc, open_action="case_submit_review")
    messages.success(request, _("调查终结，案件已提交审核。"))
    return redirect("enforcement:case_detail", pk=pk)


@login_required
@require_POST
@scoped
def case_reinvestigate(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        services.case_reinvestigate(actor=request.user, case=case, reason=_text(request, "reason"))
    except ERRORS as exc:
        return _refused(request, pk, exc, open_action="case_reinvestigate")
    messages.success(request, _("案件已退回补充调查。"))
    return redirect("enforcement:case_detail", pk=pk)


@login_required
@require_POST
@scoped
def case_withdraw(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        services.case_withdraw(actor=request.user, case=case, reason=_text(request, "reason"))
    except ERRORS as exc:
        return _refused(request, pk, exc, open_action="case_withdraw")
    messages.success(request, _("已撤销立案。"))
    return redirect("enforcement:case_detail", pk=pk)


@login_required
@require_POST
@scoped
def case_close(request, pk: int):
    case = selectors.case_get(request.user, pk)
    try:
        services.case_close(actor=request.user, case=case, summary=_text(request, "summary"))
    except ERRORS as exc:
        return _refused(request, pk, exc, open_action="case_close")
    messages.success(request, _("案件已结案。"))
    return redirect("enforcement:case_detail", pk=pk)


urlpatterns = [
    path("", desk, name="desk"),
    path("cases/", case_list, name="case_list"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/proposal/", case_update, name="case_update"),
    path("cases/<int:pk>/investigate/", case_investigate, name="case_investigate"),
    path("cases/<int:pk>/submit-review/", case_submit_review, name="case_submit_review"),
    path("cases/<int:pk>/reinvestigate/", case_reinvestigate, name="case_reinvestigate"),
    path("cases/<int:pk>/withdraw/", case_withdraw, name="case_withdraw"),
    path("cases/<int:pk>/close/", case_close, name="case_close"),
]

_S = "ganchao.enforcement.services.core."
_C = "/api/v1/enforcement/cases"
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "enforcement:case_new": ("POST", _C, _S + "case_open"),
    "enforcement:case_update": ("PATCH", _C + "/{case_id}", _S + "case_update"),
    "enforcement:case_investigate": (
        "POST",
        _C + "/{case_id}/investigate",
        _S + "case_investigate",
    ),
    "enforcement:case_submit_review": (
        "POST",
        _C + "/{case_id}/submit-review",
        _S + "case_submit_review",
    ),
    "enforcement:case_reinvestigate": (
        "POST",
        _C + "/{case_id}/reinvestigate",
        _S + "case_reinvestigate",
    ),
    "enforcement:case_withdraw": ("POST", _C + "/{case_id}/withdraw", _S + "case_withdraw"),
    "enforcement:case_close": ("POST", _C + "/{case_id}/close", _S + "case_close"),
}


def panel_context(request, case, facts) -> dict:
    """The core slice has no panel: its parts are the case page's frame."""
    return {}
