"""The tick's part of the problem ledger, as of the tick's `at`, insert-only (DESIGN.md 3.9, 3.14):
every problem past its 整改时限 and not 销号 climbs the escalation ladder the way enforcement's
clocks do — a 催办 (level 2) to the owner unit dated the day after the deadline, notifying its
head and liaison; once overdue for `escalate_after_working_days` working days a 督办 (level 3)
to the owner unit's leader in charge (分管领导) on that date, or the supervision office when the
unit has none. One ProblemAlert per (problem, deadline, level) — the unique constraint — so a
second tick adds nothing; each alert is also a step of the problem's timeline."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import audit_record
from ganchao.common import workdays
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.choices import Role
from ganchao.orgs.models import LeaderArea, User
from ganchao.orgs.selectors import unit_contacts
from ganchao.problems.choices import UNCLOSED_STATES, EventKind
from ganchao.problems.models import Problem, ProblemAlert, ProblemEvent
from ganchao.problems.services import settings_get
from ganchao.supervision.choices import Level

ESCALATION_ORDER = 220  # after the ladder (200) and enforcement's clocks (210)
OWNER_ROLES = (Role.UNIT_HEAD, Role.LIAISON)
ALERT_KIND = "problem_overdue"


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=workdays.SHANGHAI)


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def overdue_scan(at: dt.datetime) -> str:
    day = timezone.localtime(at).date()
    with workdays.calendar_session():
        urged, supervised = problem_alerts_raise(at=at, today=day)
    return _("问题整改逾期催办 %(u)d 条、督办 %(s)d 条") % {"u": urged, "s": supervised}


def _causes(problems, today, settings) -> list[tuple[Problem, int, dt.date]]:
    causes = []
    for problem in problems:
        overdue_on = problem.deadline + dt.timedelta(days=1)
        causes.append((problem, Level.URGE, overdue_on))
        escalate_on = workdays.add_working_days(overdue_on, settings.escalate_after_working_days)
        if escalate_on <= today:
            causes.append((problem, Level.SUPERVISE, escalate_on))
    return causes


def problem_alerts_raise(*, at: dt.datetime, today: dt.date) -> tuple[int, int]:
    """Insert the missing alerts of every problem overdue as of `today` (not 销号 and past its
    deadline; a problem closed since is left alone)."""
    settings = settings_get()
    problems = list(
        Problem.objects.filter(state__in=UNCLOSED_STATES, deadline__lt=today).select_related(
            "owner_unit"
        )
    )
    causes = _causes(problems, today, settings)
    if not causes:
        return 0, 0
    existing = set(
        ProblemAlert.objects.filter(problem_id__in={p.pk for p, *_rest in causes}).values_list(
            "problem_id", "due", "level"
        )
    )
    causes = [c for c in causes if (c[0].pk, c[0].deadline, c[1]) not in existing]
    if not causes:
        return 0, 0
    leaders = _leaders_in_charge(causes)
    created = []
    with transaction.atomic():
        for problem, level, on in causes:
            leader_id = (
                leaders.get((problem.owner_unit_id, on)) if level == Level.SUPERVISE else None
            )
            row = _insert(problem, level, on, leader_id, settings)
            if row is not None:
                created.append((row, problem))
        if created:
            ProblemEvent.objects.bulk_create(
                ProblemEvent(
                    problem=problem,
                    kind=EventKind.ESCALATED,
                    at=row.at,
                    note=f"{row.get_level_display()}：{row.message}",
                    from_state=problem.state,
                    to_state=problem.state,
                )
                for row, problem in created
            )
            audit_record(
                actor=None,
                action="problem.escalate",
                changes={"alerts": {"before": None, "after": len(created)}},
                reason=_("定时扫描（时点 %(at)s）") % {"at": timezone.localtime(at).isoformat()},
            )
            _notify(created)
    urged = sum(1 for row, _problem in created if row.level == Level.URGE)
    return urged, len(created) - urged


def _message(problem, level: int, settings) -> str:
    text = _("问题 %(number)s“%(text)s”（%(place)s）的整改时限%(due)s已过，尚未销号") % {
        "number": problem.number,
        "text": problem.description[:40],
        "place": problem.place,
        "due": _date_text(problem.deadline),
    }
    if level == Level.SUPERVISE:
        return text + _("，逾期已满%(n)d个工作日，报请分管领导督办。") % {
            "n": settings.escalate_after_working_days
        }
    return text + _("，请抓紧整改并报告整改情况。")


def _insert(problem, level, on, leader_id, settings) -> ProblemAlert | None:
    row = ProblemAlert(
        problem=problem,
        due=problem.deadline,
        level=level,
        at=_start_of(on),
        unit_id=problem.owner_unit_id,
        leader_id=leader_id,
        message=_message(problem, level, settings),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # the cause fired already: at most once
    return row


def _leaders_in_charge(causes) -> dict[tuple[int, dt.date], int]:
    """(unit id, day) → the leader whose area (the deepest covering one) holds the owner unit
    on that day, for the 督办 causes."""
    wanted = {
        (p.owner_unit_id, p.owner_unit.path, on)
        for p, level, on in causes
        if level == Level.SUPERVISE
    }
    if not wanted:
        return {}
    first = min(on for *_rest, on in wanted)
    last = max(on for *_rest, on in wanted)
    areas = list(
        LeaderArea.objects.filter(start_date__lte=last, leader__active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("leader_id", "unit__path", "start_date", "end_date")
    )
    result = {}
    for unit_id, path, on in wanted:
        covering = [
            (len(area_path), leader_id)
            for leader_id, area_path, start, end in areas
            if path.startswith(area_path) and start <= on and (end is None or end >= on)
        ]
        if covering:
            result[(unit_id, on)] = max(covering)[1]
    return result


def _notify(created) -> None:
    """催办: the owner unit's head and liaison; 督办: the leader's accounts (the supervision
    office when the owner unit has no leader in charge on that day)."""
    contacts = unit_contacts({p.owner_unit_id for _row, p in created}, OWNER_ROLES)
    leader_ids = {row.leader_id for row, _p in created if row.leader_id}
    leaders = list(User.objects.filter(leader_id__in=leader_ids, is_active=True))
    orphans = {
        p.owner_unit_id for row, p in created if row.level > Level.URGE and not row.leader_id
    }
    offices = offices_for(orphans) if orphans else {}
    for row, problem in created:
        if row.level == Level.URGE:
            recipients = contacts.get(problem.owner_unit_id, [])
        elif row.leader_id:
            recipients = [u for u in leaders if u.leader_id == row.leader_id]
        else:
            recipients = offices.get(problem.owner_unit_id, [])
        title = _("%(level)s：问题 %(number)s 整改逾期") % {
            "level": row.get_level_display(),
            "number": problem.number,
        }
        fields = {
            "title": title[:200],
            "body": row.message,
            "url": f"/problems/{problem.pk}/",
            "kind": ALERT_KIND,
        }
        entries = [(user, dict(fields)) for user in recipients]
        if entries:
            notifications_create_many(entries, at=row.at)
