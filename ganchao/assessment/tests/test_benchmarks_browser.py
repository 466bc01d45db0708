"""Real browser: the office opens the benchmark register and one indicator's page, whose chart
draws the units' values against the benchmark; the scorecard partial draws its own chart."""

import pytest
from django.template.loader import render_to_string

from ganchao.assessment import benchmarks
from ganchao.assessment.tests.test_appeals_browser import log_in
from ganchao.assessment.tests.test_benchmarks import Register
from ganchao.conftest import make_unit
from ganchao.goals.tests.factories import make_assignment, make_report
from ganchao.orgs.choices import UnitType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(city):
    register = Register(city)
    for n, value in enumerate([1200, 1650, 1900, 2100, 980]):
        unit = make_unit(f"{'南北中新青'[n]}湖镇", UnitType.TOWN, city.root, code=f"C4{n:02d}")
        make_report(make_assignment(register.revenue, unit), "2026-06", value=value)
    return register


def test_office_opens_the_register_and_an_indicator(page, register, artifacts_dir):
    log_in(page, "office")
    page.goto("/assessment/benchmarks/")
    assert page.locator(".benchmark-group").count() == 3
    page.screenshot(path=str(artifacts_dir / "assessment_benchmarks.png"), full_page=True)

    page.get_by_role("link", name="3 一般公共预算收入").click()
    page.wait_for_url("**/benchmarks/indicators/**")
    page.locator("#benchmark-chart canvas").first.wait_for()
    assert page.locator("#benchmark-rows tbody tr").count() == 7
    page.screenshot(path=str(artifacts_dir / "assessment_benchmark_detail.png"), full_page=True)


def test_scorecard_partial_draws_its_chart(page, register, city, live_server, artifacts_dir):
    gaps = benchmarks.unit_gaps(city.town_a, 2026)
    body = render_to_string("assessment/_benchmark_gaps.html", {"gaps": gaps})
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/vendor/tabler/tabler.min.css">'
        '<link rel="stylesheet" href="/static/ganchao/ganchao.css">'
        '<script src="/static/ganchao/ganchao.js"></script></head>'  # as base.html has it
        f'<body><div class="container-xl py-3" style="max-width:900px">{body}</div></body></html>'
    )
    page.route(
        "**/partial-preview", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    page.goto(f"{live_server.url}/partial-preview")
    page.locator("#benchmark-gaps-chart canvas").first.wait_for()
    assert page.locator("#benchmark-gap-rows tbody tr").count() == 3
    assert "按序时折算" in page.locator("#benchmark-gap-rows").inner_text()
    page.screenshot(
        path=str(artifacts_dir / "assessment_benchmark_gaps_partial.png"), full_page=True
    )
