"""The office's review queue at volume: filters, search, sort, counts, paging that keeps the
filters, bulk accept with one confirmation (page and API), per-row conflicts, the return reason
error on the page, and who is named as the reporter."""

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.goals.choices import ReportState, Role
from ganchao.goals.models import Evidence, ProgressReport
from ganchao.goals.tests.factories import make_assignment, make_item, make_plan, make_report
from ganchao.orgs.models import Unit

pytestmark = pytest.mark.usefixtures("pinned_clock")
URL = "/goals/reports/review/"


@pytest.fixture
def tree(city):
    return make_plan(city)


def _evidence(report, by):
    return Evidence.objects.create(
        report=report,
        file="evidence/x.pdf",
        original_name="台账.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=by,
    )


@pytest.fixture
def queue(city, tree):
    """西湖镇: 2026-04 on time with evidence, 2026-05 late; 东山镇: 2026-04 late; 李庄村 (under
    西湖镇): 2026-04; one accepted and one returned report."""
    village = make_assignment(tree.indicator, city.village_a, Role.RESPONSIBLE)
    rows = {
        "a04": make_report(tree.ind_lead, "2026-04", value=4000, by=city.liaison_a),
        "a05": make_report(tree.ind_lead, "2026-05", value=5000, late=True, by=city.liaison_a),
        "b04": make_report(tree.ind_resp, "2026-04", value=1300, late=True, by=city.liaison_b),
        "v04": make_report(village, "2026-04", value=10, by=city.village_a_user),
        "acc": make_report(tree.ind_lead, "2026-03", value=3000, state=ReportState.ACCEPTED),
        "ret": make_report(tree.ind_resp, "2026-03", value=900, state=ReportState.RETURNED),
    }
    _evidence(rows["a04"], city.liaison_a)
    return rows


