"""Real browser: the office opens the 驾驶舱, the goal tree filtered to 严重滞后, and an item."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.goals.choices import Status
from ganchao.goals.models import Assignment, Item, MonthlyStatus, Plan
from ganchao.goals.tests.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STATUSES = [Status.GREEN, Status.GREEN, Status.YELLOW, Status.RED, Status.NOT_REPORTED]


@pytest.fixture
def plan(pinned_clock, city):
    """This year's plan with monthly lights up to last month, "this year" being 2026-11."""
    tree = make_plan(city, year=dt.date.today().year, extra_indicators=12)
    for n, assignment in enumerate(Assignment.objects.filter(item__plan=tree.plan)):
        status = STATUSES[n % len(STATUSES)]
        Assignment.objects.filter(pk=assignment.pk).update(status=status)
        if assignment.role == "lead":
            Item.objects.filter(pk=assignment.item_id).update(
                status=status, expected=1000, actual=800 + 50 * (n % 6)
            )
        for month in range(1, dt.date.today().month):
            MonthlyStatus.objects.create(
                assignment=assignment,
                month=dt.date(tree.plan.year, month + 1, 1) - dt.timedelta(days=1),
                status=STATUSES[(n + month) % len(STATUSES)],
                reported_on_time=(n + month) % 3 != 0,
            )
    Plan.objects.filter(pk=tree.plan.pk).update(last_status_at=dt.datetime.now(dt.UTC))
    return tree


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_office_opens_dashboard_tree_and_an_item(pinned_clock, page, city, plan, artifacts_dir):
    log_in(page, "office")
    assert page.get_by_role("heading", name="驾驶舱").first.is_visible()
    page.locator("#chart-status canvas").first.wait_for()
    page.locator("#chart-heatmap canvas").first.wait_for()
    page.screenshot(path=str(artifacts_dir / "goals_dashboard.png"), full_page=True)

    page.get_by_role("complementary", name="主导航").get_by_role(
        "link", name="目标体系", exact=True
    ).click()
    page.wait_for_url("**/goals/tree/**")
    page.get_by_label("状态").select_option("red")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**status=red**")
    rows = page.locator("#goal-tree tbody tr:not(.gc-goal-row)")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "严重滞后" in text
    page.get_by_role("button", name="全部收起").click()
    assert rows.first.is_hidden()
    page.get_by_role("button", name="全部展开").click()
    page.screenshot(path=str(artifacts_dir / "goals_tree.png"), full_page=True)

    link = rows.first.get_by_role("link").first
    name = link.inner_text()
    link.click()
    page.wait_for_url("**/goals/items/**")
    assert page.get_by_text(name).first.is_visible()
