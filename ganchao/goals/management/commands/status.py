"""`ganchao status --plan YEAR [--owner CODE]`: the plan's tree as of the last tick, as JSON in
the shape of `/plans/{id}/tree` (DESIGN.md 3.1, 3.7)."""

import json

from ganchao.common.command import GanchaoCommand
from ganchao.goals.management.commands._sheet_args import add_plan_arguments
from ganchao.goals.report_imports import find_plan
from ganchao.goals.tree import plan_tree


class Command(GanchaoCommand):
    help = "以 JSON 输出年度计划的目标树及最近一次计算的状态"

    def add_arguments(self, parser):
        add_plan_arguments(parser)

    def handle(self, *args, **options):
        plan = find_plan(options["plan"], options["owner"])
        self.stdout.write(json.dumps(plan_tree(plan), ensure_ascii=False, indent=2))
