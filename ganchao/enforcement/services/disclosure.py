"""Disclosure (B3–B5): publication tasks on the working-day calendar, exemptions with a reviewed
reason, the masked public record, outcomes that withdraw it. The disclosure slice owns this
module; `publication_task_for_decision` is called when a decision document is issued."""

from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.common import workdays
from ganchao.enforcement.choices import (
    PUBLISH_WORKING_DAYS,
    PUBLISH_WORKING_DAYS_OTHER,
    TaskKind,
)
from ganchao.enforcement.models import PublicationTask

register("enforcement.publication_task", _("生成执法决定公示任务"))


def publication_days(category: str) -> int:
    return PUBLISH_WORKING_DAYS.get(category, PUBLISH_WORKING_DAYS_OTHER)


def publication_task_for_decision(*, case, decision) -> PublicationTask | None:
    """B3: the task due `decided_on + N working days` (7 for licences and penalties, 20 for
    others). Call inside the issuing transaction."""
    days = publication_days(case.matter.category)
    with workdays.calendar_session():
        due = workdays.add_working_days(decision.decided_on, days)
    return PublicationTask.objects.create(
        case=case,
        kind=TaskKind.PUBLISH,
        created_on=decision.decided_on,
        due=due,
        working_days=days,
    )
