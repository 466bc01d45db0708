"""Pages of expert argumentation (A7), risk assessment (A8) and fair-competition review (A12):
the expert pools page, one form page per action (also posted from the decision page's panel),
and the panel's context. Views parse input and call services.experts / selectors_experts; a
refusal is shown on the form ("【A7】…"), nothing saved."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ganchao.common.errors import Conflict, Forbidden, GanchaoError, ValidationFailed
from ganchao.common.views import require_staff, scoped
from ganchao.decisions import permissions
from ganchao.decisions import selectors_experts as sel
from ganchao.decisions.choices import (
    PROCEDURE_STATES,
    Adoption,
    FairConclusion,
    RiskConclusion,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services import experts as services
from ganchao.orgs.models import Unit

GET_POST = require_http_methods(["GET", "POST"])


# ---- forms -----------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _units(decision):
    """The decision organ and its departments (the units that review or assess for it)."""
    owner = decision.owner
    return Unit.objects.filter(
        active=True, path__startswith=owner.path, depth__lte=owner.depth + 1
    ).order_by("path")


class PoolForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("专家库名称"), max_length=200)


class ExpertForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    organisation = forms.CharField(label=gettext_lazy("工作单位"), max_length=200)
    specialty = forms.CharField(label=gettext_lazy("专业领域"), max_length=200)
    title = forms.CharField(label=gettext_lazy("职称"), max_length=100, required=False)


class ExpertEditForm(ExpertForm):
    active = forms.BooleanField(
        label=gettext_lazy("在库"),
        required=False,
        help_text=gettext_lazy("取消勾选即出库：不能再选用，已参加的论证不受影响。"),
    )


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(label=gettext_lazy("专家"), queryset=None)
    declaration = forms.CharField(
        label=gettext_lazy("利益冲突声明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "由专家本人声明与决策事项有无利害关系。声明中写有“直接利害关系”"
            "（前面没有“无”“不存在”“没有”等否定词）或勾选下方选项的，不得参加论证。"
        ),
    )
    direct_interest = forms.BooleanField(
        label=gettext_lazy("与决策事项有直接利害关系"), required=False
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.queryset = sel.experts_usable_for(decision)
        field.label_from_instance = lambda e: (
            f"{e.name}（{e.organisation}，{e.specialty}）· {e.pool.name}"
        )


class OpinionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("论证意见"), widget=forms.Textarea(attrs={"rows": 5}))
    signed_by = forms.CharField(label=gettext_lazy("签名"), max_length=50)
    signed_on = forms.DateField(
        label=gettext_lazy("签署日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    seal = forms.CharField(
        label=gettext_lazy("盖章单位"),
        max_length=200,
        help_text=gettext_lazy("书面论证意见须签名并加盖公章，请填写盖章单位。"),
    )
    file = forms.FileField(
        label=gettext_lazy("意见原件扫描件"),
        required=False,
        help_text=gettext_lazy("PDF、图片或Word文档。"),
    )


class AdoptionForm(forms.Form):
    adoption = forms.ChoiceField(label=gettext_lazy("采纳情况"), choices=Adoption.choices)
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("部分采纳或未采纳的须说明理由。"),
    )


class RiskForm(forms.Form):
    assessor = forms.CharField(label=gettext_lazy("评估主体"), max_length=200)
    assessor_unit = UnitChoiceField(
        label=gettext_lazy("评估单位"), queryset=Unit.objects.none(), required=False
    )
    third_party = forms.BooleanField(label=gettext_lazy("委托第三方评估"), required=False)
    existing_reference = forms.CharField(
        label=gettext_lazy("已有风险评估（依其他规定）"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("依其他规定已开展风险评估的，填写评估名称或文号，不再重复评估。"),
    )
    risk_points = forms.CharField(
        label=gettext_lazy("风险点"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=gettext_lazy("防范化解措施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contingency_plan = forms.CharField(
        label=gettext_lazy("处置预案"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    departments_heard = forms.CharField(
        label=gettext_lazy("听取有关部门意见情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conclusion = forms.ChoiceField(label=gettext_lazy("评估结论"), choices=RiskConclusion.choices)
    report = forms.FileField(label=gettext_lazy("风险评估报告"), required=False)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor_unit"].queryset = _units(decision)


class FairForm(forms.Form):
    reviewer_unit = UnitChoiceField(label=gettext_lazy("审查机构"), queryset=Unit.objects.none())
    reviewed_on = forms.DateField(
        label=gettext_lazy("审查日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    opinion = forms.CharField(
        label=gettext_lazy("审查意见"), widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.ChoiceField(label=gettext_lazy("审查结论"), choices=FairConclusion.choices)
    file = forms.FileField(label=gettext_lazy("审查材料"), required=False)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer_unit"].queryset = _units(decision)


# ---- helpers ---------------------------------------------------------------------------------


def _decision_url(decision) -> str:
    try:
        return reverse("decisions:detail", args=[decision.pk]) + "#panel-experts"
    except NoReverseMatch:
        return reverse("decisions:expert_assign", args=[decision.pk])


def _refusal_text(exc: GanchaoError) -> str:
    if isinstance(exc, ProcedureBlocked):
        return "；".join(f"【{e.field}】{e.message}" for e in exc.errors) or exc.message
    return exc.message


def _apply_error(form, exc: GanchaoError, aliases=None) -> int:
    """Put the service's refusal on the form: a named field next to it, the rest in the
    summary. Returns the HTTP status for the page."""
    aliases = aliases or {}
    if isinstance(exc, ValidationFailed) and exc.errors:
        for error in exc.errors:
            name = aliases.get(error.field, error.field)
            form.add_error(name if name in form.fields else None, error.message)
        return 422
    form.add_error(None, _refusal_text(exc))
    if isinstance(exc, Forbidden):
        return 403
    return 409 if isinstance(exc, Conflict) else 400


def _form_page(request, *, form, title, decision=None, intro="", status=200, extra=None):
    context = {
        "form": form,
        "title": title,
        "decision": decision,
        "intro": intro,
        "back": _decision_url(decision) if decision else reverse("decisions:expert_pools"),
        **(extra or {}),
    }
    return render(request, "decisions/experts_form.html", context, status=status)


def _require_run(actor, decision) -> None:
    if not permissions.runs_procedures(actor, decision):
        raise Forbidden(_("只有决策承办单位或政府办公室可以办理此项程序"))


# ---- pools -----------------------------------------------------------------------------------


@login_required
@require_staff
def expert_pools(request):
    pools = list(sel.pools_usable(request.user))
    city = sel.actor_city(request.user)
    manager = services.may_manage_pools(request.user)
    for pool in pools:
        pool.editable = manager and city is not None and pool.owner.path.startswith(city.path)
    context = {
        "pools": pools,
        "manager": manager,
        "city": city,
        "pool_form": PoolForm(),
        "expert_form": ExpertForm(auto_id="new-expert-%s"),
    }
    return render(request, "decisions/experts_pools.html", context)


@login_required
@scoped
@GET_POST
def expert_pool_create(request):
    form = PoolForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_pool_create(actor=request.user, name=form.cleaned_data["name"])
        except GanchaoError as exc:
            status = _apply_error(form, exc)
        else:
            messages.success(request, _("专家库已设立。"))
            return redirect("decisions:expert_pools")
    elif request.method == "POST":
        status = 422
    return _form_page(request, form=form, title=_("设立专家库"), status=status)


@login_required
@scoped
@GET_POST
def expert_add(request, pool_id: int):
    pool = sel.pool_get(request.user, pool_id)
    form = ExpertForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_add(actor=request.user, pool=pool, **form.cleaned_data)
        except GanchaoError as exc:
            status = _apply_error(form, exc)
        else:
            messages.success(request, _("专家已入库。"))
            return redirect(reverse("decisions:expert_pools") + f"#pool-{pool.pk}")
    elif request.method == "POST":
        status = 422
    title = _("专家入库：%(pool)s") % {"pool": pool.name}
    return _form_page(request, form=form, title=title, status=status)


@login_required
@scoped
@GET_POST
def expert_update(request, expert_id: int):
    expert = sel.expert_get(request.user, expert_id)
    initial = {
        "name": expert.name,
        "organisation": expert.organisation,
        "specialty": expert.specialty,
        "title": expert.title,
        "active": expert.active,
    }
    form = ExpertEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(actor=request.user, expert=expert, **form.cleaned_data)
        except GanchaoError as exc:
            status = _apply_error(form, exc)
        else:
            messages.success(request, _("专家信息已保存。"))
            return redirect(reverse("decisions:expert_pools") + f"#pool-{expert.pool_id}")
    elif request.method == "POST":
        status = 422
    title = _("修改专家信息：%(name)s") % {"name": expert.name}
    return _form_page(request, form=form, title=title, status=status)


# ---- decision actions ------------------------------------------------------------------------


@login_required
@scoped
@GET_POST
def expert_assign(request, pk: int):
    decision = decision_get(request.user, pk)
    _require_run(request.user, decision)
    form = AssignForm(request.POST or None, decision=decision)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expert_assign(
                actor=request.user,
                decision=decision,
                expert=data["expert"],
                declaration=data["declaration"],
                direct_interest=data["direct_interest"],
            )
        except GanchaoError as exc:
            status = _apply_error(form, exc)
        else:
            messages.success(request, _("论证专家已确定。"))
            return redirect(_decision_url(decision))
    elif request.method == "POST":
        status = 422
    return _form_page(request, form=form, title=_("确定论证专家"), decision=decision, status=status)


@login_required
@scoped
@GET_POST
def expert_opinion_add(request, assignment_id: int):
    assignment = sel.assignment_get(request.user, assignment_id)
    decision = decision_get(request.user, assignment.decision_id)
    _require_run(request.user, decision)
    form = OpinionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expert_opinion_add(
                actor=request.user,
                assignment=assignment,
                text=data["text"],
                signed_by=data["signed_by"],
                signed_on=data["signed_on"],
                seal=data["seal"],
                upload=data["file"],
            )
        except GanchaoError as exc:
            status = _apply_error(form, exc, {"upload": "file"})
        else:
            messages.success(request, _("专家论证意见已登记。"))
            return redirect(_decision_url(decision))
    elif request.method == "POST":
        status = 422
    title = _("登记专家论证意见：%(name)s") % {"name": assignment.expert.name}
    return _form_page(
        request, form=form, title=title, decision=decision, status=status, extra={"files": True}
    )


@login_required
@scoped
@GET_POST
def expert_opinion_adopt(request, opinion_id: int):
    opinion = sel.opinion_get(request.user, opinion_id)
    decision = decision_get(request.user, opinion.assignment.decision_id)
    _require_run(request.user, decision)
    initial = {"adoption": opinion.adoption, "reason": opinion.adoption_reason}
    form = AdoptionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_opinion_adopt(
                actor=request.user,
                opinion=opinion,
                adoption=form.cleaned_data["adoption"],
                reason=form.cleaned_data["reason"],
            )
        except GanchaoError as exc:
            status = _apply_error(form, exc)
        else:
            messages.success(request, _("采纳情况已登记。"))
            return redirect(_decision_url(decision))
    elif request.method == "POST":
        status = 422
    title = _("专家意见采纳情况：%(name)s") % {"name": opinion.assignment.expert.name}
    return _form_page(
        request, form=form, title=title, decision=decision, intro=opinion.text, status=status
    )


@login_required
@scoped
@GET_POST
def risk_assessment_add(request, pk: int):
    decision = decision_get(request.user, pk)
    _require_run(request.user, decision)
    form = RiskForm(request.POST or None, request.FILES or None, decision=decision)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("report")
        try:
            services.risk_assessment_add(
                actor=request.user, decision=decision, upload=upload, **data
            )
        except GanchaoError as exc:
            status = _apply_error(form, exc, {"upload": "report"})
        else:
            messages.success(request, _("风险评估已登记。"))
            return redirect(_decision_url(decision))
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("登记风险评估"),
        decision=decision,
        intro=_(
            "风险评估针对当前草案。请写明风险点、防范化解措施和处置预案；"
            "依其他规定已作评估的，填写已有评估即可。"
        ),
        status=status,
        extra={"files": True},
    )


@login_required
@scoped
@GET_POST
def fair_review_add(request, pk: int):
    decision = decision_get(request.user, pk)
    _require_run(request.user, decision)
    form = FairForm(
        request.POST or None,
        request.FILES or None,
        decision=decision,
        initial={"reviewed_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fair_review_add(
                actor=request.user,
                decision=decision,
                reviewer_unit=data["reviewer_unit"],
                reviewed_on=data["reviewed_on"],
                opinion=data["opinion"],
                conclusion=data["conclusion"],
                upload=data["file"],
            )
        except GanchaoError as exc:
            status = _apply_error(form, exc, {"upload": "file"})
        else:
            messages.success(request, _("公平竞争审查已登记。"))
            return redirect(_decision_url(decision))
    elif request.method == "POST":
        status = 422
    return _form_page(
        request,
        form=form,
        title=_("登记公平竞争审查"),
        decision=decision,
        status=status,
        extra={"files": True},
    )


# ---- the panel -------------------------------------------------------------------------------


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/experts.html on the decision page."""
    actor = request.user
    can_run = decision.state in PROCEDURE_STATES and permissions.runs_procedures(actor, decision)
    assignments = list(sel.assignments_of(decision))
    risks = list(sel.risk_assessments_of(decision))
    for risk in risks:
        risk.complete = bool(
            risk.existing_reference
            or (risk.risk_points and risk.measures and risk.contingency_plan)
        )
    context = {
        "can_run": can_run,
        "technical_required": decision.technical,
        "risk_required": decision.stability_risk,
        "fair_required": decision.market_activity,
        "assignments": assignments,
        "risks": risks,
        "fair_reviews": list(sel.fair_reviews_of(decision)),
        "adoptions": Adoption.choices,
    }
    if can_run:
        context["assign_form"] = AssignForm(decision=decision, auto_id="assign-%s")
    return context


