"""Notifications reach those who act, and nobody else: the office hears of submitted reports (a
digest by e-mail), matter feedback and extension requests; the unit hears of a returned report;
the leader in charge hears of 催办 and 督办单 in his areas; muting keeps a kind in the inbox but
out of e-mail and the unread badge, on the page and through the API."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from ganchao.conftest import make_user
from ganchao.goals import services_reports
from ganchao.goals.tests.factories import make_plan
from ganchao.notifications import selectors, services
from ganchao.notifications.models import Delivery, MutedKind, Notification
from ganchao.orgs.choices import Role
from ganchao.orgs.models import LeaderArea

pytestmark = pytest.mark.usefixtures("pinned_clock")
SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"


@pytest.fixture
def mailing(settings):
    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = True, ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(city):
    """Addresses for everyone; a second office user; the leader's area from 1 January."""
    city.office2 = make_user("office2", city.inspection, Role.OFFICE)
    for user in (city.office, city.office2, city.liaison_a, city.liaison_b, city.leader_user):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    LeaderArea.objects.filter(leader=city.leader).update(start_date=dt.date(2026, 1, 1))
    return city


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def submit(city, tree, period="2026-04", value="4000"):
    report = services_reports.report_save_draft(
        actor=city.liaison_a,
        assignment=tree.ind_lead,
        period=period,
        value=value,
        today=dt.date(2026, 11, 20),
    )
    return services_reports.report_submit(actor=city.liaison_a, report=report)


# ---- reports -------------------------------------------------------------------------------


def test_submitted_report_reaches_the_office_only(people, django_capture_on_commit_callbacks):
    city = people
    tree = make_plan(city)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(city, tree)
    for office in (city.office, city.office2):
        message = Notification.objects.get(user=office)
        assert message.kind == "report_submitted"
        assert "西湖镇" in message.title and "新增城镇就业" in message.title
        assert message.url.startswith("/goals/reports/review/?unit=C101")
    for outsider in (city.liaison_a, city.liaison_b, city.leader_user):
        assert kinds_of(outsider) == []
    # the unit hears when it is returned, the other town does not
    services_reports.report_return(actor=city.office, report=report, reason="口径不符")
    returned = Notification.objects.get(user=city.liaison_a)
    assert returned.kind == "report_returned" and "口径不符" in returned.body
    assert kinds_of(city.liaison_b) == []


def test_submitted_reports_are_mailed_as_one_digest(people, mailing):
    city = people
    tree = make_plan(city)
    start = timezone.now()
    with transaction.atomic():
        for month in range(4, 9):
            submit(city, tree, period=f"2026-{month:02d}", value=str(1000 * month))
    assert Notification.objects.filter(user=city.office, kind="report_submitted").count() == 5
    assert services.delivery_send_due(at=start) == (0, 0)  # held for the digest
    assert mail.outbox == []
    services.delivery_send_due(at=start + services.DIGEST_DELAY + dt.timedelta(minutes=1))
    to_office = [m for m in mail.outbox if m.to == ["office@example.gov.cn"]]
    assert len(to_office) == 1 and len(mail.outbox) == 2  # office and office2, one each
    assert "进展报送待审核（5条）" in to_office[0].subject
    assert to_office[0].body.count("· 进展报送待审核") == 5
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()


# ---- matters -------------------------------------------------------------------------------


def test_matter_feedback_and_extension_reach_the_office(people):
    from ganchao.supervision.matter_choices import Source, Urgency
    from ganchao.supervision.matter_services import matter_instruct
    from ganchao.supervision.matter_steps import (
        matter_receive,
        matter_request_extension,
        matter_respond,
    )

    city = people
    at = timezone.make_aware(dt.datetime(2026, 6, 1, 9))
    matter = matter_instruct(
        actor=city.leader_user,
        title="西湖镇河道整治",
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        at=at,
    )
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=at + dt.timedelta(hours=1))
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text=SUBSTANTIVE,
        at=at + dt.timedelta(hours=2),
    )
    matter_request_extension(
        actor=city.liaison_a,
        matter_id=matter.pk,
        reason="汛期施工受限，需顺延两周",
        until=at + dt.timedelta(days=30),
        at=at + dt.timedelta(hours=3),
    )
    office_kinds = kinds_of(city.office)
    assert office_kinds.count("matter_feedback") == 1 and office_kinds.count("extension") == 1
    feedback = Notification.objects.get(user=city.office, kind="matter_feedback")
    assert "西湖镇报送了阶段反馈" in feedback.title
    assert "matter_feedback" not in kinds_of(city.liaison_b)
    assert "extension" not in kinds_of(city.liaison_a)


