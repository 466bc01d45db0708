"""The 服务企业 pages: list filters, the enterprise page, the desk, the appeal page with its clocks,
timeline and actions, the public rating page, the scorecard; query counts pinned at two sizes."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganchao.enterprises import selectors, services
from ganchao.enterprises.choices import Scale
from ganchao.enterprises.models import Appeal
from ganchao.enterprises.tests.conftest import CODES, valid_code

pytestmark = pytest.mark.django_db


def test_enterprise_list_filters(ecity, login):
    ecity.make_enterprise("东山小微商贸", CODES[2], town=ecity.town_b, scale=Scale.MICRO)
    client = login(ecity.office)
    page = client.get(reverse("enterprises:list"), {"scale": "micro"}).content.decode()
    assert "东山小微商贸" in page and "赶超精密机械有限公司" not in page
    page = client.get(reverse("enterprises:list"), {"town": ecity.town_a.pk}).content.decode()
    assert "赶超精密机械有限公司" in page and "东山小微商贸" not in page
    page = client.get(reverse("enterprises:list"), {"q": "91350100"}).content.decode()
    assert "赶超精密机械有限公司" in page


def test_register_an_enterprise_with_a_bad_code_shows_the_fault(ecity, login):
    client = login(ecity.office)
    data = {
        "name": "新企业",
        "credit_code": "91350100M000100Y44",
        "sector": "manufacturing",
        "scale": "small",
        "town": ecity.town_a.pk,
    }
    response = client.post(reverse("enterprises:new"), data)
    assert response.status_code == 422
    assert "校验位（第18位）应为3" in response.content.decode()
    ok = client.post(reverse("enterprises:new"), {**data, "credit_code": CODES[1]})
    assert ok.status_code == 302


def test_enterprise_page_records_a_visit_and_an_appeal(ecity, login):
    client = login(ecity.commissioner)
    url = reverse("enterprises:detail", args=[ecity.enterprise.pk])
    page = client.get(url).content.decode()
    assert "陈专员" in page and "记录走访" in page
    visit = client.post(
        reverse("enterprises:visit_record", args=[ecity.enterprise.pk]),
        {"visited_on": "2026-11-02", "notes": "了解扩产计划", "findings": "缺少用地指标"},
    )
    assert visit.status_code == 302
    appeal = client.post(
        reverse("enterprises:appeal_receive", args=[ecity.enterprise.pk]),
        {
            "title": "扩产用地",
            "content": "需新增工业用地30亩",
            "category": "land",
            "channel": "commissioner",
            "owner_unit": ecity.stats.pk,
        },
    )
    assert appeal.status_code == 302
    page = client.get(url).content.decode()
    assert "了解扩产计划" in page and "扩产用地" in page


def test_appeal_page_shows_clocks_and_runs_the_steps(ecity, login):
    appeal = ecity.receive()
    url = reverse("enterprises:appeal_detail", args=[appeal.pk])
    owner = login(ecity.stats_liaison)
    page = owner.get(url).content.decode()
    assert 'data-clock="acknowledge"' in page and "响应诉求" in page
    owner.post(reverse("enterprises:appeal_acknowledge", args=[appeal.pk]), {"note": "已对接"})
    refused = owner.post(reverse("enterprises:appeal_plan", args=[appeal.pk]), {"plan": ""})
    assert refused.status_code == 422 and "请填写办理方案" in refused.content.decode()
    owner.post(reverse("enterprises:appeal_plan", args=[appeal.pk]), {"plan": "协调供电公司"})
    owner.post(
        reverse("enterprises:appeal_resolve", args=[appeal.pk]),
        {"resolution": "已增容", "resolved": "1"},
    )
    commissioner = login(ecity.commissioner)
    commissioner.post(reverse("enterprises:appeal_close", args=[appeal.pk]))
    linked = commissioner.post(reverse("enterprises:rating_link", args=[appeal.pk]))
    text = linked.content.decode()
    assert "评价链接已生成" in text
    rate_url = re.search(r"http://testserver(/enterprises/rate/[^<\s]+/)", text).group(1)
    timeline = commissioner.get(url).content.decode().split('id="timeline"')[1]
    kinds = re.findall(r"<strong>([^<]+)</strong>", timeline)
    assert kinds == ["受理", "响应", "制定方案", "解决", "办结", "发送评价链接"]

    public = Client()
    form = public.get(rate_url)
    assert form.status_code == 200 and "请对办理情况进行评价" in form.content.decode()
    thanks = public.post(rate_url, {"rating": "4", "comment": "及时"})
    assert "感谢您的评价" in thanks.content.decode()
    used = public.get(rate_url)
    assert used.status_code == 410 and "已使用过" in used.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).rating == 4


def test_out_of_scope_appeal_is_404(ecity, login):
    appeal = ecity.receive()
    client = login(ecity.liaison_b)
    assert client.get(reverse("enterprises:appeal_detail", args=[appeal.pk])).status_code == 404


def test_desk_lists_my_open_appeals_with_coloured_clocks(ecity, login):
    ecity.receive(title="融资需求")
    page = login(ecity.commissioner).get(reverse("enterprises:desk")).content.decode()
    assert "融资需求" in page and "data-clock-state=" in page
    assert "赶超精密机械有限公司" in page


def test_the_desk_pages_the_enterprises_a_commissioner_serves(ecity, login):
    for i in range(1, 56):
        enterprise = ecity.make_enterprise(f"测试企业{i:03d}", valid_code(i))
        services.commissioner_assign(
            actor=ecity.office, enterprise=enterprise, user=ecity.commissioner
        )
    client = login(ecity.commissioner)
    first = client.get(reverse("enterprises:desk")).content.decode()
    total = selectors.desk_enterprises(ecity.commissioner).count()
    assert total > 50
    assert f"共 {total} 条" in first and "测试企业001" in first and "测试企业055" not in first
    last = client.get(reverse("enterprises:desk"), {"page": 2}).content.decode()
    assert "测试企业055" in last and "测试企业001" not in last


def test_scorecard_page_has_its_chart_data(ecity, login):
    appeal = ecity.receive()
    services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    page = login(ecity.office).get(reverse("enterprises:scorecard")).content.decode()
    assert "陈专员" in page and 'id="scorecard-data"' in page and "100.0%" in page
    # the chart box has a height (a bare .gc-chart had none here and drew as an empty strip)
    assert re.search(r'id="chart-scorecard" class="gc-chart gc-chart-h\d+"', page)
    page = login(ecity.office).get(reverse("enterprises:scorecard"), {"by": "unit"})
    assert "市统计局" in page.content.decode()


def _fill(ecity, start, n):
    for i in range(start, start + n):
        enterprise = ecity.make_enterprise(f"测试企业{i:03d}", valid_code(i))
        services.commissioner_assign(
            actor=ecity.office, enterprise=enterprise, user=ecity.commissioner
        )
        ecity.receive(enterprise=enterprise, title=f"诉求{i}")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = ["enterprises:list", "enterprises:appeal_list", "enterprises:desk", "enterprises:scorecard"]


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow(ecity, login, name):
    client = login(ecity.commissioner)
    url = reverse(name)
    _fill(ecity, 1, 3)
    client.get(url)  # the session's first request does its own bookkeeping once
    small = _count(client, url)
    _fill(ecity, 10, 27)
    large = _count(client, url)
    assert small == large <= 25


def test_enterprise_and_appeal_pages_do_not_grow(ecity, login):
    client = login(ecity.commissioner)
    e = ecity.enterprise
    appeal = ecity.receive()
    url, appeal_url = (
        reverse("enterprises:detail", args=[e.pk]),
        reverse("enterprises:appeal_detail", args=[appeal.pk]),
    )
    client.get(url)  # the session's first request does its own bookkeeping once
    small = (_count(client, url), _count(client, appeal_url))
    for i in range(10):
        ecity.receive(title=f"再次诉求{i}")
        services.visit_record(
            actor=ecity.commissioner,
            enterprise=e,
            visited_on=appeal.received_at.date(),
            notes="走访",
        )
    services.appeal_acknowledge(actor=ecity.stats_liaison, appeal=appeal)
    large = (_count(client, url), _count(client, appeal_url))
    assert small == large


def test_the_office_edits_the_clocks_on_the_settings_page(ecity, login):
    url = reverse("enterprises:settings")
    assert login(ecity.liaison_a).get(url).status_code == 404
    client = login(ecity.office)
    assert "响应时限（工作小时）" in client.get(url).content.decode()
    data = {"acknowledge_hours": 4, "plan_days": 5, "resolve_days": 20, "rating_link_days": 30}
    bad = client.post(url, {**data, "resolve_days": 0, "version": 1})
    assert bad.status_code == 422
    assert client.post(url, {**data, "version": 1}).status_code == 302
    stale = client.post(url, {**data, "version": 1})
    assert stale.status_code == 422 and "已被他人修改" in stale.content.decode()


def test_commissioner_start_date_is_a_date_picker_and_defaults_to_today(ecity, login):
    enterprise = ecity.make_enterprise("东山新材料", CODES[2], town=ecity.town_a)
    client = login(ecity.office)
    url = reverse("enterprises:detail", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert re.search(r'<input type="date" name="start_on"', page)
    assert "不填则从今天起" in page
    response = client.post(
        reverse("enterprises:commissioner_assign", args=[enterprise.pk]),
        {"user": ecity.commissioner.pk, "start_on": ""},
    )
    assert response.status_code == 302
    assignment = enterprise.commissioners.order_by("-pk").first()
    assert assignment.start_on == timezone.localdate()
