"""Reads of the procedure after the investigation (B9, B11): the notices, the party's
statements, the hearings with their two B11 clocks, the decision, deliveries, executions and
the preservations waiting for a decision — in a fixed number of queries per case."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.enforcement import clocks as clock_rules
from ganchao.enforcement.choices import ActionKind, ClockState
from ganchao.enforcement.models import (
    Action,
    CaseDecision,
    Delivery,
    Execution,
    Hearing,
    PartyStatement,
    PenaltyNotice,
    settings_get,
)
from ganchao.enforcement.selectors import case_get, cases_visible


def _state_label(state: str) -> str:
    return str(ClockState(state).label) if state else ""


@dataclass
class HearingRow:
    hearing: Hearing
    # Art. 64: asked for within 5 working days of the notice; told 7 working days ahead.
    request_due: dt.date | None
    request_state: str
    notice_due: dt.date | None
    notice_state: str

    @property
    def request_label(self) -> str:
        return _state_label(self.request_state)

    @property
    def notice_label(self) -> str:
        return _state_label(self.notice_state)


@dataclass
class PreservationRow:
    action: Action
    started_on: dt.date
    due: dt.date
    state: str

    @property
    def label(self) -> str:
        return _state_label(self.state)


@dataclass
class Procedure:
    notices: list[PenaltyNotice] = field(default_factory=list)
    hearing_request_due: dt.date | None = None
    statements: list[PartyStatement] = field(default_factory=list)
    hearings: list[HearingRow] = field(default_factory=list)
    decision: CaseDecision | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    executions: list[Execution] = field(default_factory=list)
    preservations: list[PreservationRow] = field(default_factory=list)

    @property
    def notice(self) -> PenaltyNotice | None:
        return self.notices[-1] if self.notices else None

    @property
    def open_hearing(self) -> Hearing | None:
        return next((r.hearing for r in self.hearings if not r.hearing.held_on), None)


def _hearing_row(hearing, request_due, settings, today) -> HearingRow:
    if request_due is None:
        request_state = ""
    else:
        request_state = ClockState.MET if hearing.requested_on <= request_due else ClockState.LATE
    notice_due = notice_state = None
    if hearing.scheduled_on:
        notice_due = workdays.add_working_days(
            hearing.scheduled_on, -settings.hearing_notice_working_days
        )
        notice_state = clock_rules.state_of(notice_due, hearing.notified_on, today)
    return HearingRow(hearing, request_due, request_state, notice_due, notice_state or "")


def procedure_of(case, today: dt.date | None = None) -> Procedure:
    """The procedure records of one case (8 queries)."""
    settings = settings_get()
    today = today or timezone.localdate()
    notices = list(PenaltyNotice.objects.filter(case=case).order_by("served_on", "id"))
    with workdays.calendar_session():
        request_due = None
        if notices:
            request_due = workdays.add_working_days(
                notices[-1].served_on, settings.hearing_request_working_days
            )
        hearings = [
            _hearing_row(h, request_due, settings, today)
            for h in Hearing.objects.filter(case=case).order_by("requested_on", "id")
        ]
        preservations = []
        for action in Action.objects.filter(case=case, kind=ActionKind.PRESERVATION).order_by(
            "started_at", "id"
        ):
            started = timezone.localtime(action.started_at).date()
            due = workdays.add_working_days(started, settings.preservation_working_days)
            state = clock_rules.state_of(due, action.resolved_on, today)
            preservations.append(PreservationRow(action, started, due, state))
    return Procedure(
        notices=notices,
        hearing_request_due=request_due,
        statements=list(
            PartyStatement.objects.filter(case=case)
            .select_related("created_by")
            .order_by("received_on", "id")
        ),
        hearings=hearings,
        decision=CaseDecision.objects.filter(case=case).select_related("decided_by").first(),
        deliveries=list(
            Delivery.objects.filter(case=case)
            .select_related("consent_file")
            .order_by("delivered_on", "id")
        ),
        executions=list(Execution.objects.filter(case=case).order_by("done_on", "id")),
        preservations=preservations,
    )


def hearing_get(actor, hearing_id: int) -> Hearing:
    """A hearing of a case the actor can see (404 otherwise)."""
    hearing = (
        Hearing.objects.filter(pk=hearing_id, case__in=cases_visible(actor))
        .select_related("case")
        .first()
    )
    if hearing is None:
        raise NotFound(_("听证不存在或无权查看"))
    return hearing


def action_get(actor, action_id: int) -> Action:
    action = (
        Action.objects.filter(pk=action_id, case__in=cases_visible(actor))
        .select_related("case")
        .first()
    )
    if action is None:
        raise NotFound(_("执法活动不存在或无权查看"))
    return action


__all__ = ["Procedure", "action_get", "case_get", "hearing_get", "procedure_of"]
