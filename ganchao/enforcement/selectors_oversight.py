"""Reads of the oversight slice (B11, B13 and the mechanism's warnings), scoped to the actor
and batched: the clocks of many cases in a fixed number of queries, the warnings 以罚代管,
屡禁不止 and 监管缺位 as plain rows, the annual figures, and the agency dashboard."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common import workdays
from ganchao.enforcement import clocks as clock_rules
from ganchao.enforcement.choices import (
    ActionKind,
    ClockState,
    DecisionKind,
    MatterCategory,
    OutcomeKind,
    ReviewState,
    Stage,
    TaskKind,
    TaskState,
    ViolationKind,
)
from ganchao.enforcement.models import (
    Action,
    Agency,
    AnnualReport,
    Case,
    CaseDecision,
    ClockAlert,
    Complaint,
    DecisionOutcome,
    Delivery,
    Hearing,
    Inspection,
    LegalReview,
    PartyStatement,
    PenaltyNotice,
    PublicationTask,
    settings_get,
)
from ganchao.orgs.scoping import scope_of

CLOSED_STAGES = (Stage.CLOSED, Stage.WITHDRAWN)
DECIDED_STAGES = (Stage.DECIDED, Stage.SERVED, Stage.EXECUTING, Stage.CLOSED)
RECTIFY_AFTER_DAYS = 30  # 以罚代管: no rectification verified 30 days after a fine
BATCH = 500
CENTS = Decimal("0.01")
ANNUAL_DUE = (1, 31)  # B13: the previous year's figures are public by 31 January


# ---- scope -----------------------------------------------------------------------------------


def agencies_visible(actor):
    """The agencies in the actor's read scope (the office and the city's leaders: all)."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return Agency.objects.none()
    return Agency.objects.filter(scope.units_q("unit__")).select_related("unit")


def agency_get(actor, agency_id) -> Agency | None:
    return agencies_visible(actor).filter(pk=agency_id).first()


def complaints_visible(actor, agency=None):
    rows = Complaint.objects.filter(agency__in=agencies_visible(actor)).select_related(
        "agency", "created_by"
    )
    return rows.filter(agency=agency) if agency is not None else rows


def complaint_get(actor, complaint_id: int) -> Complaint:
    from ganchao.common.errors import NotFound

    row = complaints_visible(actor).filter(pk=complaint_id).first()
    if row is None:
        raise NotFound(_("投诉举报不存在或无权查看"))
    return row


def inspections_visible(actor, agency=None):
    rows = Inspection.objects.filter(agency__in=agencies_visible(actor)).select_related(
        "agency", "matter", "case", "created_by"
    )
    return rows.filter(agency=agency) if agency is not None else rows


def annual_reports_visible(actor, agency=None):
    rows = AnnualReport.objects.filter(agency__in=agencies_visible(actor)).select_related(
        "agency", "published_by"
    )
    return rows.filter(agency=agency) if agency is not None else rows


# ---- clocks of many cases (B11) --------------------------------------------------------------


