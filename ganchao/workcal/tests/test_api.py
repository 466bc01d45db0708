"""The calendar API at /api/v1/calendar: one test per endpoint, plus errors."""

import datetime as dt

from ganchao.workcal import services

D = dt.date


def test_days_of_2027_are_provisional(city, login):
    body = login(city.liaison_a).get("/api/v1/calendar/days", {"year": 2027}).json()
    assert body["calendar_provisional"] is True and body["provisional_years"] == [2027]
    assert body["source"] == "fallback" and "2027年的法定节假日安排尚未录入" in body["warning"]
    assert body["count"] == 365 and len(body["items"]) == 365
    first, fourth = body["items"][0], body["items"][3]
    assert first == {
        "date": "2027-01-01",
        "weekday": 5,
        "kind": "holiday",
        "kind_label": "法定节假日",
        "working": False,
        "name": "元旦",
        "note": "",
    }
    assert fourth["date"] == "2027-01-04" and fourth["working"] is True
    assert body["office_hours"] == [
        {"start": "08:30", "end": "12:00"},
        {"start": "14:00", "end": "17:30"},
    ]


def test_days_of_2026_with_an_override(city, login):
    services.calendar_override_set(
        actor=None, date=D(2026, 10, 5), is_working_day=True, note="防汛值守"
    )
    body = login(city.liaison_a).get("/api/v1/calendar/days?year=2026").json()
    assert body["calendar_provisional"] is False and body["source"] == "package"
    days = {item["date"]: item for item in body["items"]}
    assert days["2026-10-10"]["kind"] == "makeup" and days["2026-10-10"]["working"] is True
    assert days["2026-10-05"] == {
        "date": "2026-10-05",
        "weekday": 1,
        "kind": "override_workday",
        "kind_label": "调整为工作日",
        "working": True,
        "name": "国庆节",
        "note": "防汛值守",
    }


def test_add_working_days(city, login):
    client = login(city.liaison_a)
    body = client.get("/api/v1/calendar/add-working-days?date=2026-09-24&days=5").json()
    assert body == {
        "calendar_provisional": False,
        "provisional_years": [],
        "warning": "",
        "date": "2026-09-24",
        "days": 5,
        "result": "2026-10-09",
    }
    body = client.get("/api/v1/calendar/add-working-days?date=2026-12-30&days=3").json()
    assert body["result"] == "2027-01-05" and body["calendar_provisional"] is True


def test_working_days_between(city, login):
    body = (
        login(city.liaison_a)
        .get("/api/v1/calendar/working-days-between?start=2026-09-24&end=2026-10-09")
        .json()
    )
    assert body["working_days"] == 5 and body["calendar_provisional"] is False


def test_working_time(city, login):
    client = login(city.liaison_a)
    body = client.get(
        "/api/v1/calendar/working-time",
        {"start": "2026-09-30T16:00:00+08:00", "end": "2026-10-08T09:00:00+08:00"},
    ).json()
    assert body == {
        "calendar_provisional": False,
        "provisional_years": [],
        "warning": "",
        "start": "2026-09-30T16:00:00+08:00",
        "end": "2026-10-08T09:00:00+08:00",
        "seconds": 7200,
        "hours": "2.00",
    }
    # An unencoded "+" arrives as a space; a naive time is Shanghai time.
    body = client.get(
        "/api/v1/calendar/working-time?start=2026-12-31T16:00:00+08:00&end=2027-01-04T09:00"
    ).json()
    assert body["hours"] == "2.00" and body["calendar_provisional"] is True
    assert body["end"] == "2027-01-04T09:00:00+08:00"


def test_add_working_hours(city, login):
    body = (
        login(city.liaison_a)
        .get("/api/v1/calendar/add-working-hours?start=2026-09-30T16:00&hours=2")
        .json()
    )
    assert body["result"] == "2026-10-08T09:00:00+08:00" and body["hours"] == "2"
    assert body["calendar_provisional"] is False


def test_bad_input_gets_the_chinese_error_body(city, login):
    client = login(city.liaison_a)
    response = client.get("/api/v1/calendar/add-working-days?date=2026-13-01&days=5")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][0]["field"] == "date"
    assert "YYYY-MM-DD" in body["message"]
    response = client.get("/api/v1/calendar/days?year=1900")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "year"
    response = client.get("/api/v1/calendar/working-time?start=soon&end=2026-10-08T09:00")
    assert response.status_code == 422 and "ISO 8601" in response.json()["message"]
    response = client.get("/api/v1/calendar/add-working-hours?start=2026-09-30T16:00&hours=x")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "hours"


def test_the_auditor_and_anonymous_callers_are_refused(city, login, client):
    assert client.get("/api/v1/calendar/days?year=2027").status_code == 401
    assert login(city.auditor).get("/api/v1/calendar/days?year=2027").status_code == 404