# ---- leaders in charge -------------------------------------------------------------------------


def test_urge_reaches_the_leader_in_charge_and_not_others(people):
    from ganchao.supervision.choices import Level, Trigger
    from ganchao.supervision.models import Alert
    from ganchao.supervision.services import _notify

    city = people
    tree = make_plan(city)
    at = timezone.now()
    alerts = [
        Alert.objects.create(
            level=level,
            trigger=trigger,
            assignment=assignment,
            unit=assignment.unit,
            cause_key="2026-10",
            at=at,
            message="“新增城镇就业”严重滞后",
        )  # fmt: skip
        for level, trigger, assignment in (
            (Level.URGE, Trigger.TURNED_RED, tree.ind_lead),  # 西湖镇: the leader's area
            (Level.URGE, Trigger.TURNED_RED, tree.ind_resp),  # 东山镇: not his
            (Level.REMIND, Trigger.TURNED_YELLOW, tree.task_lead),  # a reminder: not for him
        )
    ]
    _notify(alerts, at)
    told = Notification.objects.get(user=city.leader_user)
    assert told.title == "分管单位催办：西湖镇（1项）" and "严重滞后" in told.body
    assert told.url == "/supervision/alerts/?unit=C101&level=2"
    assert Notification.objects.filter(user=city.liaison_b, kind="alert").count() == 1
    # an area that has ended no longer brings messages
    LeaderArea.objects.filter(leader=city.leader).update(end_date=dt.date(2026, 2, 1))
    _notify(alerts[:1], at)
    assert Notification.objects.filter(user=city.leader_user).count() == 1


def test_many_urges_make_one_message_per_unit_for_the_leader(people):
    from ganchao.goals.tests.factories import make_assignment, make_item
    from ganchao.supervision.choices import Level, Trigger
    from ganchao.supervision.models import Alert
    from ganchao.supervision.services import _notify

    city = people
    tree = make_plan(city)
    at = timezone.now()
    alerts = []
    for n in range(12):
        item = make_item(tree.plan, f"1.{n + 10}", f"指标{n}", "indicator", tree.goal)
        assignment = make_assignment(item, city.town_a)
        alerts.append(
            Alert.objects.create(
                level=Level.URGE,
                trigger=Trigger.REPORT_LATE,
                assignment=assignment,
                unit=city.town_a,
                cause_key="2026-10",
                at=at,
                message=f"指标{n}逾期未报送",
            )  # fmt: skip
        )
    _notify(alerts, at)
    told = Notification.objects.get(user=city.leader_user)
    assert told.title == "分管单位催办：西湖镇（12项）"
    assert told.body.count("· ") == 10 and "……等12项" in told.body
    assert Notification.objects.filter(user=city.liaison_a).count() == 12


def test_supervision_notice_reaches_the_leader_in_charge(people):
    from ganchao.ladder import services as ladder_services
    from ganchao.ladder.models import SupervisionNotice

    city = people
    tree = make_plan(city)
    notices = {
        unit: SupervisionNotice.objects.create(
            trigger="red_ten_days",
            cause_key="2026-05-11",
            assignment=assignment,
            unit=assignment.unit,
            proposed_at=timezone.now(),
            reason="严重滞后满10个工作日",
            title="关于督促推进的督办单",
            content="请加快推进。",
        )  # fmt: skip
        for unit, assignment in (("a", tree.ind_lead), ("b", tree.ind_resp))
    }
    for notice in notices.values():
        ladder_services.notice_issue(actor=city.office, notice_id=notice.pk)
    told = Notification.objects.filter(user=city.leader_user, kind="notice")
    assert told.count() == 1 and "西湖镇" in told.get().title
    assert Notification.objects.filter(user=city.liaison_b, kind="notice").count() == 1


# ---- muting --------------------------------------------------------------------------------


def test_muted_kind_stays_in_the_inbox_but_is_not_mailed_or_counted(people, mailing, login):
    city = people
    tree = make_plan(city)
    client = login(city.office)
    response = client.post("/notifications/settings/", {"muted": ["report_submitted"]})
    assert response.status_code == 302
    assert list(MutedKind.objects.filter(user=city.office).values_list("kind", flat=True)) == [
        "report_submitted"
    ]
    start = timezone.now()
    with transaction.atomic():
        submit(city, tree)
    services.delivery_send_due(at=start + services.DIGEST_DELAY + dt.timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["office2@example.gov.cn"]]  # not the muted office
    assert Notification.objects.filter(user=city.office, kind="report_submitted").count() == 1
    assert selectors.unread_count(actor=city.office) == 0
    assert selectors.unread_count(actor=city.office2) == 1
    inbox = client.get("/notifications/").content.decode()
    assert "进展报送待审核" in inbox and "已静音" in inbox
    page = client.get("/notifications/settings/").content.decode()
    assert "仍然会进入“我的消息”" in page and "不计入页面右上角的未读条数" in page
    assert 'value="report_submitted" id="mute-report_submitted" checked' in page