urlpatterns = [
    path("expert-pools/", expert_pools, name="expert_pools"),
    path("expert-pools/new/", expert_pool_create, name="expert_pool_create"),
    path("expert-pools/<int:pool_id>/experts/new/", expert_add, name="expert_add"),
    path("experts/<int:expert_id>/edit/", expert_update, name="expert_update"),
    path("<int:pk>/experts/assign/", expert_assign, name="expert_assign"),
    path(
        "expert-assignments/<int:assignment_id>/opinions/new/",
        expert_opinion_add,
        name="expert_opinion_add",
    ),
    path(
        "expert-opinions/<int:opinion_id>/adoption/",
        expert_opinion_adopt,
        name="expert_opinion_adopt",
    ),
    path("<int:pk>/risk-assessments/new/", risk_assessment_add, name="risk_assessment_add"),
    path("<int:pk>/fair-reviews/new/", fair_review_add, name="fair_review_add"),
]

_S = "ganchao.decisions.services.experts."
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {
    "decisions:expert_pool_create": ("POST", "/api/v1/expert-pools", _S + "expert_pool_create"),
    "decisions:expert_add": (
        "POST",
        "/api/v1/expert-pools/{pool_id}/experts",
        _S + "expert_add",
    ),
    "decisions:expert_update": ("PATCH", "/api/v1/experts/{expert_id}", _S + "expert_update"),
    "decisions:expert_assign": (
        "POST",
        "/api/v1/decisions/{decision_id}/experts",
        _S + "expert_assign",
    ),
    "decisions:expert_opinion_add": (
        "POST",
        "/api/v1/decision-experts/{assignment_id}/opinions",
        _S + "expert_opinion_add",
    ),
    "decisions:expert_opinion_adopt": (
        "POST",
        "/api/v1/decision-expert-opinions/{opinion_id}/adoption",
        _S + "expert_opinion_adopt",
    ),
    "decisions:risk_assessment_add": (
        "POST",
        "/api/v1/decisions/{decision_id}/risk-assessments",
        _S + "risk_assessment_add",
    ),
    "decisions:fair_review_add": (
        "POST",
        "/api/v1/decisions/{decision_id}/fair-competition-reviews",
        _S + "fair_review_add",
    ),
}
