"""Reads of the legal-adviser register and the consultation log, scoped to the actor, and the
"顾而不问" usage figures (aggregated in the database: a fixed number of queries)."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.decisions.choices import AdviserAdoption, AdviserConclusion
from ganchao.decisions.models import AdviserConsultation, LegalAdviser, LegalityReview
from ganchao.decisions.selectors import decision_get, decisions_visible
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import ancestor_paths, scope_of


class AdviserStatus:
    """The register's badge: 在聘 / 未到聘期 / 已到期 / 已解聘 (a word, not only a colour)."""

    IN_TERM = "in_term"
    UPCOMING = "upcoming"
    EXPIRED = "expired"
    ENDED = "ended"

    @classmethod
    def choices(cls):
        return [
            (cls.IN_TERM, _("在聘")),
            (cls.UPCOMING, _("未到聘期")),
            (cls.EXPIRED, _("已到期")),
            (cls.ENDED, _("已解聘")),
        ]

    @classmethod
    def q(cls, status: str, today: dt.date) -> Q:
        return {
            cls.IN_TERM: Q(active=True, term_start__lte=today, term_end__gte=today),
            cls.UPCOMING: Q(active=True, term_start__gt=today),
            cls.EXPIRED: Q(active=True, term_end__lt=today),
            cls.ENDED: Q(active=False),
        }.get(status, Q())


def adviser_status(adviser: LegalAdviser, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if not adviser.active:
        return AdviserStatus.ENDED
    if adviser.term_end < today:
        return AdviserStatus.EXPIRED
    if adviser.term_start > today:
        return AdviserStatus.UPCOMING
    return AdviserStatus.IN_TERM


def city_path(unit) -> str:
    """The path of the city (市) a unit belongs to: its nearest 市 ancestor, else its tree's root."""
    paths = ancestor_paths(unit.path)
    found = (
        Unit.objects.filter(path__in=paths, type=UnitType.CITY)
        .order_by("-depth")
        .values_list("path", flat=True)
        .first()
    )
    return found or paths[0]


def _reviewer_city(actor) -> str | None:
    scope = scope_of(actor)
    if scope.has(Role.LEGALITY_REVIEWER) and getattr(actor, "unit_id", None):
        return city_path(actor.unit)
    return None


def _upward_paths(scope) -> list[str]:
    return sorted({p for own in scope.own_paths for p in ancestor_paths(own)})


def advisers_visible(actor):
    """Advisers appointed by the actor's units, their subtrees or the governments above them
    (the city's advisers serve its departments); all for the office; a legality reviewer sees
    their whole city's register; an adviser always sees their own row."""
    scope = scope_of(actor)
    rows = LegalAdviser.objects.select_related("appointing_unit", "user")
    if not scope.is_staff_user:  # nor the administrators (LEGAL_RULES C5)
        return rows.none()
    if scope.reads_all:
        return rows
    query = scope.units_q("appointing_unit__") | Q(appointing_unit__path__in=_upward_paths(scope))
    query |= Q(user_id=actor.pk)
    city = _reviewer_city(actor)
    if city:
        query |= Q(appointing_unit__path__startswith=city)
    return rows.filter(query)


def adviser_get(actor, pk) -> LegalAdviser:
    try:
        return advisers_visible(actor).get(pk=pk)
    except (LegalAdviser.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("法律顾问不存在或不在您的查看范围内")) from None


def adviser_list(actor, *, kind: str = "", unit=None, status: str = "", q: str = ""):
    """The register, filtered: kind, appointing unit (with its subtree), status, name."""
    rows = advisers_visible(actor).annotate(consultation_count=Count("consultations"))
    if kind:
        rows = rows.filter(kind=kind)
    if unit is not None:
        rows = rows.filter(appointing_unit__path__startswith=unit.path)
    if status:
        rows = rows.filter(AdviserStatus.q(status, timezone.localdate()))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(organisation__icontains=q))
    return rows.order_by("-active", "appointing_unit__path", "name", "pk")


def advisers_available(actor, on: dt.date | None = None):
    """Advisers the actor may consult: visible, in post and (on the date) within term."""
    on = on or timezone.localdate()
    return advisers_visible(actor).filter(active=True, term_start__lte=on, term_end__gte=on)


def adviser_end_reason(adviser: LegalAdviser) -> dict | None:
    """{"at", "by", "reason"} of the end of appointment (kept in its audit event)."""
    if adviser.active:
        return None
    from ganchao.audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            object_type="legaladviser", object_id=str(adviser.pk), action="decision.adviser_end"
        )
        .order_by("-seq")
        .values("at", "actor_name", "reason")
        .first()
    )
    if event is None:
        return None
    return {"at": event["at"], "by": event["actor_name"], "reason": event["reason"]}


# ---- consultations -------------------------------------------------------------------------------


def _consultation_rows():
    return AdviserConsultation.objects.select_related(
        "unit", "adviser", "decision", "legality_review", "file", "recorded_by"
    )


def consultations_visible(actor):
    """The consultations of the units the actor reads, those the actor gave as the adviser, those
    on decisions the actor reads, and (legality reviewers) their whole city's."""
    scope = scope_of(actor)
    rows = _consultation_rows()
    if scope.anonymous or scope.is_auditor_only:
        return rows.none()
    if scope.reads_all:
        return rows
    query = scope.units_q("unit__") | Q(adviser__user_id=actor.pk)
    query |= Q(decision_id__in=decisions_visible(actor).values("pk"))
    city = _reviewer_city(actor)
    if city:
        query |= Q(unit__path__startswith=city)
    return rows.filter(query)


