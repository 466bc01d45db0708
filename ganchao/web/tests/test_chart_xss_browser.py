"""Charts that cannot run script, under a strict Content-Security-Policy (issue 12 item 3), in
a real browser on the demo city.

1. A representative set of pages (the home page as the office and as a town liaison, the
   cockpit, a scorecard with the benchmark chart, the goal tree, an indicator with its chart,
   a decision, the advisers' usage chart, the supervision scorecard, the burden meter, a
   leader's visits, an enforcement case and the oversight dashboard, the public portal) opens
   with zero CSP violations (the `securitypolicyviolation` events) and zero JavaScript errors,
   also after every chart's tooltip has been shown.
2. The probe's payloads: a unit named `<img src=x onerror=window.__xss=1>` on the cockpit's
   heat map and a benchmark region with the same text on a liaison's scorecard. The mouse
   moves over the heat-map cell and the benchmark bar; the tooltip shows the payload as text
   and `window.__xss` stays undefined.
"""

import datetime as dt

import pytest
from django.urls import reverse

from ganchao.conftest import PINNED_NOW
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.web.tests.crawl import log_in

# Heavy: started before the short tests (ganchao/conftest.py), on whichever worker is free
# (each test restores the worker's one seed of the demo city).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.heavy,
    pytest.mark.django_db(transaction=True),
]

PAYLOAD = "<img src=x onerror=window.__xss=1>"
AS_OF = dt.date(2026, 11, 29)

