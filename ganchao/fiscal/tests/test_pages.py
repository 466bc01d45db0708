"""The 量力而行 pages: the overview with its chart data, a unit's year with its forms, the
approvals queue, each action through the page, and query counts pinned at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.fiscal.choices import CommitmentState
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.fiscal.services import capacity_set, commitment_create

pytestmark = pytest.mark.django_db
S = CommitmentState


def fund(city, amount="1000", unit=None, year=2026):
    return capacity_set(actor=city.office, unit=unit or city.town_a, year=year, amount=amount)


def pledge(city, amount, *, unit=None, reason="", title="村道提升工程"):
    return commitment_create(
        actor=city.office, unit=unit or city.town_a, year=2026, amount=amount, title=title,
        kind="other", reason=reason,
    )  # fmt: skip


def unit_url(city, unit=None):
    return f"/fiscal/units/{(unit or city.town_a).pk}/2026/"


def test_the_overview_shows_capacity_committed_and_excess_per_unit(city, login):
    fund(city, "100")
    pledge(city, "150", reason="防汛应急")
    fund(city, "500", unit=city.town_b)
    pledge(city, "200", unit=city.town_b)
    page = login(city.office).get("/fiscal/?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "西湖镇" in html and "东山镇" in html and "150.00 万元" in html
    chart = page.context["chart"]
    assert chart["names"] == ["西湖镇", "东山镇"]
    assert chart["excess"] == ["0", "0"] and chart["within"] == ["0", "200"]
    filtered = login(city.office).get(f"/fiscal/?year=2026&unit={city.town_b.pk}")
    assert [r.name for r in filtered.context["rows"]] == ["东山镇"]


def test_a_liaison_sees_only_their_own_units(city, login):
    fund(city, "100")
    fund(city, "500", unit=city.town_b)
    page = login(city.liaison_b).get("/fiscal/?year=2026")
    assert [r.name for r in page.context["rows"]] == ["东山镇"]
    assert login(city.liaison_b).get(unit_url(city)).status_code == 404


def test_a_liaison_adds_a_commitment_and_beyond_capacity_is_asked_a_reason(city, login):
    fund(city, "100")
    client = login(city.liaison_a)
    body = {"title": "文化礼堂", "kind": "other", "amount": "150", "budget_year": "2026"}
    refused = client.post(f"{unit_url(city)}commitments", body)
    assert refused.status_code == 422
    assert (
        "超出理由" in refused.content.decode()
        and "超出可用财力 50.00 万元" in refused.content.decode()
    )
    assert not Commitment.objects.exists()
    made = client.post(f"{unit_url(city)}commitments", body | {"reason": "群众呼声高"})
    assert made.status_code == 302
    assert Commitment.objects.get().state == S.PENDING
    page = client.get(unit_url(city)).content.decode()
    assert "待审批" in page and "群众呼声高" in page
    assert 'formaction="/fiscal/commitments/' not in page  # a liaison may not decide


def test_the_office_approves_from_the_queue(city, login):
    fund(city, "100")
    pending = pledge(city, "150", reason="防汛应急")
    client = login(city.office)
    queue = client.get("/fiscal/approvals/").content.decode()
    assert "村道提升工程" in queue and "超出可用财力 50.00 万元" in queue
    done = client.post(
        f"/fiscal/commitments/{pending.pk}/approve", {"note": "同意", "next": "approvals"}
    )
    assert done.status_code == 302 and done["Location"] == "/fiscal/approvals/"
    assert Commitment.objects.get().state == S.APPROVED
    again = client.post(f"/fiscal/commitments/{pending.pk}/approve", {"note": "同意"}, follow=True)
    assert "不能批准" in again.content.decode()
    overview = client.get("/fiscal/?year=2026")
    assert overview.context["rows"][0].approved_excess == 50


def test_a_liaison_posting_an_approval_gets_403(city, login):
    fund(city, "100")
    pending = pledge(city, "150", reason="防汛应急")
    answer = login(city.liaison_a).post(f"/fiscal/commitments/{pending.pk}/approve", {})
    assert answer.status_code == 403
    assert Commitment.objects.get().state == S.PENDING


def test_reject_needs_a_note_and_withdraw_from_the_page(city, login):
    fund(city, "100")
    pending = pledge(city, "150", reason="防汛应急")
    client = login(city.leader_user)
    shown = client.post(f"/fiscal/commitments/{pending.pk}/reject", {"note": ""}, follow=True)
    assert "审批意见：请填写" in shown.content.decode()
    client.post(f"/fiscal/commitments/{pending.pk}/reject", {"note": "压减规模"})
    assert Commitment.objects.get().state == S.REJECTED
    effective = pledge(city, "50")
    login(city.liaison_a).post(f"/fiscal/commitments/{effective.pk}/withdraw")
    assert Commitment.objects.get(pk=effective.pk).state == S.WITHDRAWN


def test_the_capacity_form_records_and_changes_the_figure(city, login):
    client = login(city.liaison_a)
    assert (
        client.post(f"{unit_url(city)}capacity", {"amount": "300", "basis": "预算"}).status_code
        == 302
    )
    assert Capacity.objects.get().amount == 300
    stale = client.post(f"{unit_url(city)}capacity", {"amount": "320", "version": "7"})
    assert stale.status_code == 422 and "已被他人修改" in stale.content.decode()
    bad = client.post(f"{unit_url(city)}capacity", {"amount": "1.001", "version": "1"})
    assert bad.status_code == 422 and "两位小数" in bad.content.decode()
    assert (
        login(city.leader_user).post(f"{unit_url(city)}capacity", {"amount": "1"}).status_code
        == 403
    )


def _grow(city, units: range, per_unit: int):
    from ganchao.conftest import make_unit
    from ganchao.orgs.choices import UnitType

    for n in units:
        unit = make_unit(f"第{n}镇", UnitType.TOWN, city.root, code=f"T{n:03d}")
        fund(city, "100", unit=unit)
        for m in range(per_unit):
            pledge(city, "60", unit=unit, reason="应急", title=f"事项{m}")
    for m in range(per_unit):
        pledge(city, "60", reason="应急", title=f"西湖镇事项{m}")


@pytest.mark.parametrize("url", ["/fiscal/?year=2026", "/fiscal/approvals/", "unit"])
def test_pages_run_the_same_queries_at_two_sizes(city, login, url, django_assert_max_num_queries):
    fund(city, "100")
    client = login(city.office)
    path = unit_url(city) if url == "unit" else url
    _grow(city, range(2), 2)
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _grow(city, range(2, 12), 4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_a_leader_reads_the_units_of_their_areas_only(city, login):
    fund(city, "100", unit=city.town_b)
    client = login(city.leader_user)
    assert client.get(unit_url(city)).status_code == 200
    assert client.get(unit_url(city, city.town_b)).status_code == 404
    assert client.get("/fiscal/?year=2026").context["rows"] == []


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client):
    """Given no session. When the fiscal overview is opened, Then the visitor is sent to sign in
    (as every other section does), not shown a 404."""
    answer = client.get(reverse("fiscal:overview"))
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
