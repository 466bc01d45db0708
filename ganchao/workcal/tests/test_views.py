"""The calendar page: read by every staff user, edited by system administrators."""

import datetime as dt

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.workcal import services
from ganchao.workcal.models import CalendarOverride, CalendarYear
from ganchao.workcal.selectors import calendar_warning

D = dt.date
WARNING_2027 = "2027年的法定节假日安排尚未录入"


def test_a_liaison_reads_the_2027_calendar_with_the_provisional_warning(city, login):
    response = login(city.liaison_a).get("/calendar/?year=2027")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2027年工作日历" in page
    assert "2027年：临时推算" in page and WARNING_2027 in page
    assert 'data-date="2027-01-01" data-kind="holiday"' in page
    assert 'data-date="2027-01-04" data-kind="workday"' in page
    assert "设置单日调整" not in page  # no editing forms for a liaison
    assert response.context["view"]["counts"]["working"] == 259


def test_the_2026_calendar_shows_holidays_make_up_days_and_overrides_with_marks(city, login):
    services.calendar_override_set(
        actor=city.admin, date=D(2026, 10, 9), is_working_day=False, note="全市停电检修"
    )
    page = login(city.liaison_a).get("/calendar/?year=2026").content.decode()
    assert "已内置国务院办公厅公布的节假日安排" in page
    assert 'data-date="2026-10-10" data-kind="makeup"' in page
    assert 'data-date="2026-10-05" data-kind="holiday"' in page
    assert 'data-date="2026-10-17" data-kind="weekend"' in page
    assert 'data-date="2026-10-09" data-kind="override_off"' in page
    assert "2026年10月10日 星期六 调休上班（国庆节）" in page
    assert "2026年10月9日 星期五 调整为休息日，原为工作日：全市停电检修" in page
    assert "2026年10月9日" in page and "全市停电检修" in page
    assert "08:30–12:00、14:00–17:30" in page


def test_the_calculators_mark_a_provisional_answer(city, login):
    client = login(city.liaison_a)
    page = client.get("/calendar/", {"add-start": "2026-09-24", "add-days": "5"}).content.decode()
    assert "2026年9月24日之后第 5 个工作日是" in page and "2026年10月9日" in page
    assert "临时结果" not in page
    page = client.get("/calendar/", {"add-start": "2026-12-30", "add-days": "3"}).content.decode()
    assert "2027年1月5日" in page and "临时结果" in page
    page = client.get(
        "/calendar/",
        {"hours-start": "2026-09-30T16:00", "hours-end": "2026-10-08T09:00"},
    ).content.decode()
    assert "2小时" in page and "（2.00 小时）" in page


def test_a_bad_year_falls_back_to_this_year_with_a_message(city, login):
    response = login(city.liaison_a).get("/calendar/?year=abc")
    assert response.status_code == 200
    assert "年度须为 2000 至 2100 之间的整数" in response.content.decode()


def test_the_auditor_and_visitors_cannot_see_the_page(city, login, client):
    assert client.get("/calendar/").status_code == 302
    assert login(city.auditor).get("/calendar/").status_code == 404


def test_an_admin_adds_and_removes_an_override(city, login):
    client = login(city.admin)
    page = client.get("/calendar/?year=2026").content.decode()
    assert "设置单日调整" in page and "录入2026年法定节假日安排" not in page
    response = client.post(
        "/calendar/overrides/",
        {"ov-date": "2026-10-05", "ov-is_working_day": "1", "ov-note": "防汛值守"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?year=2026#overrides"
    override = CalendarOverride.objects.get()
    assert override.is_working_day and override.note == "防汛值守"
    page = client.get(response["Location"]).content.decode()
    assert "已将2026年10月5日调整为工作日" in page
    assert 'data-date="2026-10-05" data-kind="override_workday"' in page
    response = client.post("/calendar/overrides/2026-10-05/remove/")
    assert response.status_code == 302 and not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="calendar.override").count() == 2


def test_an_override_form_with_errors_is_shown_again(city, login):
    response = login(city.admin).post(
        "/calendar/overrides/", {"ov-date": "", "ov-is_working_day": "1"}
    )
    assert response.status_code == 200
    assert "请修改以下问题后再提交" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_an_admin_enters_2027_and_the_warning_goes(city, login):
    client = login(city.admin)
    page = client.get("/calendar/?year=2027").content.decode()
    assert "录入2027年法定节假日安排" in page
    response = client.post(
        "/calendar/years/",
        {
            "yr-year": "2027",
            "yr-holidays": "2027-01-01 元旦\n2027-02-06~2027-02-13 春节",
            "yr-makeup_days": "2027-02-20 春节",
            "yr-note": "国办发明电〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get().days.count() == 10
    page = client.get("/calendar/?year=2027").content.decode()
    assert "2027年：已录入法定节假日安排" in page and "国办发明电〔2026〕1号" in page
    assert "2027年：临时推算" not in page
    assert 'data-date="2027-02-20" data-kind="makeup"' in page
    assert 'data-date="2027-10-01" data-kind="workday"' in page
    assert "2027-02-06~2027-02-13 春节" in page  # the form shows what was entered


def test_a_bad_schedule_is_shown_with_each_line_error(city, login):
    response = login(city.admin).post(
        "/calendar/years/",
        {
            "yr-year": "2027",
            "yr-holidays": "2027-02-30\n2027-01-01",
            "yr-makeup_days": "2027-02-03",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "放假日期第1行“2027-02-30”：日期不存在" in page
    assert not CalendarYear.objects.exists()
    response = login(city.admin).post(
        "/calendar/years/",
        {"yr-year": "2027", "yr-holidays": "2027-01-01", "yr-makeup_days": "2027-02-03"},
    )
    assert "2027年2月3日是星期三，本来就是工作日，不是调休上班日" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/calendar/overrides/", {"ov-date": "2026-10-05", "ov-is_working_day": "1"}),
        ("/calendar/overrides/2026-10-09/remove/", {}),
        ("/calendar/years/", {"yr-year": "2027", "yr-holidays": "2027-01-01"}),
    ],
)
def test_non_admins_get_404_for_every_change(city, login, url, data):
    services.calendar_override_set(actor=None, date=D(2026, 10, 9), is_working_day=False)
    for user in (city.office, city.liaison_a, city.security):
        assert login(user).post(url, data).status_code == 404
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [D(2026, 10, 9)]
    assert not CalendarYear.objects.exists()


def test_the_calendar_page_runs_a_fixed_number_of_queries(city, login, django_assert_num_queries):
    client = login(city.admin)
    client.get("/calendar/?year=2026")  # warm the session
    with django_assert_num_queries(7):
        client.get("/calendar/?year=2026")
    for n in range(30):
        services.calendar_override_set(
            actor=None, date=D(2026, 3, 2) + dt.timedelta(days=n), is_working_day=n % 2 == 0
        )
    services.calendar_year_confirm(actor=None, year=2027, holidays=[D(2027, 1, 1)])
    with django_assert_num_queries(8):  # + the entered schedule days
        client.get("/calendar/?year=2026")
    with django_assert_num_queries(10):  # + the entered year and its lines for the form
        client.get("/calendar/?year=2027")


def test_the_layout_warning_names_next_year_from_november(city):
    assert calendar_warning(D(2026, 6, 1)) == ""
    assert calendar_warning(D(2026, 11, 29)).startswith(WARNING_2027)
    services.calendar_year_confirm(actor=None, year=2027, holidays=[D(2027, 1, 1)])
    assert calendar_warning(D(2026, 11, 29)) == ""