# Every CSP violation of the page, recorded from the first byte (an init script runs before
# any script of the page and is not itself subject to the page's policy).
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ''}`);
});
"""
# Where a data point of a chart is on the screen (ECharts converts data to pixels).
POINT_SCRIPT = """([id, point]) => {
  const el = document.getElementById(id);
  el.scrollIntoView({block: 'center', behavior: 'instant'});
  const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, point);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y};
}"""
CHARTS_SCRIPT = (
    """() => [...document.querySelectorAll('[_echarts_instance_]')].map((el) => el.id)"""
)


@pytest.fixture
def demo_city(pinned_clock, demo_snapshots):
    return demo_snapshots.restore(
        scale="city", seed=1, as_of=AS_OF, moment=PINNED_NOW, clock=pinned_clock
    )


@pytest.fixture
def watched(browser, live_server):
    """A new browser context per user, recording console errors, uncaught exceptions and CSP
    violations; `watched.problems(page)` lists what happened on the page just opened."""

    class Watched:
        def __init__(self):
            self.contexts = []
            self.errors = []

        def page(self, username):
            context = browser.new_context(
                viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url
            )
            context.set_default_timeout(20000)
            context.add_init_script(WATCH_VIOLATIONS)
            self.contexts.append(context)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
            page.on("pageerror", lambda exc: self.errors.append(str(exc)))
            if username:
                log_in(page, username, DEMO_PASSWORD)
            return page

        def problems(self, page) -> list[str]:
            found = [f"CSP: {v}" for v in page.evaluate("() => window.__csp || []")]
            found += [f"JS: {e}" for e in self.errors]
            self.errors.clear()
            return found

    watcher = Watched()
    yield watcher
    for context in watcher.contexts:
        context.close()


def hover_every_chart(page) -> int:
    """Move the mouse across each chart so that its tooltip is drawn; how many charts."""
    charts = page.evaluate(CHARTS_SCRIPT)
    for chart in charts:
        element = page.locator(f"#{chart}")
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        for fraction in (0.3, 0.5, 0.7):
            page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
            page.wait_for_timeout(60)
    return len(charts)


def representative_pages():
    """(who, address) for the pages the issue names, with ids from the demo city."""
    from ganchao.assessment.models import Benchmark
    from ganchao.decisions.models import Decision
    from ganchao.goals.models import Item
    from ganchao.orgs.models import Leader

    indicator = Item.objects.filter(type="indicator", assignments__isnull=False).first()
    return [
        ("office1", "/"),  # the cockpit: status, trend, lagging units, heat map, burden meter
        ("office1", reverse("goals:tree")),
        ("office1", reverse("goals:item_detail", args=[indicator.pk])),
        ("office1", reverse("decisions:detail", args=[Decision.objects.first().pk])),
        ("office1", reverse("decisions:adviser_usage")),
        ("office1", reverse("supervision:scorecard_units")),
        ("office1", reverse("visits:burden")),
        ("office1", reverse("visits:leader_page", args=[Leader.objects.first().pk])),
        (
            "office1",
            reverse("assessment:benchmark_detail", args=[Benchmark.objects.first().item_id]),
        ),
        ("leader02", "/"),
        ("t01_liaison", "/"),
        ("t01_liaison", reverse("assessment:my_scorecard")),
        ("scjg_officer", reverse("enforcement:case_detail", args=[_case_of("scjg_officer")])),
        ("scjg_head", reverse("enforcement:dashboard")),
        (None, reverse("portal:index")),
        (None, "/accounts/login/"),
    ]


def _case_of(username):
    from ganchao.enforcement.models import Case

    return Case.objects.filter(agency__officers__user__username=username).first().pk


def test_representative_pages_run_without_a_csp_violation_or_a_script_error(watched, demo_city):
    failures, charts = [], 0
    pages = {}
    for username, url in representative_pages():
        page = pages.get(username) or pages.setdefault(username, watched.page(username))
        response = page.goto(url, wait_until="load")
        assert response.status < 400, f"{username} {url}: HTTP {response.status}"
        assert "/accounts/login/" not in page.url or url == "/accounts/login/", url
        charts += hover_every_chart(page)
        failures += [f"[{username}] {url}: {p}" for p in watched.problems(page)]
    assert not failures, "\n".join(failures)
    assert charts >= 10  # the charts were drawn (ECharts ran under the policy)


def test_a_unit_name_on_the_heat_map_shows_as_text(watched, demo_city):
    from ganchao.orgs.models import Unit

    page = watched.page("office1")
    page.goto("/")
    heat = page.evaluate("() => JSON.parse(document.getElementById('dashboard-data').textContent)")
    heat = heat["heatmap"]
    Unit.objects.filter(code=heat["units"][0]["code"]).update(name=PAYLOAD)
    month = next(cell[0] for cell in heat["cells"] if cell[1] == 0)

    page.reload()
    point = page.evaluate(POINT_SCRIPT, ["chart-heatmap", [month, 0]])
    tip = show_tooltip(page, point)

    assert PAYLOAD in tip.inner_text()
    assert tip.locator("img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert watched.problems(page) == []


def test_a_benchmark_region_on_the_scorecard_shows_as_text(watched, demo_city):
    from django.contrib.auth import get_user_model

    from ganchao.assessment.benchmarks import unit_gaps
    from ganchao.assessment.models import Benchmark

    liaison, shown = None, []
    for user in get_user_model().objects.filter(username__endswith="_liaison").order_by("username"):
        shown = [g for g in unit_gaps(user.unit, AS_OF.year) if g["percent"] is not None]
        if shown:
            liaison = user
            break
    assert liaison, "no liaison of the demo city has a benchmarked indicator"
    Benchmark.objects.filter(pk=shown[0]["benchmark_id"]).update(region=PAYLOAD)

    page = watched.page(liaison.username)
    page.goto(reverse("assessment:my_scorecard"))
    page.locator("#benchmark-gaps-chart canvas").first.wait_for()
    value = float(shown[0]["percent"])
    point = page.evaluate(POINT_SCRIPT, ["benchmark-gaps-chart", [value / 2, 0]])
    tip = show_tooltip(page, point)

    assert PAYLOAD in tip.inner_text()
    assert tip.locator("img").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert watched.problems(page) == []


def show_tooltip(page, point):
    """Move onto the point (twice: ECharts shows the tooltip on mousemove) and return the
    visible tooltip."""
    page.mouse.move(point["x"] - 3, point["y"])
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".gc-tip-box").filter(has_text="onerror")
    tip.first.wait_for(state="visible")
    page.wait_for_timeout(200)  # an onerror handler, were there one, would have run by now
    return tip.first
