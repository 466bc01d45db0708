"""Real browser: the office opens the appeals desk, accepts an appeal with an adjusted score, and
the appeal's page shows the original score next to the adjusted one and the new revision."""

import pytest
import time_machine
from django.db import transaction

from ganchao.assessment import services
from ganchao.assessment.tests.test_appeals import PUBLISHED, People, at, submit
from ganchao.conftest import log_in_page, make_user
from ganchao.orgs.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    log_in_page(page, username)
    page.wait_for_url("**/")


@pytest.fixture
def appeals(scenario):
    people = People(scenario)
    c_liaison = make_user("c_liaison", scenario.c, Role.LIAISON)
    with time_machine.travel(PUBLISHED, tick=False), transaction.atomic():
        result, _changes = services.result_publish(
            actor=None, scheme=scenario.scheme, period="2026-Q2"
        )
    first = submit(scenario, people, result, requested_score="30")
    submit(
        scenario, people, result, actor=people.b_liaison, unit=scenario.b, component_code="IND",
        reason="指标3的二季度数据已由统计局更正为105，请按更正后数据计分", when=at(2026, 7, 9),
    )  # fmt: skip
    submit(
        scenario, people, result, actor=c_liaison, unit=scenario.c, component_code="SUP",
        reason="4月8日的通报所涉督办单系一季度事项，不应计入二季度", when=at(2026, 7, 10),
    )  # fmt: skip
    return first


def test_office_accepts_an_appeal_on_the_desk(page, appeals, artifacts_dir):
    log_in(page, "office")
    page.goto("/assessment/appeals/")
    assert page.get_by_role("heading", name="申诉受理").is_visible()
    rows = page.locator("#appeal-rows tbody tr")
    assert rows.count() == 3
    page.screenshot(path=str(artifacts_dir / "assessment_appeals_desk.png"), full_page=True)

    row = rows.filter(has_text="甲镇")
    row.get_by_label("调整后得分").fill("30")
    row.get_by_label("处理意见").fill("经核实，节点按时完成")
    row.get_by_role("button", name="采纳并形成新版本").click()
    page.wait_for_load_state()
    assert page.get_by_text("已形成考核结果第2版").is_visible()
    assert rows.count() == 2

    page.goto(f"/assessment/appeals/{appeals.pk}/")
    assert page.locator("#original-score").inner_text() == "26.25"
    assert "已形成第2版" in page.locator("#appeal-decision").inner_text()
    page.screenshot(path=str(artifacts_dir / "assessment_appeal_detail.png"), full_page=True)
