"""What a checked goal sheet changes (for the preview, the summary and the audit event), and
the refusals once the plan is issued: a target, a staged target or a milestone date of an
existing item or assignment is changed through a target adjustment, not an import (DESIGN.md
3.5). A mixin of imports.GoalSheetPlan."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import ItemType, Role
from ganchao.goals.models import Item
from ganchao.goals.sheet_rows import HEADER_OF, ITEM_FIELDS, QUARTER_FIELDS, format_number

if TYPE_CHECKING:
    from ganchao.goals.imports import Desired, GoalImportResult

ADJUST = "请通过目标调整办理"
GUARDED_ITEM_FIELDS = ("target", *QUARTER_FIELDS)
ASSIGNMENT_VALUE_FIELDS = (
    "target",
    "q1",
    "q2",
    "q3",
    "q4",
    "weight",
    "responsible_person",
    "contact",
    "contact_phone",
)


class ChangeReview:
    # -- after issue ----------------------------------------------------------------------------

    def _check_issued(self) -> None:
        if not self.issued:
            return
        for item in self.desired.values():
            if item.row is None or item.stored is None:
                continue
            for name in GUARDED_ITEM_FIELDS:
                if _differs(item.stored[name], item.values[name]):
                    item.row.cells.fail(
                        HEADER_OF[name], self._refusal(item.stored[name], item.values[name])
                    )
            stored_dates = [
                m["due_date"] for m in self.stored_milestones.get(item.stored["id"], [])
            ]
            new_dates = [day for day, _text in item.milestones[: len(stored_dates)]]
            if new_dates != stored_dates[: len(new_dates)]:
                header = gs.MILESTONES if self.table.has(gs.MILESTONES) else gs.DEADLINE
                item.row.cells.fail(
                    header, _("计划已下达，节点时间不能在导入时修改，%(how)s") % {"how": ADJUST}
                )
            self._check_issued_assignments(item)

    def _check_issued_assignments(self, item: "Desired") -> None:
        stored = self.stored_assignments.get(item.stored["id"], {})
        for unit, assignment in item.assignments.items():
            before = stored.get(unit)
            if before is None:
                continue
            for name in ("target", *QUARTER_FIELDS):
                if _differs(before[name], assignment[name]):
                    split = assignment.get("split_row")
                    cells = split.cells if split else item.row.cells
                    header = HEADER_OF[name] if split else gs.TARGET
                    cells.fail(header, _("“%(unit)s”的") % {"unit": self.context.units[unit].name}
                               + self._refusal(before[name], assignment[name]))  # fmt: skip
                    break

    @staticmethod
    def _refusal(before, after) -> str:
        return _("计划已下达，不能在导入时由 %(before)s 改为 %(after)s，%(how)s") % {
            "before": format_number(before) or _("（空）"),
            "after": format_number(after) or _("（空）"),
            "how": ADJUST,
        }

    # -- the changes ----------------------------------------------------------------------------

    def describe(self, result: "GoalImportResult") -> None:
        leader_names = {
            pk: name for name, pks in self.context.leaders_by_name.items() for pk in pks
        }
        for item in sorted(self.desired.values(), key=lambda d: Item.sort_key_for(d.code)):
            if item.row is None:
                result.warnings.append(
                    _("编号 %(code)s（%(name)s）不在表中，保持不变（导入不删除目标任务）")
                    % {"code": item.code, "name": item.values["name"]}
                )
                continue
            if item.stored is None:
                result.created.append(
                    {
                        "row": item.row.number,
                        "code": item.code,
                        "name": item.values["name"],
                        "type": ItemType(item.values["type"]).label,
                    }
                )
                continue
            item.changes = self._changes_of(item, leader_names)
            if item.changes:
                result.updated.append(
                    {
                        "row": item.row.number,
                        "code": item.code,
                        "name": item.values["name"],
                        "changes": item.changes,
                    }
                )
            else:
                result.unchanged += 1
        result.warnings = self.warnings + result.warnings

    def _changes_of(self, item: "Desired", leader_names: dict) -> list[tuple[str, str, str]]:
        changes = []
        for name in ITEM_FIELDS:
            before, after = item.stored[name], item.values[name]
            if _differs(before, after):
                changes.append((HEADER_OF[name], self._show(name, before), self._show(name, after)))
        pk = item.stored["id"]
        before_leaders = self.stored_leaders.get(pk, [])
        if set(before_leaders) != set(item.leaders):
            changes.append((gs.LEADERS, "、".join(leader_names.get(p, "") for p in before_leaders),
                            "、".join(leader_names.get(p, "") for p in item.leaders)))  # fmt: skip
        before_ms = [(m["due_date"], m["description"]) for m in self.stored_milestones.get(pk, [])]
        if before_ms != list(item.milestones):
            changes.append(
                (gs.MILESTONES, _milestone_text(before_ms), _milestone_text(item.milestones))
            )
        stored = self.stored_assignments.get(pk, {})
        for unit, values in item.assignments.items():
            before = stored.get(unit)
            if before is not None and not any(
                _differs(before[n], values[n]) for n in ("role", *ASSIGNMENT_VALUE_FIELDS)
            ):
                continue
            unit_name = self.context.units[unit].name
            old = self._show_assignment(before) if before else ""
            changes.append(
                (_("单位分工：%(unit)s") % {"unit": unit_name}, old, self._show_assignment(values))
            )
        return changes

    @staticmethod
    def _show_assignment(values: dict) -> str:
        parts = [str(Role(values["role"]).label)]
        if values["target"] is not None:
            parts.append(_("目标值 %(value)s") % {"value": format_number(values["target"])})
        people = [
            values[n] for n in ("responsible_person", "contact", "contact_phone") if values[n]
        ]
        return "，".join(parts + people)

    def _show(self, name: str, value) -> str:
        if value is None or value == "":
            return ""
        if name == "data_source_unit_id":
            node = self.context.units.get(value)
            return node.name if node else str(value)
        if name in ("type", "direction", "nature", "frequency"):
            field_ = Item._meta.get_field(name)
            return str(dict(field_.choices).get(value, value))
        if isinstance(value, Decimal):
            return format_number(value)
        return str(value)


def _differs(before, after) -> bool:
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        if before is None or after is None:
            return before is not after
        return Decimal(before) != Decimal(after)
    return (before or "") != (after or "") if isinstance(before or after, str) else before != after


def _milestone_text(milestones) -> str:
    return "；".join(f"{day:%Y-%m-%d}：{text}" for day, text in milestones)
