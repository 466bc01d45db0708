"""Public reads of administrative enforcement (行政执法公示, DESIGN.md 3.13, B1, B3, B5, B13):
published matters with their public pages, the published decisions (party masked at
publication), withdrawal notices and the annual statistics. Plain rows only; every list in a
fixed number of queries, the lists cached briefly under the disclosure version (a publication or
withdrawal starts a new version)."""

import hashlib
import math
import re

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ganchao.common.errors import NotFound
from ganchao.enforcement.choices import MatterCategory, MatterState
from ganchao.enforcement.masking import scrub
from ganchao.enforcement.models import (
    Agency,
    AnnualReport,
    EnforcementMatter,
    Officer,
    PublicRecord,
)
from ganchao.enforcement.services.disclosure import public_cache_version

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_Q = 50
CACHE_SECONDS = 60


def _cached(name: str, params, build):
    """build() under a key of the disclosure version, the day (a record leaves the list when
    its publication period ends), the language, the list's name and its full query."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    language = translation.get_language() or ""
    day = timezone.localdate().isoformat()
    key = f"enf:public:{public_cache_version()}:{day}:{language}:{name}:{digest}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found


def category_label(code: str) -> str:
    return str(MatterCategory(code).label) if code in MatterCategory.values else code


def clean_q(raw) -> str:
    return " ".join(str(raw or "").split())[:MAX_Q]


def clean_page(raw) -> int:
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return 1
    return min(max(int(text), 1), MAX_PAGE)


# ---- decisions -------------------------------------------------------------------------------


def visible_records():
    """Published, not withdrawn, within the publication period."""
    return PublicRecord.objects.filter(
        withdrawn_at__isnull=True, expires_on__gte=timezone.localdate()
    )


def filtered_records(*, q="", agency_id=None, category="", year=None):
    records = visible_records()
    for word in clean_q(q).lower().split()[:5]:
        records = records.filter(search_text__contains=word)
    if agency_id:
        records = records.filter(case__agency_id=agency_id)
    if category in MatterCategory.values:
        records = records.filter(category=category)
    if year:
        records = records.filter(decided_on__year=year)
    return records.order_by("-published_at", "-id")


def decision_row(r: PublicRecord) -> dict:
    return {
        "id": r.pk,
        "agency_name": r.agency_name,
        "matter_name": r.matter_name,
        "category": r.category,
        "category_label": category_label(r.category),
        "number": r.number,
        "party": r.party_masked,
        "title": r.title,
        "conclusion": r.conclusion,
        "basis": r.basis,
        "decided_on": r.decided_on,
        "published_on": timezone.localtime(r.published_at).date(),
        "expires_on": r.expires_on,
    }


ROW_FIELDS = (
    "id",
    "agency_name",
    "matter_name",
    "category",
    "number",
    "party_masked",
    "title",
    "conclusion",
    "basis",
    "decided_on",
    "published_at",
    "expires_on",
    "withdrawn_at",
    "withdrawal_reason",
)


def _page(queryset, page: int, to_row) -> dict:
    count = queryset.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    page = min(page, pages)
    start = (page - 1) * PAGE_SIZE
    rows = [to_row(r) for r in queryset.only(*ROW_FIELDS)[start : start + PAGE_SIZE]]
    return {"rows": rows, "count": count, "page": page, "pages": pages}


def decision_page(*, q="", agency_id=None, category="", year=None, page=1) -> dict:
    params = (clean_q(q), agency_id, category, year, page)
    return _cached(
        "decisions",
        params,
        lambda: _page(
            filtered_records(q=q, agency_id=agency_id, category=category, year=year),
            page,
            decision_row,
        ),
    )


def decision_filters() -> dict:
    """The agencies, categories and years to filter by."""

    def build():
        return {
            "agencies": list(
                Agency.objects.filter(active=True).order_by("name").values("id", "name")
            ),
            "categories": list(MatterCategory.choices),
            "years": sorted(
                {d.year for d in visible_records().dates("decided_on", "year")}, reverse=True
            ),
        }

    return _cached("filters", (), build)


def decision_detail(pk: int) -> dict:
    """A published decision, or its withdrawal notice (the reason instead of the content)."""
    r = PublicRecord.objects.filter(pk=pk).only(*ROW_FIELDS).first()
    if r is None or (r.withdrawn_at is None and r.expires_on < timezone.localdate()):
        raise NotFound(str(_("该执法决定信息不存在或已过公示期")))
    if r.withdrawn_at is not None:
        return {
            "id": r.pk,
            "withdrawn": True,
            "agency_name": r.agency_name,
            "number": r.number,
            "withdrawn_on": timezone.localtime(r.withdrawn_at).date(),
            "withdrawal_reason": r.withdrawal_reason,
        }
    return {**decision_row(r), "withdrawn": False}


# ---- withdrawals -----------------------------------------------------------------------------


def withdrawal_row(r: PublicRecord) -> dict:
    return {
        "id": r.pk,
        "agency_name": r.agency_name,
        "number": r.number,
        "withdrawn_on": timezone.localtime(r.withdrawn_at).date(),
        "withdrawal_reason": r.withdrawal_reason,
    }


def withdrawn_records():
    return PublicRecord.objects.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at", "-id")


def withdrawal_page(page=1) -> dict:
    return _cached("withdrawals", (page,), lambda: _page(withdrawn_records(), page, withdrawal_row))


def counts() -> dict:
    return _cached(
        "counts",
        (),
        lambda: {
            "decisions": visible_records().count(),
            "withdrawals": withdrawn_records().count(),
        },
    )


# ---- B1: agencies and matters ----------------------------------------------------------------


def published_matters():
    """The current published version of each matter (superseded versions are not listed)."""
    return EnforcementMatter.objects.filter(state=MatterState.PUBLISHED)


def matter_row(m: EnforcementMatter) -> dict:
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "version": m.number,
        "category": m.category,
        "category_label": category_label(m.category),
        "agency_name": m.agency.name,
        "legal_basis": m.legal_basis,
        "procedure": m.procedure,
        "flowchart": flow_steps(m.flowchart),
        "accepting_body": m.accepting_body,
        "approving_body": m.approving_body,
        "conditions": m.conditions,
        "time_limit": m.time_limit,
        "remedy": m.remedy,
        "discretion_standard": m.discretion_standard,
        "discretion_link": m.discretion_link,
        "random_inspection": m.random_inspection,
        "published_on": timezone.localtime(m.published_at).date() if m.published_at else None,
    }


def flow_steps(text: str) -> list[str]:
    """The flowchart's steps, written one a line or joined by arrows."""
    steps = re.split(r"\s*(?:→|->|⇒|＞|>|\n|；|;)\s*", text or "")
    return [s.strip(" 　、，,") for s in steps if s.strip(" 　、，,")]


