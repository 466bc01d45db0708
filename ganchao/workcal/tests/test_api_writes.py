"""API twins of the calendar page's changes (issue 9 item 11): a single-day override set and
removed, a year's holiday schedule entered — the page's services, system administrators only."""

import datetime as dt

import pytest

from ganchao.common.tests.api_client import TokenApi
from ganchao.workcal.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db


def test_override_set_then_removed(city):
    api = TokenApi(city.admin)
    body = {"date": "2026-10-10", "is_working_day": False, "note": "防汛调休"}
    done = api.post("/calendar/overrides", body)
    assert done.status_code == 200, done.content
    assert done.json() == {"date": "2026-10-10", "is_working_day": False, "note": "防汛调休"}
    day = api.get("/calendar/days", year=2026).json()
    assert next(d for d in day["items"] if d["date"] == "2026-10-10")["working"] is False
    removed = api.call("DELETE", "/calendar/overrides/2026-10-10")
    assert removed.status_code == 204
    assert not CalendarOverride.objects.exists()
    again = api.call("DELETE", "/calendar/overrides/2026-10-10")
    assert again.status_code == 404 and "没有工作日调整" in again.json()["message"]
    bad = api.call("DELETE", "/calendar/overrides/10月10日")
    assert bad.status_code == 422


def test_only_the_system_administrator_changes_the_calendar(city):
    body = {"date": "2026-10-10", "is_working_day": False}
    assert TokenApi(city.office).post("/calendar/overrides", body).status_code == 403
    assert not CalendarOverride.objects.exists()


def test_a_year_schedule_is_entered_and_a_date_outside_the_year_refused(city):
    api = TokenApi(city.admin)
    body = {
        "year": 2027,
        "holidays": [{"date": "2027-01-01", "name": "元旦"}]
        + [
            {"date": str(dt.date(2027, 2, 6) + dt.timedelta(days=n)), "name": "春节"}
            for n in range(8)
        ],
        "makeup_days": [{"date": "2027-02-20", "name": "春节"}],
        "note": "国务院办公厅关于2027年部分节假日安排的通知",
    }
    outside = api.post("/calendar/years", {**body, "holidays": [{"date": "2028-01-01"}]})
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "holidays"
    assert not CalendarYear.objects.exists()
    done = api.post("/calendar/years", body)
    assert done.status_code == 200, done.content
    assert (done.json()["holidays"], done.json()["makeup_days"]) == (9, 1)
    days = api.get("/calendar/days", year=2027).json()
    assert days["calendar_provisional"] is False
    assert next(d for d in days["items"] if d["date"] == "2027-02-20")["working"] is True