def test_settings_through_the_api(people, login):
    client = login(people.liaison_a)
    answer = client.get("/api/v1/me/notification-settings").json()
    assert answer["muted"] == [] and {"kind", "label", "muted"} <= set(answer["kinds"][0])
    answer = client.put(
        "/api/v1/me/notification-settings",
        {"muted": ["alert", "report_returned"]},
        content_type="application/json",
    ).json()
    assert answer["muted"] == ["report_returned", "alert"] or set(answer["muted"]) == {
        "alert",
        "report_returned",
    }
    bad = client.put(
        "/api/v1/me/notification-settings",
        {"muted": ["nonsense"]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "muted"
    assert set(MutedKind.objects.filter(user=people.liaison_a).values_list("kind", flat=True)) == {
        "alert",
        "report_returned",
    }
    page = login(people.liaison_a).post("/notifications/settings/", {"muted": ["nonsense"]})
    assert page.status_code == 422 and "没有“nonsense”这一类" in page.content.decode()


def test_an_import_is_one_message_to_the_other_office_users(people):
    from ganchao.goals import goal_sheet as gs
    from ganchao.goals.imports import goal_sheet_import
    from ganchao.goals.models import Plan
    from ganchao.goals.report_imports import report_sheet_import
    from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet, report_sheet

    city = people
    goal_sheet_import(actor=None, data=goal_sheet(basic_rows()), year=2026)
    rows = [
        {gs.CODE: "1.1", gs.PERIOD: "2026-01", gs.VALUE: 1000},
        {gs.CODE: "1.1", gs.UNIT: "东山镇", gs.PERIOD: "2026-01", gs.VALUE: 800},
        {gs.CODE: "2.1", gs.PERIOD: "2026-Q1", gs.VALUE: "3.2%"},
    ]
    result = report_sheet_import(
        actor=city.office, data=report_sheet(rows), plan=Plan.objects.get(), filename="r.xlsx"
    )
    assert result.written
    told = Notification.objects.filter(kind="report_submitted")
    assert [(n.user, n.title) for n in told] == [
        (city.office2, "进展数据导入：office导入3条报告待审核")
    ]
    assert kinds_of(city.liaison_a) == [] and kinds_of(city.leader_user) == []


def test_settings_page_runs_a_fixed_number_of_queries(people, login, django_assert_max_num_queries):
    client = login(people.office)
    with django_assert_max_num_queries(10):
        assert client.get("/notifications/settings/").status_code == 200


def test_the_group_robot_gets_one_digest_for_many_reports(people, settings, monkeypatch):
    settings.EMAIL_ENABLED, settings.WEBHOOK_URL = False, "http://robot.example/"
    posted = []
    monkeypatch.setattr(services, "webhook_post", lambda url, text: posted.append(text))
    tree = make_plan(people)
    start = timezone.now()
    with transaction.atomic():
        for month in range(4, 7):
            submit(people, tree, period=f"2026-{month:02d}", value=str(1000 * month))
    services.delivery_send_due(at=start + services.DIGEST_DELAY + dt.timedelta(minutes=1))
    assert len(posted) == 1 and posted[0].startswith("进展报送待审核（3条）")


@pytest.mark.django_db
def test_at_province_scale_each_city_s_office_hears_of_its_own_units():
    from ganchao.conftest import make_unit
    from ganchao.notifications.recipients import offices_for
    from ganchao.orgs.choices import UnitType

    province = make_unit("示范省", UnitType.PROVINCE, code="P")
    cities, offices, towns = [], [], []
    for n in (1, 2):
        city = make_unit(f"第{n}市", UnitType.CITY, province, code=f"P{n}")
        office_unit = make_unit(f"第{n}市督查室", UnitType.DEPARTMENT, city, code=f"P{n}01")
        offices.append(make_user(f"office_{n}", office_unit, Role.OFFICE))
        towns.append(make_unit(f"第{n}市一镇", UnitType.TOWN, city, code=f"P{n}T1"))
        cities.append(city)
    told = offices_for([towns[0].pk, towns[1].pk, cities[1].pk])
    assert told[towns[0].pk] == [offices[0]]
    assert told[towns[1].pk] == [offices[1]]
    assert told[cities[1].pk] == [offices[1]]