def agencies() -> list[dict]:
    """Active agencies with their public particulars, certified officers and matters (three
    queries)."""

    def build():
        today = timezone.localdate()
        found = []
        officers = Officer.objects.filter(
            active=True, certificate_expires__gte=today, is_reviewer=False
        ).exclude(certificate_no="")
        rows = (
            Agency.objects.filter(active=True)
            .order_by("name")
            .prefetch_related(
                Prefetch(
                    "matters",
                    queryset=published_matters().order_by("code"),
                    to_attr="public_matters",
                ),
                Prefetch("officers", queryset=officers.order_by("name"), to_attr="certified"),
            )
        )
        for a in rows:
            found.append(
                {
                    "id": a.pk,
                    "name": a.name,
                    "basis": a.basis,
                    "address": a.address,
                    "phone": a.phone,
                    "review_organ": a.review_organ,
                    "court": a.court,
                    "officers": [
                        {"name": o.name, "certificate_no": o.certificate_no} for o in a.certified
                    ],
                    "matters": [
                        {
                            "id": m.pk,
                            "code": m.code,
                            "name": m.name,
                            "category_label": category_label(m.category),
                            "random_inspection": m.random_inspection,
                        }
                        for m in a.public_matters
                    ],
                }
            )
        return found

    return _cached("agencies", (), build)


def matter_detail(pk: int) -> dict:
    m = published_matters().select_related("agency").filter(pk=pk).first()
    if m is None:
        raise NotFound(str(_("该执法事项不存在或未公开")))
    return matter_row(m)


def matters_list(*, agency_id=None, q=""):
    matters = published_matters().select_related("agency").order_by("agency__name", "code")
    if agency_id:
        matters = matters.filter(agency_id=agency_id)
    q = clean_q(q)
    if q:
        matters = matters.filter(Q(name__contains=q) | Q(code__contains=q))
    return matters


# ---- B13: annual statistics ------------------------------------------------------------------

FIGURE_LABELS = {
    "cases_filed": _("立案数"),
    "cases_closed": _("结案数"),
    "cases_withdrawn": _("撤销立案数"),
    "by_category": _("按执法类别"),
    "by_violation": _("按违法类型"),
    "decisions": _("作出决定数"),
    "decisions_by_kind": _("按决定类型"),
    "penalties": _("行政处罚决定数"),
    "fines_total": _("罚款总额（元）"),
    "hearings": _("听证数"),
    "legal_reviews": _("法制审核数"),
    "reviews_returned": _("法制审核退回数"),
    "outcomes": _("复议、诉讼和纠错结果"),
    "withdrawals": _("撤回公示数"),
    "publication_on_time": _("按期公示数"),
    "publication_late": _("超期公示数"),
}


def _figures(figures) -> list[tuple[str, str]]:
    """The report's figures as (label, value) pairs; nested counts read 类别：数 in one line."""
    out = []
    for key, value in (figures or {}).items():
        label = str(FIGURE_LABELS.get(str(key), key))
        if isinstance(value, dict):
            text = "；".join(f"{_choice_label(k)}：{v}" for k, v in value.items())
        elif isinstance(value, list):
            text = "；".join(str(v) for v in value)
        else:
            text = str(value)
        out.append((label, scrub(text)))
    return out


def _choice_label(code) -> str:
    from ganchao.enforcement import choices

    for enum in (
        choices.MatterCategory,
        choices.ViolationKind,
        choices.DecisionKind,
        choices.OutcomeKind,
        choices.PenaltyKind,
        choices.Stage,
    ):
        if code in enum.values:
            return str(enum(code).label)
    return str(code)


def annual_reports() -> list[dict]:
    return _cached(
        "annual",
        (),
        lambda: [
            {
                "agency_name": r.agency.name,
                "year": r.year,
                "figures": _figures(r.figures),
                "note": r.note,
                "published_on": timezone.localtime(r.published_at).date(),
            }
            for r in AnnualReport.objects.select_related("agency").order_by("-year", "agency__name")
        ],
    )
