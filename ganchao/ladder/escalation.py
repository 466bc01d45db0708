"""The tick's part of levels 3–5 (DESIGN.md 3.9), as of the tick's `at`, insert-only:

- 督办 proposals: an assignment red for 10 working days since its red spell began
  (`red_since` as the rules evaluate it at `at`), or a 催办 not answered by its response due;
  for matters the same two causes (ganchao.ladder.matters).
- 通报 listings: an issued 督办单 without an accepted response by its due date, dated at that
  due date; the leader in charge of the unit is told.
- 约谈 proposals: each 通报 of a unit after its first in the same calendar year.

Each cause is a unique row, so running a tick twice adds nothing; nothing here edits or
deletes a row another tick created. Red spells are found through their 催办 (the turned-red
urge carries `red_since` as its cause key), so only spells already urged are examined.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import audit_record
from ganchao.common import workdays
from ganchao.goals import status_rules as rules
from ganchao.goals.status import recompute_assignments
from ganchao.ladder import matters
from ganchao.ladder.choices import OPEN_STATES, NoticeState, TalkState
from ganchao.ladder.documents import plain_date
from ganchao.ladder.models import BulletinListing, SupervisionNotice, TalkProposal
from ganchao.ladder.services import NOTICE_RESPONSE_WORKING_DAYS, unit_users
from ganchao.notifications.services import notifications_create_many
from ganchao.orgs.models import LeaderArea, Unit, User
from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.models import Alert

RED_WORKING_DAYS = matters.RED_WORKING_DAYS
LADDER_ORDER = 200  # after the status scan (100), before the audit checkpoint (1000)

register("ladder.escalate", _("自动提出督办、通报、约谈"))


@dataclass(frozen=True)
class Proposal:
    """One cause of a 督办 proposal; its subject is an assignment or a matter."""

    trigger: str
    cause_key: str
    assignment_id: int | None
    unit_id: int
    reason: str
    urge_id: int | None = None
    matter_id: int | None = None


def ladder_scan(at: dt.datetime) -> str:
    with workdays.calendar_session():
        proposals = proposals_raise(at=at)
        bulletins, talks = bulletins_raise(at=at)
    return _("新增督办建议 %(p)d 条、通报 %(b)d 条、约谈建议 %(t)d 条") % {
        "p": len(proposals),
        "b": len(bulletins),
        "t": len(talks),
    }


# ---- level 3: 督办 proposals --------------------------------------------------------------------


def proposals_raise(*, at: dt.datetime) -> list[SupervisionNotice]:
    cal = workdays.current_calendar()
    day = timezone.localtime(at).date()
    found = red_spell_causes(at, day, cal) + unanswered_urge_causes(at, day)
    found += matters.unanswered_urge_causes(at, day, Proposal)
    found += matters.red_causes(at, cal, Proposal)
    if not found:
        return []
    labels = _labels({p.assignment_id for p in found if p.assignment_id})
    matter_subjects = matters.subjects({p.matter_id for p in found if p.matter_id})
    with transaction.atomic():
        created = []
        for p in found:
            if p.matter_id:
                row = _insert_matter_proposal(p, matter_subjects[p.matter_id], at)
            else:
                row = _insert_proposal(p, labels[p.assignment_id], at)
            if row:
                created.append(row)
        if created:
            audit_record(
                actor=None,
                action="ladder.escalate",
                changes={"proposals": {"before": None, "after": len(created)}},
                reason=_tick_reason(at),
            )
    return created


def red_spell_causes(at, day: dt.date, cal) -> list[Proposal]:
    """Red spells that began 10 or more working days before `day` and still run at `at`."""
    proposed = SupervisionNotice.objects.filter(
        trigger=Trigger.RED_TEN_DAYS,
        assignment=OuterRef("assignment"),
        cause_key=OuterRef("cause_key"),
    )
    rows = (
        Alert.objects.filter(
            level=Level.URGE, trigger=Trigger.TURNED_RED, at__lte=at, assignment__isnull=False
        )
        .filter(~Exists(proposed))
        .values_list(
            "assignment_id",
            "unit_id",
            "cause_key",
            "assignment__status",
            "assignment__red_since",
            "assignment__item__plan__last_status_at",
        )
    )
    due, to_recompute = [], []
    for assignment_id, unit_id, key, status, stored_since, status_at in rows:
        since = dt.date.fromisoformat(key)
        if cal.working_days_between(since, day) < RED_WORKING_DAYS:
            continue
        if status_at == at:  # the stored status is this very moment's evaluation
            if status == rules.RED and stored_since == since:
                due.append((assignment_id, unit_id, since))
        else:
            to_recompute.append((assignment_id, unit_id, since))
    if to_recompute:
        outcomes = {o.assignment_id: o for o in recompute_assignments(
            [row[0] for row in to_recompute], at=at
        )}  # fmt: skip
        due += [row for row in to_recompute if _still_red(outcomes.get(row[0]), row[2])]
    reason = _("自%(since)s起严重滞后，已满%(n)d个工作日。")
    return [
        Proposal(
            Trigger.RED_TEN_DAYS,
            since.isoformat(),
            assignment_id,
            unit_id,
            reason % {"since": plain_date(since), "n": RED_WORKING_DAYS},
        )
        for assignment_id, unit_id, since in due
    ]


def _still_red(outcome, since: dt.date) -> bool:
    result = outcome.result if outcome else None
    return result is not None and result.status == rules.RED and result.red_since == since


def unanswered_urge_causes(at, day: dt.date) -> list[Proposal]:
    """催办 not answered by their response due date, once that date has passed."""
    rows = (
        Alert.objects.filter(
            level=Level.URGE, at__lte=at, response_due__lt=day, assignment__isnull=False
        )
        # answered in writing by the due date (local day): never a cause, read no more (these
        # rows only grow, and a tick with nothing new would load them all again)
        .filter(Q(responded_at__isnull=True) | Q(responded_at__date__gt=F("response_due")))
        .filter(~Exists(SupervisionNotice.objects.filter(urge=OuterRef("pk"))))
        .values_list(
            "pk", "assignment_id", "unit_id", "trigger", "cause_key", "at", "response_due",
            "responded_at",
        )
        .order_by("at", "pk")
    )  # fmt: skip
    found = []
    for pk, assignment_id, unit_id, trigger, key, urged_at, response_due, responded_at in rows:
        if responded_at is not None and timezone.localtime(responded_at).date() <= response_due:
            continue
        reason = _("%(urged)s催办（%(trigger)s），未在%(due)s前书面回应。") % {
            "urged": plain_date(timezone.localtime(urged_at).date()),
            "trigger": Trigger(trigger).label,
            "due": plain_date(response_due),
        }
        found.append(
            Proposal(
                Trigger.URGE_UNANSWERED, f"{trigger}:{key}", assignment_id, unit_id, reason, pk
            )
        )
    return found


def _labels(ids: set[int]) -> dict[int, str]:
    from ganchao.goals.models import Assignment

    rows = Assignment.objects.filter(id__in=sorted(ids)).values_list(
        "id", "item__code", "item__name"
    )
    return {pk: f"{code} {name}" for pk, code, name in rows}


def _insert_proposal(p: Proposal, label: str, at) -> SupervisionNotice | None:
    unit_name = Unit.objects.filter(pk=p.unit_id).values_list("name", flat=True).first() or ""
    content = _(
        "%(unit)s：\n“%(item)s”%(reason)s请高度重视，认真分析原因，采取有力措施加快推进，"
        "并于本督办单签发之日起%(n)d个工作日内将整改落实情况书面报告督查室。"
    ) % {"unit": unit_name, "item": label, "reason": p.reason, "n": NOTICE_RESPONSE_WORKING_DAYS}
    row = SupervisionNotice(
        state=NoticeState.PROPOSED,
        trigger=p.trigger,
        cause_key=p.cause_key,
        assignment_id=p.assignment_id,
        urge_id=p.urge_id,
        unit_id=p.unit_id,
        proposed_at=at,
        reason=f"“{label}”{p.reason}",
        title=_("关于督促推进“%(item)s”的督办单") % {"item": label[:250]},
        content=content,
    )
    return _save_proposal(row)


def _insert_matter_proposal(p: Proposal, matter, at) -> SupervisionNotice | None:
    unit_name = Unit.objects.filter(pk=p.unit_id).values_list("name", flat=True).first() or ""
    title, days = matter.title, matters.tier_working_days(matter)
    if days:
        within = _("于本督办单签发之日起%(n)d个工作日内") % {"n": days}
    else:
        within = _("于本督办单规定的回复期限内")
    content = _(
        "%(unit)s：\n督办事项“%(title)s”%(reason)s请高度重视，认真分析原因，采取有力措施抓紧办理，"
        "并%(within)s将办理情况书面报告督查室。"
    ) % {"unit": unit_name, "title": title, "reason": p.reason, "within": within}
    row = SupervisionNotice(
        state=NoticeState.PROPOSED,
        trigger=p.trigger,
        cause_key=p.cause_key,
        matter_id=p.matter_id,
        urge_id=p.urge_id,
        unit_id=p.unit_id,
        proposed_at=at,
        reason=_("督办事项“%(title)s”%(reason)s") % {"title": title, "reason": p.reason},
        title=_("关于督促办理“%(title)s”的督办单") % {"title": title[:250]},
        content=content,
    )
    return _save_proposal(row)


def _save_proposal(row: SupervisionNotice) -> SupervisionNotice | None:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None  # the cause fired already (a concurrent writer): at most once
    return row


def _tick_reason(at) -> str:
    return _("定时扫描（时点 %(at)s）") % {"at": timezone.localtime(at).isoformat()}


# ---- levels 4 and 5: 通报 and 约谈 ----------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=workdays.SHANGHAI)


def bulletins_raise(*, at: dt.datetime) -> tuple[list[BulletinListing], list[TalkProposal]]:
    day = timezone.localtime(at).date()
    candidates = [
        n
        for n in SupervisionNotice.objects.filter(
            state__in=(*OPEN_STATES, NoticeState.ACCEPTED),
            issued_at__lte=at,
            response_due__lt=day,
            bulletin__isnull=True,
        )
        .select_related("unit")
        .order_by("response_due", "pk")
        if n.accepted_response_at is None
        or timezone.localtime(n.accepted_response_at).date() > n.response_due
    ]
    if not candidates:
        return [], []
    leaders = leaders_in_charge(candidates)
    years = {n.response_due.year for n in candidates}
    counts = {
        (row["unit_id"], row["year"]): row["n"]
        for row in BulletinListing.objects.filter(
            unit_id__in={n.unit_id for n in candidates}, year__in=years
        )
        .values("unit_id", "year")
        .annotate(n=Count("pk"))
    }
    listings, talks = [], []
    with transaction.atomic():
        for notice in candidates:
            key = (notice.unit_id, notice.response_due.year)
            counts[key] = counts.get(key, 0) + 1
            listing, talk = _list(notice, leaders.get(notice.pk), counts[key])
            listings.append(listing)
            if talk:
                talks.append(talk)
        audit_record(
            actor=None,
            action="ladder.escalate",
            changes={
                "bulletins": {"before": None, "after": len(listings)},
                "talks": {"before": None, "after": len(talks)},
            },
            reason=_tick_reason(at),
        )
        _notify_bulletins(listings, talks, at)
    return listings, talks


def _list(notice, leader_id, ordinal: int):
    due = notice.response_due
    listing = BulletinListing.objects.create(
        notice=notice,
        unit_id=notice.unit_id,
        leader_id=leader_id,
        dated=due,
        at=_end_of(due),
        year=due.year,
        ordinal=ordinal,
    )
    talk = None
    if ordinal >= 2:
        talk = TalkProposal.objects.create(
            bulletin=listing,
            unit_id=notice.unit_id,
            leader_id=leader_id,
            year=due.year,
            count=ordinal,
            proposed_at=listing.at,
            state=TalkState.PROPOSED,
        )
    return listing, talk


def leaders_in_charge(notices) -> dict[int, int]:
    """notice id → the leader whose area (the deepest one) covers the unit on the due date."""
    first, last = min(n.response_due for n in notices), max(n.response_due for n in notices)
    areas = list(
        LeaderArea.objects.filter(start_date__lte=last, leader__active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("leader_id", "unit__path", "start_date", "end_date")
        .order_by("leader_id")
    )
    result = {}
    for notice in notices:
        due, path = notice.response_due, notice.unit.path
        covering = [
            (len(area_path), leader_id)
            for leader_id, area_path, start, end in areas
            if path.startswith(area_path) and start <= due and (end is None or end >= due)
        ]
        if covering:
            result[notice.pk] = max(covering)[1]
    return result


def _notify_bulletins(listings, talks, at) -> None:
    leader_ids = {x.leader_id for x in listings if x.leader_id}
    users_by_leader: dict[int, list] = {}
    for user in User.objects.filter(is_active=True, leader_id__in=leader_ids):
        users_by_leader.setdefault(user.leader_id, []).append(user)
    by_unit = unit_users({x.unit_id for x in listings})
    talk_of = {t.bulletin_id: t for t in talks}
    entries = []
    for listing in listings:
        notice = listing.notice
        body = _("%(unit)s 督办单 %(number)s 至%(due)s未获认可的书面回复，列入下期通报。") % {
            "unit": notice.unit.name,
            "number": notice.number,
            "due": plain_date(listing.dated),
        }
        if listing.pk in talk_of:
            body += _("这是该单位本年第%(n)d次通报，建议约谈。") % {"n": listing.ordinal}
        fields = {"title": _("通报：%(unit)s") % {"unit": notice.unit.name}, "body": body}
        url = f"/ladder/notices/{notice.pk}/"
        for user in users_by_leader.get(listing.leader_id, []):
            entries.append((user, {**fields, "url": url, "kind": "bulletin"}))
        for user in by_unit.get(listing.unit_id, []):
            entries.append((user, {**fields, "url": url, "kind": "bulletin"}))
    notifications_create_many(entries, at=at)
