"""Reads for the case desk and the case list: the filtered, scoped list of cases and the gates'
facts and the clocks of a whole page of cases in a fixed number of queries (the desk shows each
row's next step, its blockers and its most urgent clock — the same words as the case page)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from ganchao.common import workdays
from ganchao.enforcement import clocks as clock_rules
from ganchao.enforcement import gates, selectors
from ganchao.enforcement.choices import (
    OPEN_STAGES,
    ActionKind,
    ClockState,
    DeliveryMethod,
    MajorReason,
    PartyKind,
    PenaltyKind,
    ReviewState,
    Stage,
    StatementKind,
    Step,
    TaskState,
    ViolationKind,
)
from ganchao.enforcement.models import (
    Action,
    CaseDecision,
    CaseRecord,
    CollectiveDiscussion,
    Delivery,
    Execution,
    Hearing,
    LegalReview,
    PartyStatement,
    PenaltyNotice,
    PublicationTask,
    settings_get,
)

# The desk shows open cases; the 全部案件 tab shows every case, closed and withdrawn included.
DESK_STAGES = sorted(OPEN_STAGES)
# The order clocks are urgent in: overdue first, then due soon, then running.
URGENCY = {ClockState.OVERDUE: 0, ClockState.DUE_SOON: 1, ClockState.RUNNING: 2}


def case_list(
    actor,
    *,
    open_only=True,
    stage="",
    agency=None,
    violation="",
    q="",
    major_only=False,
    overdue_only=False,
    today: dt.date | None = None,
):
    """The actor's cases (open ones only unless `open_only` is false), filtered: stage, agency
    id, violation kind, text (code, title, party, place), major by B8 (major_q) and with a clock
    past due (overdue_q)."""
    rows = selectors.cases_visible(actor)
    if open_only:
        rows = rows.filter(stage__in=DESK_STAGES)
    if stage and stage in Stage.values:
        rows = rows.filter(stage=stage)
    if agency:
        rows = rows.filter(agency_id=agency)
    if violation and violation in ViolationKind.values:
        rows = rows.filter(violation=violation)
    if q:
        rows = rows.filter(
            Q(code__icontains=q)
            | Q(title__icontains=q)
            | Q(party_name__icontains=q)
            | Q(place__icontains=q)
        )
    if major_only:
        rows = rows.filter(major_q())
    if overdue_only:
        rows = rows.filter(overdue_q(today or timezone.localdate()))
    return rows.select_related("agency", "matter").order_by("-filed_on", "-id")


def major_q() -> Q:
    """B8 as a query: the fine thresholds of the settings, the penalties, the flags and a
    hearing held (gates.major_reasons)."""
    t = selectors.thresholds()
    query = Q(manual_major=True) | Q(major_public_interest=True) | Q(multiple_legal_relations=True)
    query |= Q(party_kind=PartyKind.PERSON, proposed_fine__gte=t.fine_person)
    query |= Q(party_kind=PartyKind.ORGANISATION, proposed_fine__gte=t.fine_organisation)
    if t.revoke_licence:
        query |= Q(proposed_penalties__icontains=f'"{PenaltyKind.REVOKE_LICENCE}"')
    if t.stop_production:
        query |= Q(proposed_penalties__icontains=f'"{PenaltyKind.STOP_PRODUCTION}"')
    query |= Q(pk__in=Hearing.objects.filter(held_on__isnull=False).values("case_id"))
    return query


def _cutoff(today: dt.date, n: int) -> dt.date:
    """The latest day d with add_working_days(d, n) before today: a clock that runs n working
    days from d (or ends |n| working days before d) is overdue when its day is on or before it."""
    day = today + dt.timedelta(days=max(0, -n) * 3 + 15)
    while workdays.add_working_days(day, n) >= today:
        day -= dt.timedelta(days=1)
    return day


def overdue_q(today: dt.date) -> Q:
    """The cases with a clock past due (clocks.clocks_for as a query, on the working-day
    calendar): no decision 90 days after filing, a decision not delivered, a hearing not
    notified, preserved evidence not dealt with, a legal review or a publication task late."""
    s = settings_get()
    with workdays.calendar_session():
        deliver = _cutoff(today, s.deliver_working_days)
        notice = _cutoff(today, -s.hearing_notice_working_days)
        preserve = _cutoff(today, s.preservation_working_days)
    preserved_before = timezone.make_aware(
        dt.datetime.combine(preserve + dt.timedelta(days=1), dt.time.min)
    )
    query = Q(filed_on__lt=today - dt.timedelta(days=s.decide_calendar_days)) & ~Q(
        pk__in=CaseDecision.objects.values("case_id")
    )
    query |= Q(
        pk__in=CaseDecision.objects.filter(decided_on__lte=deliver)
        .exclude(case__deliveries__isnull=False)
        .values("case_id")
    )
    query |= Q(
        pk__in=Hearing.objects.filter(scheduled_on__lte=notice, notified_on__isnull=True).values(
            "case_id"
        )
    )
    query |= Q(
        pk__in=Action.objects.filter(
            kind=ActionKind.PRESERVATION, started_at__lt=preserved_before, resolved_on__isnull=True
        ).values("case_id")
    )
    query |= Q(
        pk__in=LegalReview.objects.filter(due__lt=today, concluded_at__isnull=True).values(
            "case_id"
        )
    )
    query |= Q(
        pk__in=PublicationTask.objects.filter(due__lt=today, done_at__isnull=True)
        .exclude(state=TaskState.EXEMPT)
        .values("case_id")
    )
    return query


def stage_counts(actor) -> dict[str, int]:
    """{stage: number of the actor's open cases in it}."""
    rows = (
        selectors.cases_visible(actor)
        .filter(stage__in=DESK_STAGES)
        .order_by()
        .values("stage")
        .annotate(n=Count("id", distinct=True))
    )
    return {row["stage"]: row["n"] for row in rows}


# ---- facts and clocks of a page -------------------------------------------------------------


def _by_case(rows, key="case_id"):
    out = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


class CasePage:
    """The records of a page of cases, each read once for all of them."""

    def __init__(self, cases):
        ids = [c.pk for c in cases]
        self.settings = settings_get()
        self.records = defaultdict(dict)
        for case_id, stage, n in (
            CaseRecord.objects.filter(case_id__in=ids)
            .order_by()
            .values("case_id", "stage")
            .annotate(n=Count("id"))
            .values_list("case_id", "stage", "n")
        ):
            self.records[case_id][stage] = n
        self.policies = selectors.av_policies()
        self.actions = _by_case(
            Action.objects.filter(case_id__in=ids).prefetch_related(
                "officers__matters", "files", "gaps"
            )
        )
        self.notices = _by_case(
            PenaltyNotice.objects.filter(case_id__in=ids).order_by("-served_on", "-id")
        )
        self.statements = _by_case(PartyStatement.objects.filter(case_id__in=ids))
        self.hearings = _by_case(Hearing.objects.filter(case_id__in=ids))
        self.reviews = _by_case(LegalReview.objects.filter(case_id__in=ids).order_by("round"))
        self.discussions = _by_case(CollectiveDiscussion.objects.filter(case_id__in=ids))
        self.decisions = {d.case_id: d for d in CaseDecision.objects.filter(case_id__in=ids)}
        self.deliveries = _by_case(Delivery.objects.filter(case_id__in=ids))
        self.executed = set(
            Execution.objects.filter(case_id__in=ids).values_list("case_id", flat=True)
        )
        self.tasks = _by_case(PublicationTask.objects.filter(case_id__in=ids).order_by("due", "id"))


def facts_of(case, page: CasePage, today: dt.date) -> gates.CaseFacts:
    """The gates' facts of one case from the page's records (selectors.case_facts is this for a
    page of one)."""
    k = case.pk
    settings = page.settings
    notices = page.notices[k]
    notice = notices[0] if notices else None
    statements = [s.kind for s in page.statements[k]]
    hearings = page.hearings[k]
    reviews = page.reviews[k]
    latest = reviews[-1] if reviews else None
    passed_at = latest.concluded_at if latest and latest.state == ReviewState.PASSED else None
    discussions = page.discussions[k]
    decision = page.decisions.get(k)
    deliveries = page.deliveries[k]
    hearing_request_due = None
    if notice is not None:
        hearing_request_due = workdays.add_working_days(
            notice.served_on, settings.hearing_request_working_days
        )
    collective_after = any(
        passed_at is None or d.held_on >= timezone.localtime(passed_at).date() for d in discussions
    )
    return gates.CaseFacts(
        stage=case.stage,
        category=case.matter.category,
        party_kind=case.party_kind,
        visited=list(case.visited or []),
        today=today,
        records_by_stage=dict(page.records[k]),
        actions=[selectors.action_facts(a, page.policies, case.matter_id) for a in page.actions[k]],
        proposed_penalties=list(case.proposed_penalties or []),
        proposed_fine=case.proposed_fine,
        proposed_summary=case.proposed_summary,
        manual_major=case.manual_major,
        major_public_interest=case.major_public_interest,
        multiple_legal_relations=case.multiple_legal_relations,
        complex=case.complex,
        thresholds=selectors.thresholds(settings),
        notice_served_on=notice.served_on if notice else None,
        hearing_right=bool(notice and notice.hearing_right),
        hearing_request_due=hearing_request_due,
        statement_kinds=statements,
        hearing_requested=bool(hearings) or StatementKind.HEARING_REQUEST in statements,
        hearing_held=any(h.held_on for h in hearings),
        review_state=latest.state if latest else "",
        review_pending=bool(
            latest and latest.state in (ReviewState.SUBMITTED, ReviewState.ASSIGNED)
        ),
        review_passed_at=passed_at,
        collective_after_review=bool(discussions) and collective_after,
        collective_held=bool(discussions),
        decision_kind=decision.kind if decision else "",
        decision_missing=selectors.document_missing(decision) if decision else [],
        social_impact_set=bool(decision and decision.social_impact is not None),
        issued=bool(decision and decision.issued_at),
        delivered=bool(deliveries),
        electronic_without_consent=any(
            d.method == DeliveryMethod.ELECTRONIC and not d.consent_file_id for d in deliveries
        ),
        executed=k in page.executed,
    )


def clock_dates_of(case, page: CasePage) -> clock_rules.ClockDates:
    """The clocks' dates of one case from the page's records."""
    k = case.pk
    s = page.settings
    notices = page.notices[k]
    notice = notices[0] if notices else None
    statements = sorted(page.statements[k], key=lambda st: st.received_on)
    statement = statements[0] if statements else None
    hearings = sorted(page.hearings[k], key=lambda h: (h.requested_on, h.pk), reverse=True)
    hearing = hearings[0] if hearings else None
    decision = page.decisions.get(k)
    deliveries = sorted(page.deliveries[k], key=lambda d: d.delivered_on)
    delivery = deliveries[0] if deliveries else None
    due_reviews = [r for r in page.reviews[k] if r.due is not None]
    review = due_reviews[-1] if due_reviews else None
    preservations = [
        (timezone.localtime(a.started_at).date(), a.resolved_on)
        for a in page.actions[k]
        if a.kind == ActionKind.PRESERVATION
    ]
    tasks = [
        (
            t.kind,
            t.due,
            timezone.localtime(t.done_at).date() if t.done_at else None,
            t.state == TaskState.EXEMPT,
        )
        for t in page.tasks[k]
    ]
    return clock_rules.ClockDates(
        filed_on=case.filed_on,
        decide_days=s.decide_calendar_days,
        deliver_days=s.deliver_working_days,
        hearing_request_days=s.hearing_request_working_days,
        hearing_notice_days=s.hearing_notice_working_days,
        preservation_days=s.preservation_working_days,
        decided_on=decision.decided_on if decision else None,
        delivered_on=delivery.delivered_on if delivery else None,
        notice_served_on=notice.served_on if notice else None,
        hearing_right=bool(notice and notice.hearing_right),
        hearing_requested_on=hearing.requested_on if hearing else None,
        statement_on=statement.received_on if statement else None,
        hearing_scheduled_on=hearing.scheduled_on if hearing else None,
        hearing_notified_on=hearing.notified_on if hearing else None,
        preservations=preservations,
        review=(
            review.due,
            timezone.localtime(review.concluded_at).date() if review.concluded_at else None,
        )
        if review
        else None,
        tasks=tasks,
        closed=case.stage in (Stage.CLOSED, Stage.WITHDRAWN),
    )


def facts_many(
    cases, today: dt.date | None = None
) -> dict[int, tuple[gates.CaseFacts, list[clock_rules.Clock]]]:
    """{case id: (facts, clocks)} for a page of cases (with matter selected), in a fixed number
    of queries: the same facts as selectors.case_facts and the same clocks as
    selectors.case_clocks, case by case."""
    cases = list(cases)
    if not cases:
        return {}
    today = today or timezone.localdate()
    with workdays.calendar_session():
        page = CasePage(cases)
        return {
            c.pk: (facts_of(c, page, today), clock_rules.clocks_for(clock_dates_of(c, page), today))
            for c in cases
        }


def most_urgent(clocks: list[clock_rules.Clock]) -> clock_rules.Clock | None:
    """The open clock to look at first: overdue before due soon before running, then the
    earliest due."""
    running = [c for c in clocks if c.state in URGENCY]
    if not running:
        return None
    return min(running, key=lambda c: (URGENCY[c.state], c.due))


def next_step_label(facts: gates.CaseFacts) -> str:
    step = gates.next_step(facts.stage, facts)
    return str(Step(step).label) if step else ""


def major_labels(facts: gates.CaseFacts) -> list[str]:
    return [str(MajorReason(r).label) for r in facts.major_reasons]
