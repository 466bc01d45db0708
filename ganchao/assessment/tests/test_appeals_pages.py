"""The appeal pages: a unit's liaison appeals from the form with evidence, the office decides on
the desk, each verb its own POST; other units and the auditor get 404."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.assessment import services
from ganchao.assessment.models import Appeal, Result
from ganchao.assessment.tests.conftest import SHANGHAI
from ganchao.assessment.tests.test_appeals import PDF, PUBLISHED, People, submit
from ganchao.conftest import make_user
from ganchao.orgs.choices import Role

DURING_WINDOW = dt.datetime(2026, 7, 8, 9, 0, tzinfo=SHANGHAI)
DESK_QUERIES = 8  # the shell, session and scope included, and the schemes' names


@pytest.fixture
def people(scenario):
    return People(scenario)


@pytest.fixture
def clock():
    with time_machine.travel(DURING_WINDOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def published(clock, scenario):

    clock.move_to(PUBLISHED)
    result, _changes = services.result_publish(actor=None, scheme=scenario.scheme, period="2026-Q2")
    clock.move_to(DURING_WINDOW)
    return result


def test_liaison_appeals_from_the_form_with_evidence(scenario, people, published, login):
    client = login(people.a_liaison)
    url = reverse("assessment:appeal_new")
    choose = client.get(url)
    assert choose.status_code == 200 and "节点完成" in choose.text
    query = f"?result={published.pk}&unit=T01&component=MS"
    page = client.get(url + query)
    assert page.status_code == 200
    assert "26.25" in page.text and "2026年7月14日" in page.text
    upload = SimpleUploadedFile("验收单.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url,
        {
            "result": published.pk,
            "unit": "T01",
            "component": "MS",
            "reason": "按时完成",
            "files": upload,
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:appeal_detail", args=[appeal.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "验收单.pdf" in detail.text
    evidence = appeal.evidence.get()
    download = client.get(reverse("assessment:appeal_evidence", args=[appeal.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_form_errors_are_shown_and_nothing_is_written(scenario, people, published, login):
    client = login(people.a_liaison)
    response = client.post(
        reverse("assessment:appeal_new"),
        {"result": published.pk, "unit": "T01", "component": "MS", "reason": ""},
    )
    assert response.status_code == 422 and "请填写申诉理由" in response.text
    assert not Appeal.objects.exists()


def test_office_accepts_on_the_desk_and_revision_2_is_made(scenario, people, published, login):
    appeal = submit(scenario, people, published, when=DURING_WINDOW)
    client = login(people.office)
    desk = client.get(reverse("assessment:appeal_list"))
    assert desk.status_code == 200 and "甲镇" in desk.text and "采纳并形成新版本" in desk.text
    response = client.post(
        reverse("assessment:appeal_accept", args=[appeal.pk]),
        {"adjusted_score": "30", "decision": "经核实按时完成"},
    )
    assert response.status_code == 302
    assert Result.objects.filter(scheme_code="TOWNS", result_revision=2).exists()
    detail = client.get(reverse("assessment:appeal_detail", args=[appeal.pk]))
    assert "已形成第2版" in detail.text and "26.25" in detail.text


def test_reject_without_a_reason_is_refused(scenario, people, published, login):
    appeal = submit(scenario, people, published, when=DURING_WINDOW)
    client = login(people.office)
    url = reverse("assessment:appeal_reject", args=[appeal.pk])
    page = client.post(url, {"decision": ""}, follow=True)
    assert "请填写不予采纳的理由" in page.text
    assert Appeal.objects.get().state == "submitted"
    client.post(url, {"decision": "依据不足"})
    assert Appeal.objects.get().state == "rejected"
    assert client.get(url).status_code == 405


def test_outsiders_get_404(scenario, people, published, login):
    appeal = submit(scenario, people, published, when=DURING_WINDOW)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    other = submit(
        scenario, people, published, when=DURING_WINDOW, component_code="SUP", files=[upload]
    )
    auditor = make_user("auditor", scenario.office_unit, Role.AUDITOR)
    evidence = other.evidence.get()
    for user in (people.b_liaison, auditor):
        client = login(user)
        assert client.get(reverse("assessment:appeal_detail", args=[appeal.pk])).status_code == 404
        evidence_url = reverse("assessment:appeal_evidence", args=[other.pk, evidence.pk])
        assert client.get(evidence_url).status_code == 404
    client = login(people.b_liaison)
    assert "甲镇" not in client.get(reverse("assessment:appeal_list")).text
    accept = reverse("assessment:appeal_accept", args=[appeal.pk])
    assert login(people.a_liaison).post(accept, {"adjusted_score": "30"}).status_code == 404
    form = f"{reverse('assessment:appeal_new')}?result={published.pk}&unit=T01"
    assert login(people.b_liaison).get(form).status_code == 404
    assert login(people.office).get(form).status_code == 404


def test_tampered_evidence_is_refused(scenario, people, published, login):
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    appeal = submit(scenario, people, published, when=DURING_WINDOW, files=[upload])
    evidence = appeal.evidence.get()
    with default_storage.open(evidence.file.name, "wb") as handle:
        handle.write(PDF + b"changed")
    client = login(people.office)
    response = client.get(reverse("assessment:appeal_evidence", args=[appeal.pk, evidence.pk]))
    assert response.status_code == 409 and "校验未通过" in response.text


def test_desk_query_count_is_pinned_and_constant(scenario, people, published, login):
    client = login(people.office)
    url = reverse("assessment:appeal_list") + "?state=all"
    submit(scenario, people, published, when=DURING_WINDOW)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for code in ("SUP", "IND"):
        submit(scenario, people, published, when=DURING_WINDOW, component_code=code)
    assert count() == before == DESK_QUERIES


def test_after_the_deadline_the_form_has_no_fields(scenario, people, published, login, clock):
    clock.move_to(dt.datetime(2026, 7, 15, 9, 0, tzinfo=SHANGHAI))
    client = login(people.a_liaison)
    url = reverse("assessment:appeal_new")
    page = client.get(f"{url}?result={published.pk}&unit=T01&component=MS")
    assert page.status_code == 200
    body = page.text
    assert "申诉期已于 2026年7月14日 结束" in body
    assert "“节点完成”当前得分 26.25 分（满分 30.00 分）" in body
    scorecard = reverse("assessment:scorecard", args=["TOWNS", "2026-Q2", "T01"])
    assert f'href="{scorecard}"' in body and "返回考核得分卡" in body
    for field in ('name="reason"', 'name="requested_score"', 'name="files"', "提交申诉"):
        assert field not in body
    assert f'action="{url}"' not in body
    # without a component the unit's total stands in for the score
    assert "本单位当前总分" in client.get(f"{url}?result={published.pk}&unit=T01").text
    # a post that raced the deadline is refused with the same page, and nothing is written
    refused = client.post(
        url, {"result": published.pk, "unit": "T01", "component": "MS", "reason": "按时完成"}
    )
    assert refused.status_code == 422 and "申诉期已于 2026年7月14日 结束" in refused.text
    assert 'name="reason"' not in refused.text and not Appeal.objects.exists()
