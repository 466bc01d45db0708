"""The public API of administrative enforcement under /api/v1/public/enforcement/ (no sign-in):
the published decisions with the party masked, withdrawal notices and the published matters.
Page size at most 50, search text at most 50 characters."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from ganchao.common.api import PageRows
from ganchao.portal import enforcement_selectors as sel

router = Router(tags=["政务公开（无需登录）"])


class PublicPageInput(LimitOffsetPagination.Input):
    limit: int = Field(20, ge=1, le=50)
    offset: int = Field(0, ge=0, le=10_000)


class PublicPage(LimitOffsetPagination):
    """?limit= (at most 50) &offset= (at most 10,000)."""

    Input = PublicPageInput


class PublicEnforcementDecisionFilters(Schema):
    q: str = ""
    agency_id: int | None = None
    category: str = ""
    year: int | None = Field(None, ge=2000, le=2100)


class PublicEnforcementMatterFilters(Schema):
    q: str = ""
    agency_id: int | None = None


class PublicEnforcementDecisionOut(Schema):
    id: int
    agency_name: str
    matter_name: str
    category: str
    category_label: str
    number: str
    party: str
    title: str
    conclusion: str
    basis: str
    decided_on: dt.date
    published_on: dt.date
    expires_on: dt.date


class PublicEnforcementDecisionDetailOut(Schema):
    id: int
    withdrawn: bool
    agency_name: str
    number: str
    matter_name: str | None = None
    category: str | None = None
    category_label: str | None = None
    party: str | None = None
    title: str | None = None
    conclusion: str | None = None
    basis: str | None = None
    decided_on: dt.date | None = None
    published_on: dt.date | None = None
    expires_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    withdrawal_reason: str | None = None


class PublicWithdrawalOut(Schema):
    id: int
    agency_name: str
    number: str
    withdrawn_on: dt.date
    withdrawal_reason: str


class PublicMatterOut(Schema):
    id: int
    code: str
    name: str
    version: int
    category: str
    category_label: str
    agency_name: str
    legal_basis: str
    procedure: str
    flowchart: list[str]
    accepting_body: str
    approving_body: str
    conditions: str
    time_limit: str
    remedy: str
    discretion_standard: str
    discretion_link: str
    random_inspection: bool
    published_on: dt.date | None


@router.get("/decisions", response=list[PublicEnforcementDecisionOut], auth=None)
@paginate(PublicPage)
def enforcement_decision_list(request, filters: Query[PublicEnforcementDecisionFilters]):
    """Published enforcement decisions (not withdrawn, within the publication period), newest
    first; q searches the title, the (masked) party and the number."""
    records = sel.filtered_records(
        q=filters.q,
        agency_id=filters.agency_id,
        category=filters.category,
        year=filters.year,
    ).only(*sel.ROW_FIELDS)
    return PageRows(records, sel.decision_row)


@router.get("/decisions/{record_id}", response=PublicEnforcementDecisionDetailOut, auth=None)
def enforcement_decision_detail(request, record_id: int):
    """A published decision, or only its withdrawal notice when withdrawn."""
    return sel.decision_detail(record_id)


@router.get("/withdrawals", response=list[PublicWithdrawalOut], auth=None)
@paginate(PublicPage)
def enforcement_withdrawal_list(request):
    """Withdrawal notices with their reasons (B5), newest first."""
    return PageRows(sel.withdrawn_records().only(*sel.ROW_FIELDS), sel.withdrawal_row)


@router.get("/matters", response=list[PublicMatterOut], auth=None)
@paginate(PublicPage)
def enforcement_matter_list(request, filters: Query[PublicEnforcementMatterFilters]):
    """Published enforcement matters (current versions) with their public particulars (B1)."""
    return PageRows(sel.matters_list(agency_id=filters.agency_id, q=filters.q), sel.matter_row)
