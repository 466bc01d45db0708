"""The 问题台账 API (DESIGN.md 3.7, 3.14): one test per endpoint, the refusals with their
statuses (422 naming the field, 403, 404 outside scope, 409), and the list's query count pinned
at two data sizes."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.problems import services
from ganchao.problems.choices import State
from ganchao.problems.models import Problem
from ganchao.problems.tests.factories import ProblemFactory, make_photo_bytes, photo

pytestmark = pytest.mark.django_db


def body(**extra):
    data = {
        "source": "visit",
        "place_type": "project_site",
        "place": "智能制造产业园二期",
        "category": "project",
        "severity": "general",
        "description": "施工便道未硬化",
        "owner_unit": "C101",
        "found_on": "2026-11-02",
    }
    data.update(extra)
    return data


def upload(name="整改后.png", kind="png"):
    return SimpleUploadedFile(name, make_photo_bytes(kind))


def registered(pcity, **overrides):
    fields = {
        "actor": pcity.leader_user,
        "source": "visit",
        "place_type": "project_site",
        "place": "智能制造产业园二期",
        "category": "project",
        "severity": "general",
        "description": "施工便道未硬化",
        "owner_unit": pcity.town_a,
        "found_on": dt.date(2026, 11, 2),
    }
    fields.update(overrides)
    return services.problem_create(**fields)


def test_post_problems_registers_and_get_shows_it_with_its_timeline(pcity):
    api = TokenApi(pcity.leader_user)
    answer = api.post("/problems", body())
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["number"] == "WT202600001"
    assert data["state"] == "open"
    assert data["owner_unit_code"] == "C101"
    assert data["deadline"] == "2026-11-30"
    assert [e["kind"] for e in data["events"]] == ["created"]
    again = api.get(f"/problems/{data['id']}")
    assert again.status_code == 200
    assert again.json()["may_verify"] is False


def test_post_problems_with_bad_input_is_422_naming_the_field(pcity):
    api = TokenApi(pcity.leader_user)
    answer = api.post("/problems", body(category="weather", owner_unit="C101"))
    assert answer.status_code == 422
    assert error_fields(answer) == {"category"}
    answer = api.post("/problems", body(owner_unit="NOPE"))
    assert answer.status_code == 422
    assert error_fields(answer) == {"owner_unit"}
    assert not Problem.objects.exists()


def test_get_problems_filters_and_counts(pcity):
    ProblemFactory(owner_unit=pcity.town_a, category="safety", legacy=True)
    ProblemFactory(owner_unit=pcity.village_a, category="safety")
    ProblemFactory(owner_unit=pcity.town_b, category="environment")
    api = TokenApi(pcity.office)
    everything = api.get("/problems").json()
    assert everything["count"] == 3
    assert api.get("/problems", unit="C101").json()["count"] == 2  # the village included
    assert api.get("/problems", category="safety", legacy="true").json()["count"] == 1
    assert api.get("/problems", q="不存在的字").json()["count"] == 0
    assert api.get("/problems", limit=1).json()["items"].__len__() == 1


def test_a_town_sees_only_its_own_problems_and_gets_404_for_another(pcity):
    own = ProblemFactory(owner_unit=pcity.town_a)
    other = ProblemFactory(owner_unit=pcity.town_b)
    api = TokenApi(pcity.liaison_a)
    assert [row["id"] for row in api.get("/problems").json()["items"]] == [own.pk]
    assert api.get(f"/problems/{other.pk}").status_code == 404
    assert api.post(f"/problems/{other.pk}/plan", {"measures": "措施"}).status_code == 404


def test_the_whole_flow_through_the_api(pcity):
    problem = registered(pcity)
    town = TokenApi(pcity.liaison_a)
    planned = town.post(f"/problems/{problem.pk}/plan", {"measures": "三日内硬化"})
    assert planned.status_code == 200
    assert planned.json()["state"] == "rectifying"
    reported = town.multipart(
        f"/problems/{problem.pk}/report", {"note": "已硬化", "photos": [upload(), upload("b.png")]}
    )
    assert reported.status_code == 200, reported.content
    assert reported.json()["state"] == "verifying"
    assert [p["stage"] for p in reported.json()["photos"]] == ["rectified", "rectified"]
    refused = town.post(f"/problems/{problem.pk}/verify", {"accept": True})
    assert refused.status_code == 403
    assert "责任单位不能自行核验销号" in refused.json()["message"]
    problem.refresh_from_db()
    assert problem.state == State.VERIFYING
    leader = TokenApi(pcity.leader_user)
    closed = leader.post(f"/problems/{problem.pk}/verify", {"accept": True, "note": "通过"})
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert closed.json()["closed_by"]


def test_wrong_state_is_409_and_missing_evidence_is_422(pcity):
    problem = registered(pcity)
    town = TokenApi(pcity.liaison_a)
    assert (
        town.multipart(
            f"/problems/{problem.pk}/report", {"note": "已整改", "photos": [upload()]}
        ).status_code
        == 409
    )
    town.post(f"/problems/{problem.pk}/plan", {"measures": "措施"})
    missing = town.multipart(f"/problems/{problem.pk}/report", {"note": "已整改"})
    assert missing.status_code == 422
    assert error_fields(missing) == {"photos"}
    fake = SimpleUploadedFile("后.png", b"MZ\x90\x00 not a photo")
    assert (
        town.multipart(
            f"/problems/{problem.pk}/report", {"note": "已整改", "photos": [fake]}
        ).status_code
        == 422
    )


def test_patch_needs_the_version_and_refuses_a_stale_one(pcity):
    problem = registered(pcity)
    api = TokenApi(pcity.leader_user)
    assert api.call("PATCH", f"/problems/{problem.pk}", {"legacy": True}).status_code == 428
    ok = api.call(
        "PATCH", f"/problems/{problem.pk}", {"legacy": True, "expected_version": problem.version}
    )
    assert ok.status_code == 200
    assert ok.json()["legacy"] is True
    stale = api.call(
        "PATCH", f"/problems/{problem.pk}", {"legacy": False, "expected_version": problem.version}
    )
    assert stale.status_code == 409


def test_photos_upload_and_download_with_thumbnail(pcity):
    problem = registered(pcity)
    api = TokenApi(pcity.liaison_a)
    added = api.multipart(
        f"/problems/{problem.pk}/photos", {"stage": "found", "photos": [upload("现场.jpg", "jpeg")]}
    )
    assert added.status_code == 201, added.content
    photo_id = added.json()[0]["id"]
    full = api.get(f"/problems/{problem.pk}/photos/{photo_id}")
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg"
    assert full["X-Content-Type-Options"] == "nosniff"
    thumb = api.get(f"/problems/{problem.pk}/photos/{photo_id}", thumb=1)
    assert thumb.status_code == 200
    from PIL import Image

    image = Image.open(io.BytesIO(b"".join(thumb.streaming_content)))
    assert max(image.size) <= 320
    outsider = TokenApi(pcity.liaison_b)
    assert outsider.get(f"/problems/{problem.pk}/photos/{photo_id}").status_code == 404


def test_a_visit_finding_becomes_a_problem_through_the_api(pcity):
    from ganchao.visits.tests.factories import record_visit

    finding = record_visit(pcity).findings.first()
    api = TokenApi(pcity.office)
    answer = api.post(
        f"/visit-findings/{finding.pk}/problem",
        {
            "owner_unit": "C101",
            "category": "livelihood",
            "place_type": "village",
            "place": "李庄村",
        },
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["finding_id"] == finding.pk
    assert (
        api.post(
            f"/visit-findings/{finding.pk}/problem",
            {"owner_unit": "C101", "category": "livelihood", "place_type": "village"},
        ).status_code
        == 409
    )
    assert (
        TokenApi(pcity.liaison_b)
        .post(
            f"/visit-findings/{finding.pk}/problem",
            {"owner_unit": "C101", "category": "livelihood", "place_type": "village"},
        )
        .status_code
        == 404
    )


def test_settings_are_read_by_staff_and_written_by_the_office(pcity):
    assert (
        TokenApi(pcity.liaison_a).get("/problem-settings").json()["recurrence_window_days"] == 180
    )
    assert (
        TokenApi(pcity.liaison_a)
        .call("PUT", "/problem-settings", {"recurrence_window_days": 90})
        .status_code
        == 403
    )
    answer = TokenApi(pcity.office).call("PUT", "/problem-settings", {"recurrence_window_days": 90})
    assert answer.status_code == 200
    assert answer.json()["recurrence_window_days"] == 90
    bad = TokenApi(pcity.office).call("PUT", "/problem-settings", {"deadline_severe_days": 0})
    assert bad.status_code == 422
    assert error_fields(bad) == {"deadline_severe_days"}


def test_open_problems_by_age(pcity):
    today = timezone.localdate()
    ProblemFactory(owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=3))
    ProblemFactory(owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=200))
    ProblemFactory(owner_unit=pcity.town_a, found_on=today - dt.timedelta(days=200), state="closed")
    rows = TokenApi(pcity.office).get("/problems/by-age").json()
    assert {row["bucket"]: row["count"] for row in rows} == {
        "0-5": 1,
        "6-20": 0,
        "21-60": 0,
        "61-180": 0,
        "180+": 1,
    }


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_list_runs_the_same_queries_for_3_and_30_rows(pcity, django_assert_max_num_queries):
    api = TokenApi(pcity.liaison_a)
    api.get("/problems")  # warm the session's one-off reads
    counts = []
    for size in (3, 27):
        ProblemFactory.create_batch(size, owner_unit=pcity.village_a, found_by=pcity.liaison_a)
        counts.append(queries_of(lambda: api.get("/problems", limit=50)))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        assert api.get("/problems", limit=50).json()["count"] == 30
    assert counts[0] <= 10


def test_the_detail_runs_the_same_queries_for_3_and_30_photos(pcity):
    problem = registered(pcity)
    api = TokenApi(pcity.leader_user)
    api.get(f"/problems/{problem.pk}")
    counts = []
    for size in (3, 27):
        for index in range(size):
            services.problem_add_photos(
                actor=pcity.leader_user,
                problem=problem,
                stage="found",
                photos=[photo(f"{index}.png")],
            )
        counts.append(queries_of(lambda: api.get(f"/problems/{problem.pk}")))
    assert counts[0] == counts[1]
    assert counts[0] <= 14
    assert len(api.get(f"/problems/{problem.pk}").json()["photos"]) == 30


def test_a_problems_audit_history_is_read_within_scope_only(pcity, login):
    problem = registered(pcity)
    assert login(pcity.liaison_a).get(f"/audit/history/problem/{problem.pk}/").status_code == 200
    assert login(pcity.liaison_b).get(f"/audit/history/problem/{problem.pk}/").status_code == 404


def test_a_deadline_in_a_year_without_a_known_holiday_schedule_is_marked_provisional(pcity):
    ProblemFactory(owner_unit=pcity.town_a, deadline=dt.date(2026, 12, 10))
    ProblemFactory(owner_unit=pcity.town_a, deadline=dt.date(2031, 1, 10))
    rows = TokenApi(pcity.office).get("/problems").json()["items"]
    flags = {row["deadline"]: row["calendar_provisional"] for row in rows}
    assert flags == {"2026-12-10": False, "2031-01-10": True}


def test_a_link_to_a_goal_item_outside_the_actors_scope_answers_as_a_missing_one(pcity):
    from ganchao.goals.choices import ItemType
    from ganchao.goals.tests.factories import make_assignment, make_item, make_plan

    plan = make_plan(pcity).plan
    theirs = make_item(plan, "9", "东山镇物流园", ItemType.TASK)
    make_assignment(theirs, pcity.town_b)
    ours = make_item(plan, "8", "西湖镇综合管廊", ItemType.TASK)
    make_assignment(ours, pcity.town_a)
    api = TokenApi(pcity.liaison_a)
    refused = api.post("/problems", body(item_id=theirs.pk))
    assert refused.status_code == 422, refused.content
    assert "item_id" in error_fields(refused)
    assert "东山镇物流园" not in refused.content.decode()
    assert not Problem.objects.exists()
    taken = api.post("/problems", body(item_id=ours.pk))
    assert taken.status_code == 201, taken.content
    assert Problem.objects.get().item_id == ours.pk
