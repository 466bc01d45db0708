"""Registering a problem (with recurrence within the window) and turning a visit's finding into one."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import audit_record
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.problems import photos as photo_store
from ganchao.problems.choices import (
    UNCLOSED_STATES,
    Category,
    EventKind,
    PhotoStage,
    PlaceType,
    Severity,
    Source,
    State,
)
from ganchao.problems.models import Problem
from ganchao.problems.services.base import (
    NUMBER_RETRIES,
    _check_deadline,
    _check_owner_choice,
    _choice,
    _event,
    _found_on,
    _move,
    _next_number,
    _now,
    _store_photos,
    _target,
    _text,
    default_deadline,
    place_key,
    settings_get,
)

# ---- create and recurrence -----------------------------------------------------------------


def problem_create(
    *,
    actor,
    source,
    place_type,
    place,
    category,
    severity,
    description,
    owner_unit,
    legacy=False,
    blocks_project=False,
    found_on=None,
    deadline=None,
    item=None,
    matter=None,
    case=None,
    finding=None,
    place_unit=None,
    photos=(),
    number=None,
) -> Problem:
    """登记. A closed problem of the same place type, place and category closed within the
    recurrence window is reopened instead (and returned); an unclosed one with the same key gets
    the new problem linked to it and its count increased. `actor` None is the system (a scan).
    """
    fields = {
        "source": _choice(source, "source", _("来源"), Source),
        "place_type": _choice(place_type, "place_type", _("地点类型"), PlaceType),
        "place": _text(place, "place", _("地点"), 200),
        "category": _choice(category, "category", _("类别"), Category),
        "severity": _choice(severity, "severity", _("严重程度"), Severity),
        "description": _text(description, "description", _("问题描述"), 4000),
    }
    _check_owner_choice(actor, owner_unit)
    today = timezone.localdate()
    found_on = _found_on(found_on, today)
    _check_deadline(deadline, found_on)
    checked = photo_store.check_all(photos)
    with transaction.atomic():
        settings = settings_get()
        key = place_key(fields["place"])
        reopened = _recurrence_reopen(actor, key, fields, settings, checked, today)
        if reopened is not None:
            return reopened
        for attempt in range(NUMBER_RETRIES):
            try:
                with transaction.atomic():
                    problem = Problem.objects.create(
                        number=number or _next_number(found_on.year),
                        place_key=key,
                        legacy=bool(legacy),
                        blocks_project=bool(blocks_project),
                        owner_unit=owner_unit,
                        place_unit=place_unit,
                        found_on=found_on,
                        found_by=actor,
                        found_by_unit=getattr(actor, "unit", None),
                        deadline=deadline
                        or default_deadline(found_on, fields["severity"], settings),
                        item=item,
                        matter=matter,
                        case=case,
                        finding=finding,
                        **fields,
                    )
                break
            except IntegrityError:
                if number or attempt == NUMBER_RETRIES - 1:
                    raise ValidationFailed.on("number", _("编号已被使用")) from None
        event = _event(problem, EventKind.CREATED, actor=actor, to_state=State.OPEN)
        _store_photos(problem, checked, actor=actor, stage=PhotoStage.FOUND, event=event)
        _link_unclosed_recurrence(actor, problem)
        audit_record(
            actor=actor,
            action="problem.create",
            target=_target(problem),
            changes={
                "number": {"before": None, "after": problem.number},
                "owner_unit": {"before": None, "after": owner_unit.code},
                "state": {"before": None, "after": State.OPEN},
                "photos": {"before": 0, "after": len(checked)},
            },
        )
    return problem


def _recurrence_reopen(actor, key, fields, settings, checked, today) -> Problem | None:
    """Reopen the problem of the same place and category closed within the window, if any."""
    since = _now() - dt.timedelta(days=settings.recurrence_window_days)
    closed = (
        Problem.objects.select_for_update(of=("self",))
        .filter(
            place_type=fields["place_type"],
            place_key=key,
            category=fields["category"],
            state=State.CLOSED,
            closed_at__gte=since,
        )
        .order_by("-closed_at", "-id")
        .first()
    )
    if closed is None:
        return None
    severity = max((closed.severity, fields["severity"]), key=lambda s: Severity.values.index(s))
    closed.severity = severity
    closed.deadline = default_deadline(today, severity, settings)
    closed.recurrence_count += 1
    closed.closed_at = None
    closed.closed_by = None
    before = _move(
        closed,
        State.REOPENED,
        ["severity", "deadline", "recurrence_count", "closed_at", "closed_by"],
    )
    event = _event(
        closed,
        EventKind.RECURRED,
        actor=actor,
        note=fields["description"],
        from_state=before,
        to_state=State.REOPENED,
    )
    _store_photos(closed, checked, actor=actor, stage=PhotoStage.FOUND, event=event)
    audit_record(
        actor=actor,
        action="problem.recur",
        target=_target(closed),
        changes={
            "state": {"before": before, "after": State.REOPENED},
            "recurrence_count": {
                "before": closed.recurrence_count - 1,
                "after": closed.recurrence_count,
            },
        },
        reason=fields["description"][:500],
    )
    return closed


def _link_unclosed_recurrence(actor, problem) -> None:
    """Link a new problem to an unclosed one of the same place and category, and count it."""
    earlier = (
        Problem.objects.select_for_update(of=("self",))
        .filter(
            place_type=problem.place_type,
            place_key=problem.place_key,
            category=problem.category,
            state__in=UNCLOSED_STATES,
        )
        .exclude(pk=problem.pk)
        .order_by("found_on", "id")
        .first()
    )
    if earlier is None:
        return
    problem.recurrence_of = earlier
    problem.save(update_fields=["recurrence_of"])
    earlier.recurrence_count += 1
    earlier.version += 1
    earlier.save(update_fields=["recurrence_count", "version", "updated_at"])
    _event(
        earlier,
        EventKind.RECURRED,
        actor=actor,
        note=_("同一地点同类问题再次发现：%(number)s") % {"number": problem.number},
        from_state=earlier.state,
        to_state=earlier.state,
    )


# ---- from a visit's finding ------------------------------------------------------------------

FINDING_SEVERITY = {
    "minor": Severity.GENERAL,
    "serious": Severity.SERIOUS,
    "severe": Severity.SEVERE,
}


def finding_to_problem(
    *,
    actor,
    finding_id,
    owner_unit,
    category,
    severity=None,
    place_type,
    place,
    item=None,
    blocks_project=False,
    also_matter=False,
    **matter_fields,
) -> Problem:
    """A visit's finding becomes a problem of the ledger (source 领导调研, found by the actor on
    the visit's date), linked to `item` (a key project's goal item, which it may block) and,
    when asked, also a matter through the visits service."""
    from ganchao.visits import services as visit_services

    with transaction.atomic():
        finding = visit_services._finding_for_change(actor, finding_id)
        if Problem.objects.filter(finding_id=finding.pk).exists():
            raise Conflict(_("该问题已转入问题台账"))
        visit = finding.visit
        problem = problem_create(
            actor=actor,
            source=Source.VISIT,
            place_type=place_type,
            place=place or visit.place_name,
            category=category,
            severity=severity or FINDING_SEVERITY.get(finding.severity, Severity.GENERAL),
            description=finding.description,
            owner_unit=owner_unit or finding.unit or visit.unit,
            found_on=visit.visited_on,
            finding=finding,
            item=item,
            blocks_project=blocks_project,
            place_unit=visit.unit if visit.unit.type in ("village", "community") else None,
        )
        created = problem.finding_id == finding.pk  # not an earlier problem reopened
        if problem.finding_id is None:  # a recurrence reopened an earlier problem
            problem.finding = finding
            problem.save(update_fields=["finding"])
        if created:  # the timeline's first step says where the problem was found
            problem.events.filter(kind=EventKind.CREATED).update(
                note=_("%(date)s调研督导“%(place)s”发现，由调研记录转入")
                % {
                    "date": formats.date_format(visit.visited_on, "DATE_FORMAT"),
                    "place": visit.place_name,
                }
            )
        if also_matter:
            visit_services.finding_to_matter(
                actor=actor, finding_id=finding.pk, unit=problem.owner_unit, **matter_fields
            )
            finding.refresh_from_db(fields=["matter_id"])
            if finding.matter_id:
                problem.matter_id = finding.matter_id
                problem.save(update_fields=["matter"])
        audit_record(
            actor=actor,
            action="problem.from_finding",
            target=_target(problem),
            changes={"finding": {"before": None, "after": finding.pk}},
        )
    return problem
