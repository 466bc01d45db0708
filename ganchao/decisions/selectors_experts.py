"""Reads of expert pools, expert assignments and opinions, risk assessments and fair-competition
reviews. A government uses its own pools and those of the levels above it."""

from django.db.models import Prefetch

from ganchao.common.errors import NotFound
from ganchao.decisions.models import (
    Expert,
    ExpertAssignment,
    ExpertOpinion,
    ExpertPool,
    FairCompetitionReview,
    RiskAssessment,
)
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import ancestor_paths, scope_of

GOVERNMENT_TYPES = (UnitType.PROVINCE, UnitType.CITY, UnitType.DISTRICT)


def government_of(unit) -> Unit | None:
    """The nearest government (省、市、区) at or above the unit, else the root of its tree."""
    if unit is None:
        return None
    paths = ancestor_paths(unit.path)
    found = (
        Unit.objects.filter(path__in=paths, type__in=GOVERNMENT_TYPES).order_by("-depth").first()
    )
    return found or Unit.objects.filter(path=paths[0]).first()


def actor_city(actor) -> Unit | None:
    if not getattr(actor, "unit_id", None):
        return None
    cache = getattr(actor, "_ganchao_expert_city", False)
    if cache is False:
        cache = government_of(actor.unit)
        actor._ganchao_expert_city = cache
    return cache


def _usable_paths(unit) -> list[str]:
    return ancestor_paths(unit.path) if unit is not None else []


def pools_usable(actor):
    """The pools the actor's government may use (its own and those above), with experts."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only or not scope.is_staff_user:
        return ExpertPool.objects.none()
    paths = _usable_paths(actor_city(actor))
    return (
        ExpertPool.objects.filter(owner__path__in=paths)
        .select_related("owner")
        .prefetch_related(Prefetch("experts", queryset=Expert.objects.order_by("-active", "name")))
        .order_by("owner__depth", "name", "pk")
    )


def pool_get(actor, pk) -> ExpertPool:
    try:
        return pools_usable(actor).get(pk=pk)
    except (ExpertPool.DoesNotExist, ValueError, TypeError):
        raise NotFound("专家库不存在或不在您的使用范围内") from None


def expert_get(actor, pk) -> Expert:
    paths = _usable_paths(actor_city(actor))
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only or not scope.is_staff_user:
        paths = []
    try:
        return Expert.objects.select_related("pool__owner").get(pk=pk, pool__owner__path__in=paths)
    except (Expert.DoesNotExist, ValueError, TypeError):
        raise NotFound("专家不存在或不在您的使用范围内") from None


def pool_usable_for(decision, pool) -> bool:
    """The decision organ may use the pool (its own government's or one above)."""
    return pool.owner.path in _usable_paths(decision.owner)


def experts_usable_for(decision):
    """Active experts of the pools the decision organ may use, for the assignment picker."""
    return (
        Expert.objects.filter(active=True, pool__owner__path__in=_usable_paths(decision.owner))
        .select_related("pool")
        .order_by("pool__name", "name")
    )


def assignments_of(decision):
    return (
        ExpertAssignment.objects.filter(decision=decision)
        .select_related("expert__pool", "assigned_by")
        .prefetch_related(
            Prefetch(
                "opinions",
                queryset=ExpertOpinion.objects.select_related("file").order_by("created_at", "pk"),
            )
        )
        .order_by("assigned_at", "pk")
    )


def assignment_get(actor, pk) -> ExpertAssignment:
    from ganchao.decisions.selectors import decision_get

    item = ExpertAssignment.objects.select_related("expert", "decision").filter(pk=pk).first()
    if item is None:
        raise NotFound("论证专家不存在或不在您的查看范围内")
    decision_get(actor, item.decision_id)
    return item


def opinions_of(decision):
    return (
        ExpertOpinion.objects.filter(assignment__decision=decision)
        .select_related("assignment__expert", "file")
        .order_by("created_at", "pk")
    )


def opinion_get(actor, pk) -> ExpertOpinion:
    from ganchao.decisions.selectors import decision_get

    item = (
        ExpertOpinion.objects.select_related("assignment__expert", "assignment__decision")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound("专家论证意见不存在或不在您的查看范围内")
    decision_get(actor, item.assignment.decision_id)
    return item


def risk_assessments_of(decision):
    return (
        RiskAssessment.objects.filter(decision=decision)
        .select_related("draft", "assessor_unit", "report", "created_by")
        .order_by("created_at", "pk")
    )


def fair_reviews_of(decision):
    return (
        FairCompetitionReview.objects.filter(decision=decision)
        .select_related("draft", "reviewer_unit", "file", "created_by")
        .order_by("created_at", "pk")
    )
