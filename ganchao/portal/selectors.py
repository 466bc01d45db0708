"""Reads of the public portal. Every selector returns plain rows (dicts) of published material
only, never model instances, so that a public template cannot reach a private field
(STYLE.md): no draft consultation, unreviewed comment, proposed decision or internal record."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from ganchao.common.errors import NotFound
from ganchao.decisions.choices import (
    CatalogueState,
    Category,
    CommentState,
    ConsultationState,
    PublicationChannel,
    State,
)
from ganchao.decisions.models import (
    AdoptionReport,
    Catalogue,
    CatalogueItem,
    Consultation,
    Decision,
    Publication,
    PublicComment,
)

# A decision is public once published; it stays public through what follows.
PUBLIC_DECISION_STATES = (
    State.PUBLISHED,
    State.ARCHIVED,
    State.EXECUTING,
    State.SUSPENDED,
    State.ADJUSTING,
    State.TERMINATED,
)
PUBLIC_CONSULTATION_STATES = (ConsultationState.OPEN, ConsultationState.CLOSED)
# "Recently closed": consultations whose deadline passed within this many days.
RECENT_DAYS = 180
# The light beside each public state (the word is always shown too).
STATE_TONES = {
    State.PUBLISHED: "green",
    State.ARCHIVED: "green",
    State.EXECUTING: "green",
    State.SUSPENDED: "yellow",
    State.ADJUSTING: "yellow",
    State.TERMINATED: "grey",
}


def _today() -> dt.date:
    return timezone.localdate()


# ---- decisions ----------------------------------------------------------------------------


def _public_decisions():
    """Published decisions with their latest publication and adoption report, one query."""
    published = Publication.objects.filter(decision=OuterRef("pk")).order_by("-published_on", "-pk")
    report = AdoptionReport.objects.filter(decision=OuterRef("pk")).order_by("-generated_at", "-pk")
    return (
        Decision.objects.filter(state__in=PUBLIC_DECISION_STATES)
        .filter(Exists(Publication.objects.filter(decision=OuterRef("pk"))))
        .annotate(
            pub_doc_number=Subquery(published.values("doc_number")[:1]),
            pub_reference=Subquery(published.values("reference")[:1]),
            pub_channel=Subquery(published.values("channel")[:1]),
            pub_on=Subquery(published.values("published_on")[:1]),
            report_id=Subquery(report.values("pk")[:1]),
        )
        .order_by("-pub_on", "-code")
    )


DECISION_FIELDS = (
    "code",
    "title",
    "year",
    "state",
    "category",
    "owner__name",
    "catalogue_item_id",
    "pub_doc_number",
    "pub_reference",
    "pub_channel",
    "pub_on",
    "report_id",
)


def _decision_row(row: dict) -> dict:
    return {
        "code": row["code"],
        "title": row["title"],
        "year": row["year"],
        "state": row["state"],
        "state_label": str(State(row["state"]).label),
        "tone": STATE_TONES.get(row["state"], "grey"),
        "category_label": str(Category(row["category"]).label),
        "owner": row["owner__name"],
        "catalogue_item_id": row["catalogue_item_id"],
        "doc_number": row["pub_doc_number"] or "",
        "reference": row["pub_reference"] or "",
        "reference_is_link": _is_link(row["pub_reference"]),
        "channel_label": _channel_label(row["pub_channel"]),
        "published_on": row["pub_on"],
        "has_adoption_report": row["report_id"] is not None,
    }


def _is_link(reference: str | None) -> bool:
    return bool(reference) and reference.startswith(("https://", "http://"))


def _channel_label(channel: str | None) -> str:
    return str(PublicationChannel(channel).label) if channel in PublicationChannel.values else ""


def public_decisions(*, year: int | None = None) -> list[dict]:
    """The published decisions (of one year, or all), newest publication first."""
    decisions = _public_decisions()
    if year is not None:
        decisions = decisions.filter(year=year)
    return [_decision_row(row) for row in decisions.values(*DECISION_FIELDS)]


def public_decision_count() -> int:
    return _public_decisions().count()


def public_decision(code: str) -> dict:
    """One published decision with its publications, text, interpretation, the 采纳情况说明
    and its public consultations; NotFound for anything not published."""
    row = (
        _public_decisions()
        .filter(code=code)
        .values(*DECISION_FIELDS, "pk", "participation_exempt_basis")
        .first()
    )
    if row is None:
        raise NotFound(pgettext("public portal", "该决策不存在或尚未公布"))
    pk = row["pk"]
    publications = list(
        Publication.objects.filter(decision_id=pk)
        .order_by("-published_on", "-pk")
        .values("channel", "reference", "published_on", "doc_number", "text", "interpretation")
    )
    report = (
        AdoptionReport.objects.filter(decision_id=pk)
        .order_by("-generated_at", "-pk")
        .values("text", "generated_at")
        .first()
    )
    main = next((p for p in publications if p["text"]), publications[0])
    return {
        **_decision_row(row),
        "text": main["text"],
        "interpretation": next(
            (p["interpretation"] for p in publications if p["interpretation"]), ""
        ),
        "publications": [
            {
                "channel_label": _channel_label(p["channel"]),
                "reference": p["reference"],
                "reference_is_link": _is_link(p["reference"]),
                "published_on": p["published_on"],
                "doc_number": p["doc_number"],
            }
            for p in publications
        ],
        "adoption_report": report["text"] if report else "",
        "participation_exempt": bool(row["participation_exempt_basis"]),
        "adoption_report_on": report["generated_at"] if report else None,
        "consultations": [
            _consultation_row(c)
            for c in _public_consultations().filter(decision_id=pk).values(*CONSULTATION_FIELDS)
        ],
    }


# ---- catalogues ---------------------------------------------------------------------------


def public_years() -> list[int]:
    """Years that have a published catalogue or a published decision, newest first."""
    years = set(
        Catalogue.objects.filter(state=CatalogueState.PUBLISHED).values_list("year", flat=True)
    )
    years |= set(_public_decisions().values_list("year", flat=True))
    return sorted(years, reverse=True)


def public_catalogues(year: int) -> list[dict]:
    """The published catalogue versions of a year, per decision organ newest version first;
    the newest of each organ is the one in force. Two queries."""
    catalogues = list(
        Catalogue.objects.filter(state=CatalogueState.PUBLISHED, year=year)
        .order_by("owner__path", "-number")
        .values(
            "pk",
            "owner_id",
            "owner__name",
            "title",
            "number",
            "party_approved_on",
            "party_approval_doc",
            "published_at",
            "adjustment_note",
        )
    )
    items: dict[int, list[dict]] = {c["pk"]: [] for c in catalogues}
    rows = (
        CatalogueItem.objects.filter(catalogue_id__in=items)
        .order_by("catalogue_id", "seq")
        .values(
            "pk",
            "catalogue_id",
            "seq",
            "title",
            "category",
            "undertaking_unit__name",
            "planned_quarter",
        )
    )
    for row in rows:
        items[row["catalogue_id"]].append(
            {
                "id": row["pk"],
                "seq": row["seq"],
                "title": row["title"],
                "category_label": str(Category(row["category"]).label),
                "undertaking_unit": row["undertaking_unit__name"] or "",
                "planned": row["planned_quarter"],
            }
        )
    seen_owners: set[int] = set()
    result = []
    for c in catalogues:
        result.append(
            {
                "owner": c["owner__name"],
                "title": c["title"],
                "number": c["number"],
                "current": c["owner_id"] not in seen_owners,
                "approved_on": c["party_approved_on"],
                "approval_doc": c["party_approval_doc"],
                "published_at": c["published_at"],
                "adjustment_note": c["adjustment_note"],
                "items": items[c["pk"]],
            }
        )
        seen_owners.add(c["owner_id"])
    return result


# ---- consultations ------------------------------------------------------------------------


def _public_consultations():
    """Consultations the public may see (published: open or closed, never a draft), with the
    count of their moderated comments."""
    return (
        Consultation.objects.filter(state__in=PUBLIC_CONSULTATION_STATES)
        .annotate(
            published_comments=Count("comments", filter=Q(comments__state=CommentState.PUBLISHED))
        )
        .order_by("-start_date", "-pk")
    )


CONSULTATION_FIELDS = (
    "pk",
    "title",
    "state",
    "start_date",
    "end_date",
    "shortening_reason",
    "channel",
    "media",
    "decision__code",
    "decision__title",
    "decision__owner__name",
    "published_comments",
)


def _phase(state: str, start: dt.date, end: dt.date, today: dt.date) -> str:
    """open (accepting comments), upcoming (published, not yet started) or closed."""
    if state != ConsultationState.OPEN or end < today:
        return "closed"
    if start > today:
        return "upcoming"
    return "open"


PHASE_LABELS = {
    "open": pgettext_lazy("public portal", "征求意见中"),
    "upcoming": pgettext_lazy("public portal", "尚未开始"),
    "closed": pgettext_lazy("public portal", "已截止"),
}


def _consultation_row(row: dict, today: dt.date | None = None) -> dict:
    phase = _phase(row["state"], row["start_date"], row["end_date"], today or _today())
    return {
        "id": row["pk"],
        "title": row["title"],
        "phase": phase,
        "phase_label": str(PHASE_LABELS[phase]),
        "accepting": phase == "open",
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "shortening_reason": row["shortening_reason"],
        "channel": row["channel"],
        "media": row["media"],
        "decision_code": row["decision__code"],
        "decision_title": row["decision__title"],
        "owner": row["decision__owner__name"],
        "comment_count": row["published_comments"],
    }


def open_consultations() -> list[dict]:
    """Published consultations whose deadline has not passed (accepting, or about to)."""
    today = _today()
    rows = _public_consultations().filter(state=ConsultationState.OPEN, end_date__gte=today)
    return [_consultation_row(r, today) for r in rows.values(*CONSULTATION_FIELDS)]


def recent_closed_consultations() -> list[dict]:
    """Consultations closed, or past their deadline, within the last RECENT_DAYS days."""
    today = _today()
    rows = _public_consultations().filter(
        Q(state=ConsultationState.CLOSED) | Q(end_date__lt=today),
        end_date__gte=today - dt.timedelta(days=RECENT_DAYS),
    )
    rows = rows.order_by("-end_date", "-pk")
    return [_consultation_row(r, today) for r in rows.values(*CONSULTATION_FIELDS)]


def open_consultation_count() -> int:
    return (
        _public_consultations().filter(state=ConsultationState.OPEN, end_date__gte=_today()).count()
    )


def public_consultation(pk) -> dict:
    """One published consultation: the notice (draft text, explanation, channel, dates, the
    shortening reason) — NotFound for a draft or a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    if not 0 < pk < 2**63:  # a 30-digit id would overflow the database integer
        raise NotFound(pgettext("public portal", "该征求意见不存在或尚未发布"))
    row = (
        _public_consultations()
        .filter(pk=pk)
        .values(*CONSULTATION_FIELDS, "explanation", "draft__text", "draft__explanation")
        .first()
    )
    if row is None:
        raise NotFound(pgettext("public portal", "该征求意见不存在或尚未发布"))
    return {
        **_consultation_row(row),
        "explanation": row["explanation"],
        "draft_text": row["draft__text"],
        "draft_explanation": row["draft__explanation"],
    }


def published_comments(consultation_id: int):
    """The moderated comments of a consultation, oldest first, as rows: the body and the
    dates only (the sender's name, contact and address are never shown)."""
    return (
        PublicComment.objects.filter(consultation_id=consultation_id, state=CommentState.PUBLISHED)
        .order_by("submitted_at", "pk")
        .values("pk", "body", "submitted_at", "moderated_at")
    )