def _rows(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    html = response.content.decode()
    return html, html.count('name="report" value=')


def test_filters_search_and_counts(city, queue, login):
    client = login(city.office)
    html, shown = _rows(client)
    assert shown == 4
    assert "待审核 <span" in html and ">4</span>" in html  # the state tab counts
    assert "逾期 2" in html and "有佐证 1" in html and "无佐证 3" in html
    # unit with its subtree: 西湖镇 brings 李庄村's report along
    assert _rows(client, "?unit=C101")[1] == 3
    assert _rows(client, "?unit=西湖镇&late=1")[1] == 1
    assert _rows(client, "?late=1")[1] == 2
    assert _rows(client, "?evidence=1")[1] == 1
    assert _rows(client, "?evidence=0")[1] == 3
    assert _rows(client, "?period=2026-05")[1] == 1
    assert _rows(client, f"?item={queue['a04'].assignment.item_id}")[1] == 4
    assert _rows(client, "?q=东山")[1] == 1
    assert _rows(client, "?q=C102001")[1] == 0
    assert _rows(client, "?q=1.1")[1] == 4  # the item's 编号
    html, _n = _rows(client, "?state=accepted")
    assert "2026年3月" in html and "审核通过所选" not in html
    assert _rows(client, "?state=returned")[0].count("东山镇") >= 1


def test_sort_both_ways_and_paging_keeps_the_filters(city, tree, login, monkeypatch):
    for month in range(1, 13):
        make_report(tree.ind_lead, f"2026-{month:02d}", value=month, late=month % 2 == 0)
    client = login(city.office)
    table = _rows(client, "?sort=-due")[0].split('id="review-rows"')[1]
    assert table.index("2026年12月") < table.index("2026年1月")
    table = _rows(client, "?sort=due")[0].split('id="review-rows"')[1]
    assert table.index("2026年1月") < table.index("2026年12月")
    from ganchao.goals import review_views

    monkeypatch.setattr(review_views, "PER_PAGE", 4)
    html, shown = _rows(client, "?late=1&sort=-due")
    assert shown == 4
    assert "late=1" in html.split('aria-label="分页"')[1]  # the next-page link keeps it
    assert _rows(client, "?late=1&sort=-due&page=2")[1] == 2


def test_unknown_unit_or_period_is_named_on_the_page(city, queue, login):
    response = login(city.office).get(URL + "?unit=不存在的单位&period=2026-13")
    assert response.status_code == 422
    html = response.content.decode()
    assert "单位：找不到“不存在的单位”" in html and "数据期间：“2026-13”不是有效的期间" in html


def test_bulk_accept_selected_after_one_confirmation(city, queue, login):
    client = login(city.office)
    a04, b04 = queue["a04"], queue["b04"]
    picked = [f"{a04.pk}:{a04.version}", f"{b04.pk}:{b04.version}"]
    confirm = client.post(URL + "accept/", {"report": picked, "next": URL + "?late=1"})
    assert "将审核通过 2 条进展报告" in confirm.content.decode()
    assert ProgressReport.objects.get(pk=a04.pk).state == ReportState.SUBMITTED  # not yet
    done = client.post(URL + "accept/", {"report": picked, "confirm": "1", "next": URL})
    assert "已审核通过 2 条" in done.content.decode()
    assert set(
        ProgressReport.objects.filter(pk__in=[a04.pk, b04.pk]).values_list("state", flat=True)
    ) == {ReportState.ACCEPTED}
    assert AuditEvent.objects.filter(action="report.accept").count() == 2  # one per report


def test_bulk_accept_all_matching_reports_conflicts_per_row(city, queue, login):
    client = login(city.office)
    confirm = client.post(URL + "accept/", {"all": "1", "unit": "C101", "next": URL})
    html = confirm.content.decode()
    assert "将审核通过 3 条进展报告" in html
    posted = [e.split('"')[0] for e in html.split('name="report" value="')[1:]]
    assert len(posted) == 3
    # someone else accepts one of them meanwhile
    ProgressReport.objects.filter(pk=queue["a05"].pk).update(version=99)
    done = client.post(URL + "accept/", {"report": posted, "confirm": "1", "next": URL})
    html = done.content.decode()
    assert "已审核通过 2 条" in html and "1 条未能通过" in html and "已被他人修改" in html
    assert ProgressReport.objects.get(pk=queue["a05"].pk).state == ReportState.SUBMITTED
    assert ProgressReport.objects.get(pk=queue["b04"].pk).state == ReportState.SUBMITTED


def test_blank_return_reason_shows_its_error_on_the_page(city, queue, login):
    report = queue["a04"]
    response = login(city.office).post(
        f"/goals/reports/{report.pk}/return/",
        {"version": report.version, "reason": "   ", "next": URL + "?late=1"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写退回原因" in html and 'id="error-summary"' in html
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_reporter_column_names_the_reporting_unit(city, tree, login):
    """A data-source unit (市统计局) submits the value of 西湖镇's assignment: the column says so
    instead of naming a stranger as if he were 西湖镇's liaison."""
    from ganchao.conftest import make_user
    from ganchao.orgs.choices import Role as OrgRole

    stats_liaison = make_user("stats_liaison", city.stats, OrgRole.LIAISON)
    stats_liaison.full_name = "钱统计"
    stats_liaison.save()
    item = make_item(
        tree.plan, "1.9", "规上工业增加值", "indicator", parent=tree.goal,
        data_source_unit=city.stats, target=100,
    )  # fmt: skip
    assignment = make_assignment(item, city.town_b)
    make_report(assignment, "2026-04", value=12, by=stats_liaison)
    html, _n = _rows(login(city.office), "?q=规上工业")
    row = html.split('id="review-rows"')[1]
    assert "市统计局（数据来源单位代报）" in row
    assert "东山镇" in row


def test_review_queue_query_count_does_not_grow(city, tree, login, django_assert_max_num_queries):
    client = login(city.office)
    units = [Unit.objects.get(pk=city.town_a.pk), Unit.objects.get(pk=city.town_b.pk)]
    for month in range(1, 4):
        make_report(tree.ind_lead, f"2026-{month:02d}", value=month)
    with django_assert_max_num_queries(24):
        assert client.get(URL + "?sort=-unit").status_code == 200
    for index in range(40):
        item = make_item(tree.plan, f"1.{index + 10}", f"指标{index}", "indicator", tree.goal)
        for unit in units:
            report = make_report(make_assignment(item, unit), "2026-04", value=index)
            _evidence(report, city.office)
    with django_assert_max_num_queries(24):
        assert client.get(URL + "?sort=-unit").status_code == 200


# ---- API ---------------------------------------------------------------------------------------


def test_api_list_with_filters_and_counts(city, queue, login):
    client = login(city.office)
    answer = client.get("/api/v1/reports/review?unit=C101&late=true").json()
    assert answer["count"] == 1
    assert answer["items"][0]["unit_code"] == "C101" and answer["items"][0]["late"] is True
    assert answer["counts"]["states"]["submitted"] == 1
    assert answer["counts"]["late"] == 1 and answer["counts"]["on_time"] == 2
    bad = client.get("/api/v1/reports/review?period=2026-13")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    assert login(city.liaison_a).get("/api/v1/reports/review").status_code == 403


def test_api_accept_bulk_by_ids_and_by_filters(city, queue, login):
    client = login(city.office)
    a04, b04 = queue["a04"], queue["b04"]
    answer = client.post(
        "/api/v1/reports/accept-bulk",
        {"reports": [{"id": a04.pk, "expected_version": a04.version}, {"id": b04.pk,
                     "expected_version": b04.version + 5}]},
        content_type="application/json",
    ).json()  # fmt: skip
    assert answer["accepted"] == [a04.pk]
    assert answer["failed"][0]["id"] == b04.pk and answer["failed"][0]["code"] == "conflict"
    stale = client.post(
        "/api/v1/reports/accept-bulk",
        {"filters": {"unit": "C101"}, "expected_count": 5},
        content_type="application/json",
    )
    assert stale.status_code == 409 and "现为 2 条" in stale.json()["message"]
    answer = client.post(
        "/api/v1/reports/accept-bulk",
        {"filters": {"unit": "C101"}, "expected_count": 2},
        content_type="application/json",
    ).json()
    assert len(answer["accepted"]) == 2 and answer["failed"] == []
    outsider = login(city.liaison_b).post(
        "/api/v1/reports/accept-bulk",
        {"reports": [{"id": b04.pk}]},
        content_type="application/json",
    )
    assert outsider.status_code == 403
    assert ProgressReport.objects.get(pk=b04.pk).state == ReportState.SUBMITTED
