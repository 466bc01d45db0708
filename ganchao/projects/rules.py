"""The project health rule (滞后 / 受阻), a pure function of plain inputs.

A project is BLOCKED when an open problem that blocks it exists in the ledger; otherwise it
LAGS when a milestone or an approval step is past its planned date and not done, or when the
cumulative actual investment of the months already over is below `ratio` (80 % by default,
setting GANCHAO_PROJECT_INVESTMENT_RATIO) of their cumulative plan; otherwise it is on track.
Every reason is kept so that the page can say why.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ganchao.projects.choices import Health

DEFAULT_RATIO = Decimal("0.8")


@dataclass(frozen=True)
class Dated:
    """A milestone or approval step: its name, planned date and whether it is settled."""

    label: str
    planned: dt.date | None
    settled: bool


@dataclass(frozen=True)
class Month:
    month: dt.date  # first day
    planned: Decimal
    actual: Decimal | None


@dataclass
class Verdict:
    health: str
    overdue: list[Dated] = field(default_factory=list)
    plan_to_date: Decimal = Decimal(0)
    actual_to_date: Decimal = Decimal(0)
    investment_behind: bool = False
    blocking: list = field(default_factory=list)
    threshold: Decimal = DEFAULT_RATIO  # the share of the plan below which investment lags

    @property
    def threshold_percent(self) -> str:
        return f"{self.threshold * 100:.0f}"

    @property
    def ratio(self) -> Decimal | None:
        """Actual over plan of the months already over, or None with no plan yet."""
        if not self.plan_to_date:
            return None
        return self.actual_to_date / self.plan_to_date


def months_over(months, today: dt.date) -> list[Month]:
    """The months that ended before `today`'s month began."""
    current = today.replace(day=1)
    return [m for m in months if m.month < current]


def judge(*, today: dt.date, dated, months, blocking=(), ratio: Decimal = DEFAULT_RATIO) -> Verdict:
    overdue = [d for d in dated if not d.settled and d.planned is not None and d.planned < today]
    over = months_over(months, today)
    plan = sum((m.planned for m in over), Decimal(0))
    actual = sum((m.actual or Decimal(0) for m in over), Decimal(0))
    behind = plan > 0 and actual < plan * ratio
    if blocking:
        health = Health.BLOCKED
    elif overdue or behind:
        health = Health.LAGGING
    else:
        health = Health.ON_TRACK
    return Verdict(
        health=health,
        overdue=overdue,
        plan_to_date=plan,
        actual_to_date=actual,
        investment_behind=behind,
        blocking=list(blocking),
        threshold=ratio,
    )
