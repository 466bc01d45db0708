"""Reads of the enforcement directory: agencies with their counts, officers with the state of
their certificates, matters with their versions, and the settings with the effective B7 policy.
The directory is public information inside the government: every staff user reads it."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganchao.common.errors import NotFound
from ganchao.enforcement import permissions
from ganchao.enforcement.choices import (
    DEFAULT_AV_POLICY,
    ActionKind,
    AVPolicy,
    MatterState,
    Stage,
)
from ganchao.enforcement.models import (
    Agency,
    AVRecordingPolicy,
    Case,
    EnforcementMatter,
    Officer,
)
from ganchao.orgs.scoping import scope_of

EXPIRING_DAYS = 30
CLOSED_STAGES = (Stage.CLOSED, Stage.WITHDRAWN)

CERTIFICATE_LABELS = {
    "valid": _("有效"),
    "expiring": _("30日内到期"),
    "expired": _("已过期"),
    "none": _("无执法证"),
}


def certificate_state(expires: dt.date | None, today: dt.date) -> str:
    """valid / expiring (within 30 days) / expired / none."""
    if expires is None:
        return "none"
    if expires < today:
        return "expired"
    if expires <= today + dt.timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "valid"


def require_reader(actor) -> None:
    if not scope_of(actor).is_staff_user:
        raise NotFound("执法主体名录不在您的查看范围内")


def _count(queryset, field: str):
    """A correlated COUNT subquery (no join fan-out between the counts of a row)."""
    sub = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def agencies_list(actor):
    require_reader(actor)
    return Agency.objects.select_related("unit").annotate(
        officer_count=_count(Officer.objects.filter(active=True), "agency"),
        published_count=_count(
            EnforcementMatter.objects.filter(state=MatterState.PUBLISHED), "agency"
        ),
        open_case_count=_count(Case.objects.exclude(stage__in=CLOSED_STAGES), "agency"),
    )


def agency_get(actor, pk) -> Agency:
    require_reader(actor)
    agency = Agency.objects.select_related("unit").filter(pk=pk).first()
    if agency is None:
        raise NotFound("执法主体不存在")
    return agency


@dataclass
class OfficerRow:
    officer: Officer
    certificate: str
    certificate_label: str
    matter_names: list[str]


def officer_rows(officers, today=None) -> list[OfficerRow]:
    today = today or timezone.localdate()
    rows = []
    for officer in officers:
        state = certificate_state(officer.certificate_expires, today)
        if not officer.certificate_no and state != "none":
            state = "none"
        rows.append(
            OfficerRow(
                officer,
                state,
                str(CERTIFICATE_LABELS[state]),
                [m.name for m in officer.matters.all()],
            )
        )
    return rows


def officers_list(actor, *, agency_id=None, active=None):
    require_reader(actor)
    rows = Officer.objects.select_related("agency", "user").prefetch_related(
        Prefetch("matters", queryset=EnforcementMatter.objects.only("pk", "name", "agency_id"))
    )
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if active is not None:
        rows = rows.filter(active=active)
    return rows.order_by("agency__name", "-active", "name")


def officer_get(actor, pk) -> Officer:
    require_reader(actor)
    officer = Officer.objects.select_related("agency", "agency__unit", "user").filter(pk=pk)
    officer = officer.prefetch_related("matters").first()
    if officer is None:
        raise NotFound("执法人员不存在")
    return officer


def matters_list(actor, *, agency_id=None, category=None, state=None):
    require_reader(actor)
    rows = EnforcementMatter.objects.select_related("agency").annotate(
        case_count=_count(Case.objects.all(), "matter")
    )
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    if category:
        rows = rows.filter(category=category)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("agency__name", "code", "-number")


def matter_get(actor, pk) -> EnforcementMatter:
    require_reader(actor)
    matter = (
        EnforcementMatter.objects.select_related("agency", "agency__unit", "previous")
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise NotFound("执法事项不存在")
    return matter


def matter_versions(matter):
    """Every version of the matter (same agency and code), newest first, with its cases."""
    return (
        EnforcementMatter.objects.filter(agency_id=matter.agency_id, code=matter.code)
        .annotate(case_count=_count(Case.objects.all(), "matter"))
        .order_by("-number")
    )


def matter_draft_successor(matter):
    return EnforcementMatter.objects.filter(previous=matter).first()


def covering_officers(matter):
    return (
        Officer.objects.filter(agency_id=matter.agency_id, active=True)
        .filter(Q(covers_all_matters=True) | Q(matters=matter))
        .distinct()
        .order_by("name")
    )


def manages(actor, agency) -> bool:
    return permissions.manages_agency(actor, agency)


@dataclass
class PolicyRow:
    kind: str
    label: str
    effective: str
    effective_label: str
    default: str
    default_label: str
    overridden: bool


def av_policy_rows() -> list[PolicyRow]:
    """B7: each action kind's effective audio-video policy, the default noted."""
    overrides = dict(AVRecordingPolicy.objects.values_list("action_kind", "policy"))
    rows = []
    for kind in ActionKind:
        default = DEFAULT_AV_POLICY.get(kind, AVPolicy.NOT_REQUIRED)
        effective = overrides.get(kind.value, default)
        rows.append(
            PolicyRow(
                kind.value,
                str(kind.label),
                effective,
                str(AVPolicy(effective).label),
                str(default),
                str(AVPolicy(default).label),
                effective != default,
            )
        )
    return rows
