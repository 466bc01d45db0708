"""The tick's part of enforcement oversight, as of the tick's `at`, insert-only (DESIGN.md 3.9):

- B11: every overdue clock of an open case climbs the escalation ladder: a 催办 (level 2) to
  the agency dated the day after the due date, notifying its head, liaison and the case's
  officers; once overdue for `escalate_after_working_days` working days a 督办 (level 3) to
  the agency's leader in charge (分管领导) on that date. One ClockAlert per (case, clock, due,
  level) — the unique constraint — so a second tick adds nothing.
- B13: from 1 January, one notification to each agency whose previous year's figures are not
  public yet (due 31 January).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import audit_record
from ganchao.common import workdays
from ganchao.enforcement import selectors_oversight as sel
from ganchao.enforcement.choices import ClockState
from ganchao.enforcement.models import Agency, CaseOfficer, ClockAlert, settings_get
from ganchao.notifications.models import Notification
from ganchao.notifications.recipients import offices_for
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.choices import Role
from ganchao.orgs.models import LeaderArea, User
from ganchao.orgs.selectors import unit_contacts
from ganchao.supervision.choices import Level

CLOCK_ORDER = 210  # after the ladder (200), before the audit checkpoint (1000)
AGENCY_ROLES = (Role.UNIT_HEAD, Role.LIAISON)
ANNUAL_KIND = "enforcement_annual"
ALERT_KIND = "enforcement_clock"


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=workdays.SHANGHAI)


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def clock_scan(at: dt.datetime) -> str:
    day = timezone.localtime(at).date()
    with workdays.calendar_session():
        urged, supervised = clock_alerts_raise(at=at, today=day)
    reminded = annual_reminders_send(at=at, today=day)
    return _("执法时限催办 %(u)d 条、督办 %(s)d 条，年度执法数据公开提醒 %(r)d 个单位") % {
        "u": urged,
        "s": supervised,
        "r": reminded,
    }


# ---- B11: the clocks' 催办 and 督办 -----------------------------------------------------------


def clock_alerts_raise(*, at: dt.datetime, today: dt.date) -> tuple[int, int]:
    """Insert the missing ClockAlerts of every overdue clock of the open cases as of `today`."""
    settings = settings_get()
    cases = list(sel.open_cases(Agency.objects.all()).select_related("agency__unit"))
    by_id = {c.pk: c for c in cases}
    causes = []
    for case_id, clocks in sel.clocks_many(cases, today, settings).items():
        for clock in clocks:
            if clock.state != ClockState.OVERDUE:
                continue
            overdue_on = clock.due + dt.timedelta(days=1)
            causes.append((by_id[case_id], clock, Level.URGE, overdue_on))
            escalate_on = workdays.add_working_days(
                overdue_on, settings.escalate_after_working_days
            )
            if escalate_on <= today:
                causes.append((by_id[case_id], clock, Level.SUPERVISE, escalate_on))
    if not causes:
        return 0, 0
    existing = set(
        ClockAlert.objects.filter(case_id__in={c.pk for c, *_rest in causes}).values_list(
            "case_id", "clock", "due", "level"
        )
    )
    causes = [x for x in causes if (x[0].pk, x[1].name, x[1].due, x[2]) not in existing]
    if not causes:
        return 0, 0
    leaders = _leaders_in_charge(causes)
    created = []
    with transaction.atomic():
        for case, clock, level, on in causes:
            leader_id = leaders.get((case.agency.unit_id, on)) if level == Level.SUPERVISE else None
            row = _insert(case, clock, level, on, leader_id, settings)
            if row is not None:
                created.append((row, case))
        if created:
            audit_record(
                actor=None,
                action="enforcement.clock_escalate",
                changes={"alerts": {"before": None, "after": len(created)}},
                reason=_("定时扫描（时点 %(at)s）") % {"at": timezone.localtime(at).isoformat()},
            )
            _notify(created)
    urged = sum(1 for row, _case in created if row.level == Level.URGE)
    return urged, len(created) - urged


def _message(case, clock, level: int, on: dt.date, settings) -> str:
    text = _("案件 %(code)s“%(title)s”的时限“%(clock)s”已于%(due)s届满仍未完成") % {
        "code": case.code,
        "title": case.title,
        "clock": clock.label,
        "due": _date_text(clock.due),
    }
    if level == Level.SUPERVISE:
        return text + _("，超期已满%(n)d个工作日，报请分管领导督办。") % {
            "n": settings.escalate_after_working_days
        }
    return text + _("，请抓紧办理。")


def _insert(case, clock, level, on, leader_id, settings) -> ClockAlert | None:
    row = ClockAlert(
        case=case,
        clock=clock.name,
        due=clock.due,
        level=level,
        at=_start_of(on),
        unit_id=case.agency.unit_id,
        leader_id=leader_id,
        message=_message(case, clock, level, on, settings),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # the cause fired already: at most once
    return row


def _leaders_in_charge(causes) -> dict[tuple[int, dt.date], int]:
    """(unit id, day) → the leader whose area (the deepest covering one) holds the agency's
    unit on that day, for the 督办 causes."""
    wanted = {(c.agency.unit_id, c.agency.unit.path, on) for c, _k, lv, on in causes if lv == 3}
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
    """催办: the agency's head and liaison and the case's officers; 督办: the leader's accounts
    (the supervision office when the agency's unit has no leader in charge on that day)."""
    urge_cases = {case.pk for row, case in created if row.level == Level.URGE}
    officers = {}
    for case_id, user_id in CaseOfficer.objects.filter(
        case_id__in=urge_cases, officer__user__isnull=False, officer__user__is_active=True
    ).values_list("case_id", "officer__user_id"):
        officers.setdefault(case_id, set()).add(user_id)
    contacts = unit_contacts({case.agency.unit_id for _row, case in created}, AGENCY_ROLES)
    leader_ids = {row.leader_id for row, _case in created if row.leader_id}
    people = {
        u.pk: u
        for u in User.objects.filter(
            Q(pk__in={i for ids in officers.values() for i in ids})
            | Q(leader_id__in=leader_ids, is_active=True)
        )
    }
    orphans = {
        c.agency.unit_id for row, c in created if row.level > Level.URGE and not row.leader_id
    }
    offices = offices_for(orphans) if orphans else {}
    entries = []
    for row, case in created:
        if row.level == Level.URGE:
            users = {u.pk: u for u in contacts.get(case.agency.unit_id, [])}
            users.update({pk: people[pk] for pk in officers.get(case.pk, ()) if pk in people})
            recipients = list(users.values())
        elif row.leader_id:
            recipients = [u for u in people.values() if u.leader_id == row.leader_id]
        else:  # no leader in charge on record: the supervision office hears of it instead
            recipients = offices.get(case.agency.unit_id, [])
        title = _("%(level)s：执法案件 %(code)s 时限超期") % {
            "level": row.get_level_display(),
            "code": case.code,
        }
        fields = {
            "title": title[:200],
            "body": row.message,
            "url": f"/enforcement/cases/{case.pk}/",
            "kind": ALERT_KIND,
        }
        entries += [(user, dict(fields)) for user in recipients]
        if entries:
            notifications_create_many(entries, at=row.at)
            entries = []


# ---- B13: the 1 January reminder ---------------------------------------------------------------


def annual_reminders_send(*, at: dt.datetime, today: dt.date) -> int:
    """One notification per agency (its head and liaison) from 1 January until 31 January while
    the previous year's figures are not public; never twice for the same agency and year."""
    if today > dt.date(today.year, *sel.ANNUAL_DUE):
        return 0
    due = sel.annual_reports_due(Agency.objects.all(), today)
    if not due:
        return 0
    urls = {row.agency_id: _annual_url(row) for row in due}
    sent = set(
        Notification.objects.filter(kind=ANNUAL_KIND, url__in=list(urls.values())).values_list(
            "url", flat=True
        )
    )
    pending = [row for row in due if urls[row.agency_id] not in sent]
    if not pending:
        return 0
    units = dict(
        Agency.objects.filter(pk__in=[r.agency_id for r in pending]).values_list("pk", "unit_id")
    )
    contacts = unit_contacts(set(units.values()), AGENCY_ROLES)
    entries, reached = [], 0
    for row in pending:
        recipients = contacts.get(units[row.agency_id], [])
        reached += bool(recipients)
        body = _(
            "%(agency)s应于%(due)s前公开%(year)d年度行政执法统计数据，请核对后在“年度执法数据”中公开。"
        ) % {"agency": row.agency, "due": _date_text(row.due), "year": row.year}
        fields = {
            "title": _("年度执法数据待公开 (截止1月31日)"),
            "body": body,
            "url": urls[row.agency_id],
            "kind": ANNUAL_KIND,
        }
        entries += [(user, dict(fields)) for user in recipients]
    with transaction.atomic():
        notifications_create_many(entries, at=at)
    return reached


def _annual_url(row) -> str:
    return f"/enforcement/annual-reports/?agency={row.agency_id}&year={row.year}"