def consultation_get(actor, pk) -> AdviserConsultation:
    try:
        return consultations_visible(actor).get(pk=pk)
    except (AdviserConsultation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("咨询记录不存在或不在您的查看范围内")) from None


def consultation_list(
    actor,
    *,
    unit=None,
    adviser_id: int | None = None,
    decision_id: int | None = None,
    adoption: str = "",
    conclusion: str = "",
    year: int | None = None,
):
    rows = consultations_visible(actor)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if adviser_id is not None:
        rows = rows.filter(adviser_id=adviser_id)
    if decision_id is not None:
        rows = rows.filter(Q(decision_id=decision_id) | Q(legality_review__decision_id=decision_id))
    if adoption in AdviserAdoption.values:
        rows = rows.filter(adoption=adoption)
    if conclusion in AdviserConclusion.values:
        rows = rows.filter(conclusion=conclusion)
    if year is not None:
        rows = rows.filter(consulted_on__year=year)
    return rows.order_by("-consulted_on", "-pk")


def decision_ref(actor, pk):
    """The decision a consultation is linked to, if the actor reads it (else NotFound)."""
    return decision_get(actor, pk)


def review_ref(actor, pk) -> LegalityReview:
    """A legality review of a decision the actor reads (else NotFound)."""
    review = (
        LegalityReview.objects.filter(pk=pk, decision__in=decisions_visible(actor).values("pk"))
        .select_related("decision")
        .first()
        if str(pk).isdigit()
        else None
    )
    if review is None:
        raise NotFound(_("合法性审查不存在或不在您的查看范围内"))
    return review


def decision_opinions(decision) -> list[AdviserConsultation]:
    """The adviser opinions on a decision and its legality reviews, newest first (one query)."""
    return list(
        _consultation_rows()
        .filter(Q(decision=decision) | Q(legality_review__decision=decision))
        .order_by("-consulted_on", "-pk")
    )


# ---- "顾而不问": who consults and who does not ----------------------------------------------------

COUNTS = {
    "total": Count("pk"),
    "on_decisions": Count("pk", filter=Q(decision__isnull=False)),
    "adopted": Count("pk", filter=Q(adoption=AdviserAdoption.ADOPTED)),
    "partly": Count("pk", filter=Q(adoption=AdviserAdoption.PARTLY)),
    "not_adopted": Count("pk", filter=Q(adoption=AdviserAdoption.NOT_ADOPTED)),
    "pending": Count("pk", filter=Q(adoption=AdviserAdoption.PENDING)),
    "non_compliant": Count("pk", filter=Q(conclusion=AdviserConclusion.NON_COMPLIANT)),
}


def may_read_usage(actor) -> bool:
    scope = scope_of(actor)
    return bool(getattr(actor, "unit_id", None)) and scope.has(
        Role.OFFICE, Role.LEADER, Role.LEGALITY_REVIEWER
    )


def _zero() -> dict:
    return dict.fromkeys(COUNTS, 0)


def adviser_usage(actor, *, year: int) -> dict:
    """Per unit of the actor's city (the city government itself and each unit directly under it,
    with its subtree) the consultations of the year, how many were on decisions, and what became
    of them; the units with none are flagged. Per adviser of the city, the opinions given."""
    if not may_read_usage(actor):
        raise NotFound(_("页面不存在"))
    city = city_path(actor.unit)
    units = list(
        Unit.objects.filter(Q(path=city) | Q(parent__path=city), active=True).order_by(
            "depth", "sort_order", "code"
        )
    )
    grouped = (
        AdviserConsultation.objects.filter(unit__path__startswith=city, consulted_on__year=year)
        .values("unit__path")
        .annotate(**COUNTS)
        .order_by()
    )
    by_unit = {unit.path: _zero() for unit in units}
    for row in grouped:
        owner = _owning_row(row["unit__path"], city, by_unit)
        if owner is not None:
            for key in COUNTS:
                by_unit[owner][key] += row[key]
    rows = [{"unit": unit, **by_unit[unit.path]} for unit in units]
    for row in rows:
        row["silent"] = row["total"] == 0
    advisers = (
        LegalAdviser.objects.filter(appointing_unit__path__startswith=city)
        .select_related("appointing_unit")
        .annotate(
            opinions=Count("consultations", filter=Q(consultations__consulted_on__year=year)),
            non_compliant=Count(
                "consultations",
                filter=Q(
                    consultations__consulted_on__year=year,
                    consultations__conclusion=AdviserConclusion.NON_COMPLIANT,
                ),
            ),
        )
        .order_by("-active", "-opinions", "name", "pk")
    )
    totals = _zero()
    for row in rows:
        for key in COUNTS:
            totals[key] += row[key]
    return {
        "year": year,
        "units": rows,
        "silent": [row for row in rows if row["silent"]],
        "advisers": list(advisers),
        "totals": totals,
    }


def _owning_row(path: str, city: str, by_unit: dict) -> str | None:
    """The usage row a consultation's unit counts under: the city itself, or the unit directly
    under the city whose subtree holds it."""
    if path == city:
        return city if city in by_unit else None
    rest = path[len(city) :].strip("/").split("/")
    child = f"{city}{rest[0]}/" if rest and rest[0] else None
    return child if child in by_unit else None


def usage_chart(usage: dict) -> dict:
    """The bar chart's data: consultations per unit, most first."""
    rows = sorted(usage["units"], key=lambda row: (-row["total"], row["unit"].path))
    return {
        "units": [row["unit"].name for row in rows],
        "totals": [row["total"] for row in rows],
        "on_decisions": [row["on_decisions"] for row in rows],
    }
