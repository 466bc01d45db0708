"""The issue's worked example built in the database: scheme TOWNS (quarterly) over three towns
of one category, 2026-Q2."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from ganchao.assessment import services
from ganchao.conftest import make_unit
from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.ladder.models import BulletinListing, SupervisionNotice
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import UnitCategory
from ganchao.supervision.models import Alert

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 50, "method": "ratio"},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": 30},
    {"code": "SUP", "name": "督办情况", "kind": "supervision", "points": 20},
]


def moment(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=SHANGHAI)


class Scenario:
    def __init__(self):
        self.category = UnitCategory.objects.create(code="TOWN", name="乡镇")
        root = make_unit("赶超市", UnitType.CITY, code="C")
        self.a = make_unit("甲镇", UnitType.TOWN, root, code="T01", category=self.category)
        self.b = make_unit("乙镇", UnitType.TOWN, root, code="T02", category=self.category)
        self.c = make_unit("丙镇", UnitType.TOWN, root, code="T03", category=self.category)
        # the office's own unit (office and leader accounts may not sit in the root); no category
        self.office_unit = make_unit("市委督查室", UnitType.DEPARTMENT, root, code="D90")
        with transaction.atomic():
            self.scheme = services.scheme_create(
                actor=None,
                code="TOWNS",
                name="乡镇季度考核",
                category=self.category,
                period_type="quarter",
                components=COMPONENTS,
            )
        self.plan = Plan.objects.create(owner=root, year=2026, state="issued")
        self._indicators()
        self._milestones()
        self._ladder()
        with transaction.atomic():
            add = services.score_item_add
            add(actor=None, scheme=self.scheme, period="2026-Q2", unit=self.a, kind="bonus",
                points=1, reason="省级表彰", approved=True)  # fmt: skip
            add(actor=None, scheme=self.scheme, period="2026-Q2", unit=self.a, kind="bonus",
                points=3, reason="未审定", approved=False)  # fmt: skip
            add(actor=None, scheme=self.scheme, period="2026-Q2", unit=self.b, kind="deduction",
                points=2, reason="扣分", approved=True)  # fmt: skip
            add(actor=None, scheme=self.scheme, period="2026-Q2", unit=self.c, kind="veto",
                points=0, reason="一票否决", approved=True)  # fmt: skip

    def item(self, code, type, **values):
        return Item.objects.create(
            plan=self.plan, code=code, sort_key=Item.sort_key_for(code), name=f"事项{code}",
            type=type, **values,
        )  # fmt: skip

    def report(self, assignment, value=None, period="2026-Q2", end=dt.date(2026, 6, 30)):
        return ProgressReport.objects.create(
            assignment=assignment, period=period, period_end=end, state="submitted", value=value
        )

    def _indicators(self):
        self.reports = {}
        for code, unit, weight, value in [
            ("1", self.a, 2, 105), ("2", self.a, 1, 80), ("3", self.b, 1, 100),
            ("4", self.c, 1, 50),
        ]:  # fmt: skip
            item = self.item(code, "indicator", nature="level", frequency="quarterly", target=100)
            assignment = Assignment.objects.create(item=item, unit=unit, role="lead", weight=weight)
            self.reports[code] = self.report(assignment, D(value))

    def _milestones(self):
        for code, unit, dates in [
            ("5", self.a, [(4, 10, 4, 9), (5, 11, 5, 11), (6, 10, 6, 1), (6, 19, 6, 26)]),
            ("6", self.b, [(4, 30, 4, 30), (6, 30, 6, 2)]),
        ]:
            task = self.item(code, "task", frequency="monthly")
            assignment = Assignment.objects.create(item=task, unit=unit, role="lead")
            report = self.report(assignment, period="2026-06", end=dt.date(2026, 6, 30))
            for position, (dm, dd, cm, cd) in enumerate(dates, start=1):
                milestone = Milestone.objects.create(
                    item=task, position=position, due_date=dt.date(2026, dm, dd), description="节点"
                )
                MilestoneCompletion.objects.create(
                    report=report, milestone=milestone, completed_on=dt.date(2026, cm, cd)
                )
        # C's task has its milestone in Q3: none due in Q2
        task = self.item("7", "task", frequency="monthly")
        Assignment.objects.create(item=task, unit=self.c, role="lead")
        Milestone.objects.create(
            item=task, position=1, due_date=dt.date(2026, 8, 1), description="节点"
        )

    def _urge(self, unit, at, key):
        assignment = unit.assignments.first()
        return Alert.objects.create(
            level=2, trigger="turned_red", assignment=assignment, cause_key=key, at=at, unit=unit,
            message="催办",
        )  # fmt: skip

    def _notice(self, unit, issued_at, key):
        return SupervisionNotice.objects.create(
            state="issued", trigger="red_ten_days", cause_key=key,
            assignment=unit.assignments.first(), unit=unit, proposed_at=issued_at, reason="r",
            title="督办单", content="c", issued_at=issued_at,
        )  # fmt: skip

    def _ladder(self):
        self._urge(self.a, moment(2026, 5, 6), "2026-04")
        self._notice(self.a, moment(2026, 5, 20), "2026-04")
        self._urge(self.c, moment(2026, 3, 3), "2026-02")
        notice = self._notice(self.c, moment(2026, 3, 20), "2026-02")
        BulletinListing.objects.create(
            notice=notice, unit=self.c, dated=dt.date(2026, 4, 8), at=moment(2026, 4, 8), year=2026,
            ordinal=1,
        )  # fmt: skip


@pytest.fixture
def scenario(db):
    return Scenario()