def _chunks(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _first_by_case(rows) -> dict:
    """case id → the first row of each case in the rows' order."""
    found = {}
    for row in rows:
        found.setdefault(row[0], row)
    return found


def clock_dates_many(cases, settings=None) -> dict[int, clock_rules.ClockDates]:
    """case id → ClockDates, as selectors.clock_dates builds them for one case, in eight
    queries per 500 cases whatever their number."""
    from django.utils import timezone

    s = settings or settings_get()
    result = {}
    by_id = {c.pk: c for c in cases}
    for ids in _chunks(sorted(by_id)):
        notices = _first_by_case(
            PenaltyNotice.objects.filter(case_id__in=ids)
            .order_by("case_id", "-served_on", "-id")
            .values_list("case_id", "served_on", "hearing_right")
        )
        statements = _first_by_case(
            PartyStatement.objects.filter(case_id__in=ids)
            .order_by("case_id", "received_on", "id")
            .values_list("case_id", "received_on")
        )
        hearings = _first_by_case(
            Hearing.objects.filter(case_id__in=ids)
            .order_by("case_id", "-requested_on", "-id")
            .values_list("case_id", "requested_on", "scheduled_on", "notified_on")
        )
        decisions = dict(
            CaseDecision.objects.filter(case_id__in=ids).values_list("case_id", "decided_on")
        )
        deliveries = _first_by_case(
            Delivery.objects.filter(case_id__in=ids)
            .order_by("case_id", "delivered_on", "id")
            .values_list("case_id", "delivered_on")
        )
        reviews = _first_by_case(
            LegalReview.objects.filter(case_id__in=ids, due__isnull=False)
            .order_by("case_id", "-round")
            .values_list("case_id", "due", "concluded_at")
        )
        preservations = defaultdict(list)
        for case_id, started_at, resolved_on in (
            Action.objects.filter(case_id__in=ids, kind=ActionKind.PRESERVATION)
            .order_by("case_id", "started_at", "id")
            .values_list("case_id", "started_at", "resolved_on")
        ):
            preservations[case_id].append((timezone.localtime(started_at).date(), resolved_on))
        tasks = defaultdict(list)
        for case_id, kind, due, done_at, state in (
            PublicationTask.objects.filter(case_id__in=ids)
            .order_by("case_id", "due", "id")
            .values_list("case_id", "kind", "due", "done_at", "state")
        ):
            done = timezone.localtime(done_at).date() if done_at else None
            tasks[case_id].append((kind, due, done, state == TaskState.EXEMPT))
        for case_id in ids:
            case = by_id[case_id]
            notice = notices.get(case_id)
            hearing = hearings.get(case_id)
            review = reviews.get(case_id)
            result[case_id] = clock_rules.ClockDates(
                filed_on=case.filed_on,
                decide_days=s.decide_calendar_days,
                deliver_days=s.deliver_working_days,
                hearing_request_days=s.hearing_request_working_days,
                hearing_notice_days=s.hearing_notice_working_days,
                preservation_days=s.preservation_working_days,
                decided_on=decisions.get(case_id),
                delivered_on=deliveries[case_id][1] if case_id in deliveries else None,
                notice_served_on=notice[1] if notice else None,
                hearing_right=bool(notice and notice[2]),
                hearing_requested_on=hearing[1] if hearing else None,
                statement_on=statements[case_id][1] if case_id in statements else None,
                hearing_scheduled_on=hearing[2] if hearing else None,
                hearing_notified_on=hearing[3] if hearing else None,
                preservations=preservations.get(case_id, []),
                review=(
                    review[1],
                    timezone.localtime(review[2]).date() if review[2] else None,
                )
                if review
                else None,
                tasks=tasks.get(case_id, []),
                closed=case.stage in CLOSED_STAGES,
            )
    return result


def clocks_many(cases, today: dt.date, settings=None) -> dict[int, list[clock_rules.Clock]]:
    """case id → its clocks as of `today` (see clock_dates_many)."""
    dates = clock_dates_many(cases, settings)
    with workdays.calendar_session():
        return {case_id: clock_rules.clocks_for(d, today) for case_id, d in dates.items()}


@dataclass(frozen=True)
class OverdueClock:
    case_id: int
    code: str
    title: str
    agency: str
    clock: str
    label: str
    due: dt.date
    days_over: int
    alerts: tuple = ()  # ((level, level label, date), …)


def open_cases(agencies):
    return (
        Case.objects.filter(agency__in=agencies)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("agency")
        .only("id", "code", "title", "filed_on", "stage", "agency__name", "agency__unit_id")
    )


def overdue_clocks(agencies, today: dt.date) -> list[OverdueClock]:
    """Each overdue clock of the agencies' open cases with the 催办 / 督办 it has raised."""
    cases = list(open_cases(agencies))
    by_id = {c.pk: c for c in cases}
    found = [
        (by_id[case_id], clock)
        for case_id, case_clocks in clocks_many(cases, today).items()
        for clock in case_clocks
        if clock.state == ClockState.OVERDUE
    ]
    alerts = defaultdict(list)
    if found:
        from django.utils import timezone

        for case_id, name, due, level, at in (
            ClockAlert.objects.filter(case_id__in={c.pk for c, _clock in found})
            .order_by("at", "id")
            .values_list("case_id", "clock", "due", "level", "at")
        ):
            alerts[(case_id, name, due)].append(
                (level, _level_label(level), timezone.localtime(at).date())
            )
    rows = [
        OverdueClock(
            case.pk,
            case.code,
            case.title,
            case.agency.name,
            clock.name,
            clock.label,
            clock.due,
            (today - clock.due).days,
            tuple(alerts.get((case.pk, clock.name, clock.due), ())),
        )
        for case, clock in found
    ]
    return sorted(rows, key=lambda r: (r.due, r.code))


def _level_label(level: int) -> str:
    from ganchao.supervision.choices import Level

    return str(Level(level).label)


# ---- warnings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRef:
    id: int
    code: str
    title: str
    filed_on: dt.date
    agency: str


@dataclass(frozen=True)
class UnrectifiedFine:
    """以罚代管: a fine with rectification ordered and none verified 30 days on."""

    case: CaseRef
    decided_on: dt.date
    fine: Decimal | None
    days: int


def unrectified_fines(cases, today: dt.date) -> list[UnrectifiedFine]:
    """Decided cases fined with rectification required and `rectified_on` still empty 30 days
    after the decision (罚而不管, 以罚代管)."""
    limit = today - dt.timedelta(days=RECTIFY_AFTER_DAYS)
    rows = (
        cases.filter(
            stage__in=DECIDED_STAGES,
            rectification_required=True,
            rectified_on__isnull=True,
            decision__decided_on__lte=limit,
            decision__kind=DecisionKind.PENALTY,
            decision__fine__gt=0,
        )
        .values_list(
            "id", "code", "title", "filed_on", "agency__name", "decision__decided_on",
            "decision__fine",
        )
        .order_by("decision__decided_on", "id")
    )  # fmt: skip
    return [
        UnrectifiedFine(
            CaseRef(pk, code, title, filed_on, agency), decided_on, fine, (today - decided_on).days
        )
        for pk, code, title, filed_on, agency, decided_on, fine in rows
    ]


@dataclass(frozen=True)
class RepeatOffence:
    """屡禁不止: one place or one party with two or more cases of the same violation within
    the window. The problem ledger (DESIGN.md 3.14, issue 14) will link its recurrences here;
    `kind`, `key` and the case ids are what it needs."""

    kind: str  # "place" | "party"
    key: str
    label: str  # the place, or the party's name (never its ID number)
    violation: str
    violation_label: str
    cases: tuple[CaseRef, ...] = field(default_factory=tuple)

    @property
    def first_on(self) -> dt.date:
        return self.cases[0].filed_on

    @property
    def last_on(self) -> dt.date:
        return self.cases[-1].filed_on

    @property
    def kind_label(self) -> str:
        return _("同一地点") if self.kind == "place" else _("同一当事人")


REPEAT_FIELDS = (
    "id", "code", "title", "filed_on", "agency__name", "violation", "place", "place_key",
    "party_id_no", "party_name",
)  # fmt: skip


def _party_key(id_no: str, name: str) -> str:
    return (id_no or "").strip().upper() or (name or "").strip()


def _keys(row) -> list[tuple[str, str, str]]:
    """(kind, key, label) of a case row: its place and its party."""
    _pk, _code, _title, _filed, _agency, _violation, place, place_key, id_no, name = row
    keys = []
    if place_key:
        keys.append(("place", place_key, place))
    party = _party_key(id_no, name)
    if party:
        keys.append(("party", party, name))
    return keys


def _clusters(rows, window: int):
    """Group case rows (sorted by filed_on) by (kind, key, violation) and cut each group where
    two consecutive cases are more than `window` days apart; keep clusters of two or more."""
    groups = defaultdict(list)
    labels = {}
    for row in rows:
        for kind, key, label in _keys(row):
            groups[(kind, key, row[5])].append(row)
            labels.setdefault((kind, key, row[5]), label)
    for group_key, members in groups.items():
        cluster = [members[0]]
        for row in members[1:]:
            if (row[3] - cluster[-1][3]).days <= window:
                cluster.append(row)
                continue
            if len(cluster) > 1:
                yield group_key, labels[group_key], cluster
            cluster = [row]
        if len(cluster) > 1:
            yield group_key, labels[group_key], cluster


def repeat_offences(cases, today: dt.date, settings=None) -> list[RepeatOffence]:
    """屡禁不止 among `cases` (a queryset), for the clusters with a case filed in the last window
    days: the place or party, the violation, and the linked cases with their dates.
    The problem ledger (DESIGN.md 3.14) does not exist yet (issue 14); it will link a
    recurring problem to these rows by (kind, key, violation)."""
    window = (settings or settings_get()).repeat_window_days
    since = today - dt.timedelta(days=2 * window)
    rows = list(
        cases.exclude(stage=Stage.WITHDRAWN)
        .filter(filed_on__gte=since, filed_on__lte=today)
        .order_by("filed_on", "id")
        .values_list(*REPEAT_FIELDS)
    )
    recent = today - dt.timedelta(days=window)
    found = []
    for (kind, key, violation), label, cluster in _clusters(rows, window):
        if cluster[-1][3] < recent:
            continue
        found.append(_offence(kind, key, label, violation, cluster))
    return sorted(found, key=lambda r: (r.last_on, r.key), reverse=True)


def _offence(kind, key, label, violation, cluster) -> RepeatOffence:
    return RepeatOffence(
        kind,
        key,
        label,
        violation,
        str(ViolationKind(violation).label) if violation in ViolationKind.values else violation,
        tuple(CaseRef(r[0], r[1], r[2], r[3], r[4]) for r in cluster),
    )


def repeat_offences_of_case(case: Case, settings=None) -> list[RepeatOffence]:
    """The repeat offences a case belongs to: the other cases of the same violation at its
    place or against its party within the window before or after its filing (one query)."""
    if case.stage == Stage.WITHDRAWN:
        return []
    window = (settings or settings_get()).repeat_window_days
    delta = dt.timedelta(days=window)
    party = _party_key(case.party_id_no, case.party_name)
    same = Q(place_key=case.place_key) if case.place_key else Q(pk__in=[])
    if case.party_id_no:
        # party_id_no is encrypted (LEGAL_RULES C8, deterministic): exact matches only, so the
        # spellings an ID or credit code is written in stand for iexact.
        id_no = case.party_id_no.strip()
        same |= Q(party_id_no__in={id_no, id_no.upper(), id_no.lower(), case.party_id_no})
    elif party:
        same |= Q(party_id_no="", party_name=case.party_name.strip())
    rows = list(
        Case.objects.filter(same, violation=case.violation)
        .exclude(stage=Stage.WITHDRAWN)
        .filter(filed_on__gte=case.filed_on - delta, filed_on__lte=case.filed_on + delta)
        .order_by("filed_on", "id")
        .values_list(*REPEAT_FIELDS)
    )
    found = []
    for kind, key, label in _keys(
        (case.pk, case.code, case.title, case.filed_on, "", case.violation, case.place,
         case.place_key, case.party_id_no, case.party_name)
    ):  # fmt: skip
        members = [row for row in rows if _same(kind, key, row)]
        if len(members) > 1:
            found.append(_offence(kind, key, label, case.violation, members))
    return found


def _same(kind: str, key: str, row) -> bool:
    if kind == "place":
        return row[7] == key
    return _party_key(row[8], row[9]) == key


@dataclass(frozen=True)
class SupervisionGap:
    """监管缺位: complaints about a place piling up with nobody going there."""

    place_key: str
    place: str
    agency: str
    complaints: int
    first_on: dt.date
    last_on: dt.date


def supervision_gaps(agencies, today: dt.date, settings=None) -> list[SupervisionGap]:
    """Places with at least `complaint_threshold` complaints received in the last
    `complaint_window_days` days and no inspection and no case at that place on or after the
    first of those complaints (three queries)."""
    s = settings or settings_get()
    since = today - dt.timedelta(days=s.complaint_window_days)
    by_place = defaultdict(list)
    for key, place, agency, received_on in (
        Complaint.objects.filter(agency__in=agencies, received_on__gt=since, received_on__lte=today)
        .order_by("received_on", "id")
        .values_list("place_key", "place", "agency__name", "received_on")
    ):
        by_place[key].append((place, agency, received_on))
    heavy = {key: rows for key, rows in by_place.items() if len(rows) >= s.complaint_threshold}
    if not heavy:
        return []
    visited = defaultdict(lambda: dt.date.min)
    for key, last in (
        Inspection.objects.filter(place_key__in=list(heavy))
        .values("place_key")
        .annotate(last=_max("inspected_on"))
        .values_list("place_key", "last")
    ):
        visited[key] = max(visited[key], last)
    for key, last in (
        Case.objects.filter(place_key__in=list(heavy))
        .values("place_key")
        .annotate(last=_max("filed_on"))
        .values_list("place_key", "last")
    ):
        visited[key] = max(visited[key], last)
    gaps = []
    for key, rows in heavy.items():
        first_on = rows[0][2]
        if visited[key] >= first_on:
            continue
        gaps.append(SupervisionGap(key, rows[-1][0], rows[-1][1], len(rows), first_on, rows[-1][2]))
    return sorted(gaps, key=lambda g: (-g.complaints, g.first_on))


def _max(name):
    from django.db.models import Max

    return Max(name)


# ---- B13: annual figures ---------------------------------------------------------------------


def _labelled(counts, choices) -> list[dict]:
    labels = dict(choices.choices)
    return [
        {"code": code, "label": str(labels.get(code, code)), "n": n}
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _count_by(queryset, name: str) -> dict:
    return dict(queryset.values(name).annotate(n=Count("id")).values_list(name, "n"))


def annual_figures(agency, year: int) -> dict:
    """B13: the agency's enforcement totals of `year` from case data, as plain JSON."""
    cases = Case.objects.filter(agency=agency, filed_on__year=year)
    decisions = CaseDecision.objects.filter(case__agency=agency, decided_on__year=year)
    penalties = decisions.filter(kind=DecisionKind.PENALTY)
    fines = penalties.aggregate(total=Sum("fine"), n=Count("id", filter=Q(fine__gt=0)))
    reviews = LegalReview.objects.filter(case__agency=agency, submitted_at__year=year)
    outcomes = DecisionOutcome.objects.filter(case__agency=agency, decided_on__year=year)
    tasks = PublicationTask.objects.filter(
        case__agency=agency, kind=TaskKind.PUBLISH, due__year=year
    ).values_list("due", "done_at", "state")
    publication = Counter()
    for due, done_at, state in tasks:
        publication[_publication_state(due, done_at, state)] += 1
    return {
        "year": year,
        "agency": agency.name,
        "cases_filed": cases.count(),
        "by_category": _labelled(_count_by(cases, "matter__category"), MatterCategory),
        "by_violation": _labelled(_count_by(cases, "violation"), ViolationKind),
        "cases_closed": Case.objects.filter(
            agency=agency, stage=Stage.CLOSED, closed_on__year=year
        ).count(),
        "withdrawn": cases.filter(stage=Stage.WITHDRAWN).count(),
        "decisions": decisions.count(),
        "decisions_by_kind": _labelled(_count_by(decisions, "kind"), DecisionKind),
        "penalties": penalties.count(),
        "fines": fines["n"] or 0,
        "fines_total": str(Decimal(fines["total"] or 0).quantize(CENTS)),
        "hearings": Hearing.objects.filter(case__agency=agency, held_on__year=year).count(),
        "legal_reviews": reviews.count(),
        "legal_reviews_returned": reviews.filter(state=ReviewState.RETURNED).count(),
        "outcomes": _labelled(_count_by(outcomes, "kind"), OutcomeKind),
        "publication_on_time": publication["on_time"],
        "publication_late": publication["late"],
        "publication_exempt": publication["exempt"],
        "publication_pending": publication["pending"],
    }


def _publication_state(due: dt.date, done_at, state: str) -> str:
    from django.utils import timezone

    if state == TaskState.EXEMPT:
        return "exempt"
    if done_at is None:
        return "late" if due < timezone.localdate() else "pending"
    return "on_time" if timezone.localtime(done_at).date() <= due else "late"


# The figures' scalar lines, in the order the report shows them.
FIGURE_LINES = [
    ("cases_filed", gettext_lazy("立案数")),
    ("cases_closed", gettext_lazy("结案数")),
    ("withdrawn", gettext_lazy("撤销立案数")),
    ("decisions", gettext_lazy("作出决定数")),
    ("penalties", gettext_lazy("行政处罚决定数")),
    ("fines", gettext_lazy("罚款案件数")),
    ("fines_total", gettext_lazy("罚款总额（元）")),
    ("hearings", gettext_lazy("举行听证数")),
    ("legal_reviews", gettext_lazy("法制审核数")),
    ("legal_reviews_returned", gettext_lazy("法制审核退回数")),
    ("publication_on_time", gettext_lazy("按期公示数")),
    ("publication_late", gettext_lazy("逾期公示数")),
    ("publication_exempt", gettext_lazy("经审核不予公开数")),
    ("publication_pending", gettext_lazy("待公示数")),
]
FIGURE_GROUPS = [
    ("by_category", gettext_lazy("按执法类别")),
    ("by_violation", gettext_lazy("按违法类型")),
    ("decisions_by_kind", gettext_lazy("按决定类型")),
    ("outcomes", gettext_lazy("复议、诉讼和自行纠错结果")),
]


def figure_lines(figures: dict) -> list[tuple[str, object]]:
    return [(str(label), figures.get(key, 0)) for key, label in FIGURE_LINES]


def figure_groups(figures: dict) -> list[tuple[str, list]]:
    return [(str(label), figures.get(key) or []) for key, label in FIGURE_GROUPS]


@dataclass(frozen=True)
class AnnualDue:
    """B13 reminder: an agency whose previous year's figures are not yet public."""

    agency_id: int
    agency: str
    year: int
    due: dt.date
    overdue: bool


def annual_reports_due(agencies, today: dt.date) -> list[AnnualDue]:
    """From 1 January (30 days before the 31 January due date) until the previous year's
    report is published: one row per agency without it."""
    year = today.year - 1
    due = dt.date(today.year, *ANNUAL_DUE)
    published = AnnualReport.objects.filter(agency=OuterRef("pk"), year=year)
    rows = (
        agencies.filter(active=True)
        .filter(~Exists(published))
        .order_by("name")
        .values_list("pk", "name")
    )
    return [AnnualDue(pk, name, year, due, today > due) for pk, name in rows]


# ---- the dashboard ---------------------------------------------------------------------------


def _months(queryset, date_field: str, value=None) -> list:
    """Twelve monthly figures of this year: counts, or sums of `value`."""
    rows = (
        queryset.annotate(month=ExtractMonth(date_field))
        .values("month")
        .annotate(v=Sum(value) if value else Count("id"))
        .values_list("month", "v")
    )
    months = [0] * 12
    for month, v in rows:
        months[month - 1] = v or 0
    return months


def dashboard(agencies, today: dt.date) -> dict:
    """The figures, chart data and warning lists of the dashboard for `agencies` (a queryset)."""
    s = settings_get()
    cases = Case.objects.filter(agency__in=agencies)
    year_cases = cases.filter(filed_on__year=today.year)
    decisions = CaseDecision.objects.filter(case__agency__in=agencies, decided_on__year=today.year)
    overdue = overdue_clocks(agencies, today)
    fines = unrectified_fines(cases, today)
    repeats = repeat_offences(cases, today, s)
    gaps = supervision_gaps(agencies, today, s)
    stage_counts = _count_by(cases, "stage")
    kpis = {
        "open_cases": sum(n for stage, n in stage_counts.items() if stage not in CLOSED_STAGES),
        "overdue_clocks": len(overdue),
        "overdue_tasks": PublicationTask.objects.filter(
            case__agency__in=agencies,
            state__in=(TaskState.OPEN, TaskState.EXEMPTION_REQUESTED),
            due__lt=today,
        ).count(),
        "reviews_waiting": LegalReview.objects.filter(
            case__agency__in=agencies, state__in=(ReviewState.SUBMITTED, ReviewState.ASSIGNED)
        )
        .values("case_id")
        .distinct()
        .count(),
        "unrectified": len(fines),
        "repeats": len(repeats),
        "gaps": len(gaps),
    }
    fine_months = _months(decisions.filter(kind=DecisionKind.PENALTY), "decided_on", "fine")
    charts = {
        "months": [_("%(m)d月") % {"m": m} for m in range(1, 13)],
        "filed": _months(year_cases, "filed_on"),
        "stages": _series(stage_counts, Stage),
        "violations": _series(_count_by(year_cases, "violation"), ViolationKind),
        "decisions": _series(_count_by(decisions, "kind"), DecisionKind),
        "fines": [str(Decimal(v).quantize(CENTS)) for v in fine_months],
    }
    return {
        "year": today.year,
        "kpis": kpis,
        "charts": charts,
        "overdue": overdue,
        "unrectified": fines,
        "repeats": repeats,
        "gaps": gaps,
        "annual_due": annual_reports_due(agencies, today),
        "settings": s,
    }


def _series(counts: dict, choices) -> dict:
    """{"labels", "values"} in the choices' order, only the non-zero ones."""
    labels, values = [], []
    for code, label in choices.choices:
        if counts.get(code):
            labels.append(str(label))
            values.append(counts[code])
    return {"labels": labels, "values": values}


# ---- the case page ---------------------------------------------------------------------------


def case_alerts(case: Case):
    return ClockAlert.objects.filter(case=case).select_related("leader").order_by("at", "id")


def case_unrectified(case: Case, today: dt.date) -> UnrectifiedFine | None:
    found = unrectified_fines(Case.objects.filter(pk=case.pk), today)
    return found[0] if found else None
