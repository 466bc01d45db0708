"""Scheme pages and the office's component editor; the period page with publication and the
public release; the public ranking without sign-in."""

import re
from decimal import Decimal as D

from ganchao.assessment.models import PublicRelease, Result, Scheme
from ganchao.assessment.tests.league_support import people, publish, quarters  # noqa: F401
from ganchao.audit.models import AuditEvent

PERIOD = "/assessment/schemes/TOWNS/periods/2026-Q2/"


def text(response) -> str:
    return response.content.decode()


def scheme_post(category, points=(50, 30, 20), **extra):
    data = {
        "code": "DEPTS", "name": "部门年度考核", "category": category.pk, "period_type": "year",
        "excellent_threshold": "90", "good_threshold": "80", "pass_threshold": "60",
        "bonus_cap": "5", "excellent_share": "30",
        "c-TOTAL_FORMS": "4", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "20",
    }  # fmt: skip
    rows = [("IND", "指标完成", "indicators", "linear_floor", "60"),
            ("MS", "节点完成", "milestones", "ratio", ""),
            ("SUP", "督办情况", "supervision", "ratio", "")]  # fmt: skip
    for index, ((code, name, kind, method, floor), value) in enumerate(
        zip(rows, points, strict=True)
    ):
        data |= {f"c-{index}-code": code, f"c-{index}-name": name, f"c-{index}-kind": kind,
                 f"c-{index}-points": str(value), f"c-{index}-method": method,
                 f"c-{index}-floor": floor}  # fmt: skip
    return data | extra


def test_scheme_list_and_detail_for_staff(login, people, quarters):  # noqa: F811
    client = login(people.liaison_a)
    body = text(client.get("/assessment/schemes/"))
    assert "乡镇季度考核" in body and "指标完成 50" in body and "新建考核方案" not in body
    detail = text(client.get("/assessment/schemes/TOWNS/"))
    assert "按完成率" in detail and "2026年第二季度" in detail and "发布与版本" not in detail
    assert client.get("/assessment/schemes/new/").status_code == 404
    assert client.get("/assessment/schemes/NOPE/").status_code == 404


def test_points_not_summing_to_100_are_shown_and_nothing_saved(login, people, scenario):  # noqa: F811
    client = login(people.office)
    response = client.post("/assessment/schemes/new/", scheme_post(scenario.category, (50, 30, 10)))
    assert response.status_code == 200
    assert "各组成项分值合计为 90，应为 100" in text(response) and "error-summary" in text(response)
    assert not Scheme.objects.filter(code="DEPTS").exists()


def test_office_creates_a_scheme_and_a_new_version(login, people, scenario):  # noqa: F811
    client = login(people.office)
    response = client.post("/assessment/schemes/new/", scheme_post(scenario.category))
    assert response.status_code == 302, (
        response.context["formset"].errors,
        response.context["formset"].non_form_errors(),
    )
    scheme = Scheme.objects.get(code="DEPTS")
    assert scheme.excellent_share == D("0.3")
    assert scheme.components.get(code="IND").floor == D("0.6")
    form = text(client.get("/assessment/schemes/DEPTS/new-version/"))
    assert "制定第2版" in form and 'value="指标完成"' in form
    data = scheme_post(scenario.category, (40, 40, 20), name="部门年度考核（修订）")
    assert client.post("/assessment/schemes/DEPTS/new-version/", data).status_code == 302
    assert Scheme.objects.filter(code="DEPTS").count() == 2
    assert "第2版" in text(client.get("/assessment/schemes/DEPTS/"))


def test_period_page_publishes_and_lists_differences(login, people, scenario):  # noqa: F811
    publish(scenario.scheme, "2026-Q2")
    client = login(people.office)
    assert "当前计算结果与最新发布的版本一致" in text(client.get(PERIOD))
    report = scenario.reports["2"]
    report.value = D(100)
    report.save(update_fields=["value"])
    assert "甲镇 指标完成 46.67 → 50.00" in text(client.get(PERIOD))
    response = client.post(f"{PERIOD}publish/")
    assert response["Location"] == f"{PERIOD}revisions/2/"
    page = text(client.get(response["Location"]))
    assert "甲镇 指标完成 46.67 → 50.00" in page and "甲镇 总分 90.92 → 94.25" in page
    assert Result.objects.filter(scheme_code="TOWNS", period="2026-Q2").count() == 2
    assert "甲镇 指标完成 46.67 → 50.00" in text(client.get(PERIOD))  # in the revision list


def test_period_page_access(login, people, scenario):  # noqa: F811
    leader = text(login(people.leader).get(PERIOD))
    assert "草稿：按当前数据计算" in leader and f"{PERIOD}publish/" not in leader
    assert login(people.leader).post(f"{PERIOD}publish/").status_code == 404
    assert login(people.liaison_a).get(PERIOD).status_code == 404
    response = login(people.office).get("/assessment/schemes/TOWNS/periods/2026-13/")
    assert response.status_code == 302  # back to the scheme with a message


def test_release_and_withdraw_drive_the_public_page(client, login, people, scenario):  # noqa: F811
    public = "/assessment/public/TOWNS/2026-Q2/"
    office = login(people.office)
    office.post(f"{PERIOD}release/")  # nothing published yet: refused with a message
    assert not PublicRelease.objects.exists()
    publish(scenario.scheme, "2026-Q2")
    office.post(f"{PERIOD}release/")
    assert AuditEvent.objects.filter(action="assessment.result_release").count() == 1
    client.logout()
    body = text(client.get(public))
    assert "乙镇" in body and "90.92" in body and "优秀" in body
    assert "指标完成" not in body and "7.08" not in body  # rank, unit, total and grade only
    assert "乡镇季度考核" in text(client.get("/assessment/public/"))
    login(people.office).post(f"{PERIOD}withdraw/")
    client.logout()
    assert client.get(public).status_code == 404
    assert client.get("/assessment/public/TOWNS/2026-Q1/").status_code == 404
    assert "目前没有公开的考核结果" in text(client.get("/assessment/public/"))


def test_period_draft_table_shows_a_dash_for_the_first(login, people, scenario):  # noqa: F811
    body = text(login(people.office).get(PERIOD))
    table = body[body.index('id="draft-rows"') :]
    table = table[: table.index("</table>")]
    first = table[table.index("<tbody>") :]
    first = first[: first.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", first, re.S)
    assert cells[4] == '<span class="text-secondary">—</span>'  # 与第一名差距, as the league


def test_scheme_page_describes_every_kind_of_method(login, people, scenario):  # noqa: F811
    body = text(login(people.office).get("/assessment/schemes/TOWNS/"))
    assert "按期完成计1、逾期完成计0.5、未完成计0，按到期节点平均" in body
    assert "满分扣减：催办扣1分、督办单扣2分、通报扣3分、约谈扣5分，扣完为止" in body
