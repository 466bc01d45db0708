"""The refusal of a step by a statutory rule (DESIGN.md 3.12): 409 `procedure_blocked`, each
error's field the rule id."""

from ganchao.common.errors import Conflict, FieldError


class ProcedureBlocked(Conflict):
    code = "procedure_blocked"

    @classmethod
    def of(cls, step_label: str, blockers) -> "ProcedureBlocked":
        """From a list of gates.Blocker (at least one)."""
        first = blockers[0].message
        message = f"不能{step_label}：{first}" if step_label else first
        if len(blockers) > 1:
            message += f"（等{len(blockers)}项）"
        return cls(message, [FieldError(b.rule, b.message) for b in blockers])

    @classmethod
    def rule(cls, rule: str, message: str) -> "ProcedureBlocked":
        return cls(message, [FieldError(rule, message)])
