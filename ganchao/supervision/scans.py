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
    """Recompute the plans whose inputs changed since their last recompute, or every plan on a
    new day (ganchao.scheduler.status_marks), and raise their alerts. A plan left alone would
    give exactly the stored results again; it only gets its `last_status_at` moved on."""
    from ganchao.scheduler.services import last_tick_at
    from ganchao.scheduler.status_marks import plans_due

    plans = alerts = 0
    last_tick = last_tick_at()
    # A tick dated before the last one (`tick --at` in the past) saves no status
    # (goals.status), so it must not record the plans as computed with today's inputs either.
    current = last_tick is None or at >= last_tick
    with workdays.calendar_session():
        concerned = list(plans_concerned(at))
        marks = plans_due(concerned, at, workdays.current_calendar())
        for plan in concerned:
            if plan.pk not in marks.due:
                continue
            outcomes = recompute_plan(plan, at=at)
            alerts += len(alerts_raise(plan=plan, outcomes=outcomes, at=at))
            if current:
                marks.plan_done(plan.pk)
            plans += 1
        if current:
            marks.finish()
        unchanged = [plan.pk for plan in concerned if plan.pk not in marks.due]
        if unchanged and current:
            Plan.objects.filter(pk__in=unchanged).update(last_status_at=at)
    return _(
        "重算 %(plans)d 个计划的状态（%(unchanged)d 个计划自上次计算以来无变化），"
        "新增提醒、催办 %(alerts)d 条"
    ) % {"plans": plans, "unchanged": len(unchanged), "alerts": alerts}


def delivery_retry_scan(at: dt.datetime) -> str:
    from ganchao.notifications.services import delivery_send_due

    sent, failed = delivery_send_due(at=at)
    return _("发送消息 %(sent)d 条，最终失败 %(failed)d 条") % {"sent": sent, "failed": failed}
