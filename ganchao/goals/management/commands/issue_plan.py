"""`ganchao issue-plan --plan YEAR [--owner CODE]`: issues (下达) a draft plan with the same
checks as the plan page (DESIGN.md 3.1): exit 0 when issued, 1 naming what stops it (no
indicator or task yet, items without a lead unit, already issued), 2 on usage errors."""

import sys

from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.command import GanchaoCommand
from ganchao.goals import services
from ganchao.goals.choices import ItemType
from ganchao.goals.management.commands._sheet_args import add_plan_arguments
from ganchao.goals.models import Assignment
from ganchao.goals.report_imports import find_plan


class Command(GanchaoCommand):
    help = "下达年度计划（与计划页面的“下达计划”相同的检查）；下达后目标值等须通过目标调整办理"

    def add_arguments(self, parser):
        add_plan_arguments(parser)

    def handle(self, *args, **options):
        plan = find_plan(options["plan"], options["owner"])
        plan = services.plan_issue(actor=None, plan=plan)
        items = plan.items.exclude(type=ItemType.GOAL)
        units = Assignment.objects.filter(item__plan=plan).values("unit").distinct().count()
        self.stdout.write(
            _("已下达%(plan)s：指标 %(indicators)d 项，任务 %(tasks)d 项，分解到 %(units)d 个单位")
            % {
                "plan": plan,
                "indicators": items.filter(type=ItemType.INDICATOR).count(),
                "tasks": items.filter(type=ItemType.TASK).count(),
                "units": units,
            }
        )
        if any(workdays.is_provisional_year(y) for y in (plan.year, plan.year + 1)):
            sys.stderr.write(
                _(
                    "提示：%(year)d年（或次年）的法定节假日安排尚未录入，报送期限为临时计算，录入后将重新计算。"
                )
                % {"year": plan.year}
                + "\n"
            )
