"""Real browser: an undertaker assigns an expert from the decision page's experts panel; a
declared direct interest is refused with the rule named; screenshots of the panel and the pools
page at 1366×768."""

import datetime as dt

import pytest

from ganchao.conftest import log_in_page
from ganchao.decisions.services import experts as svc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    log_in_page(page, username)
    page.wait_for_url("**/")


def test_assign_from_the_panel(page, dcity, artifacts_dir):
    pool = svc.expert_pool_create(actor=dcity.office, name="赶超市重大行政决策专家库")
    first = svc.expert_add(
        actor=dcity.office, pool=pool, name="李教授", organisation="赶超大学", specialty="交通规划"
    )
    svc.expert_add(
        actor=dcity.office, pool=pool, name="王工", organisation="市政设计院", specialty="道路"
    )
    decision = dcity.launched(technical=True, stability_risk=True, market_activity=True)
    assignment = svc.expert_assign(
        actor=dcity.drc_liaison, decision=decision, expert=first, declaration="本人无直接利害关系。"
    )
    svc.expert_opinion_add(
        actor=dcity.drc_liaison,
        assignment=assignment,
        text="方案总体可行，建议分时段差别收费。",
        signed_by="李教授",
        signed_on=dt.date(2026, 3, 2),
        seal="赶超大学",
    )
    svc.risk_assessment_add(
        actor=dcity.drc_liaison,
        decision=decision,
        assessor="市发改委",
        risk_points="收费上涨引发群众不满",
        measures="分步实施",
        contingency_plan="舆情应对预案",
        conclusion="uncontrollable",
    )
    log_in(page, "drc_liaison")
    page.goto(f"/decisions/{decision.pk}/")
    panel = page.locator("#panel-experts")
    assert "不可控" in panel.inner_text()
    panel.locator("summary", has_text="确定论证专家").click()
    panel.get_by_label("专家", exact=True).select_option(
        label="王工（市政设计院，道路）· 赶超市重大行政决策专家库"
    )
    panel.get_by_label("利益冲突声明").fill("本人与决策事项有直接利害关系。")
    panel.screenshot(path=str(artifacts_dir / "decisions-experts-panel.png"))
    panel.get_by_role("button", name="确定", exact=True).click()
    assert page.get_by_text("【A7】该专家与决策事项有直接利害关系，不得参加论证").count() >= 1
    page.screenshot(path=str(artifacts_dir / "decisions-experts-refused.png"), full_page=True)
    log_in(page, "office")
    page.goto("/decisions/expert-pools/")
    assert page.get_by_text("王工").count() == 1
    page.screenshot(path=str(artifacts_dir / "decisions-expert-pools.png"), full_page=True)
