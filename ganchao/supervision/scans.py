"""The tick scans of goals status and the escalation ladder (levels 1–2)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Plan
from ganchao.goals.status import recompute_plan
from ganchao.supervision.services import alerts_raise

STATUS_ORDER = 100  # before the audit checkpoint (scheduler.scans.CHECKPOINT_ORDER)
RETRY_ORDER = 900


def plans_concerned(at: dt.datetime):
    """Issued plans of this year and the last (December's report falls due in January)."""
    year = timezone.localtime(at).year
    return Plan.objects.filter(state=PlanState.ISSUED, year__in=[year - 1, year]).order_by("pk")


def status_and_alerts_scan(at: dt.datetime) -> str:
    plans = alerts = 0
    with workdays.calendar_session():
        for plan in plans_concerned(at):
            outcomes = recompute_plan(plan, at=at)
            alerts += len(alerts_raise(plan=plan, outcomes=outcomes, at=at))
            plans += 1
    return _("重算 %(plans)d 个计划的状态，新增提醒、催办 %(alerts)d 条") % {
        "plans": plans,
        "alerts": alerts,
    }


def delivery_retry_scan(at: dt.datetime) -> str:
    from ganchao.notifications.services import delivery_send_due

    sent, failed = delivery_send_due(at=at)
    return _("发送消息 %(sent)d 条，最终失败 %(failed)d 条") % {"sent": sent, "failed": failed}
