"""The procedure panel on the case page and its page actions: refusals show 【rule】message and
save nothing; the decide form is the head's only and disabled while the gates block it."""

import datetime as dt

from ganchao.enforcement.choices import DeliveryMethod, Stage, StatementKind
from ganchao.enforcement.models import Case, CaseDecision, Delivery, Hearing, PartyStatement
from ganchao.enforcement.tests.conftest import pdf
from ganchao.enforcement.tests.test_procedure_services import (
    decide,
    heard_case,
    issue,
    notified_case,
    reviewed_case,
)


def page(client, case):
    return client.get(f"/enforcement/cases/{case.pk}/")


def test_officer_serves_the_notice_from_the_panel(ecity, login):
    case = reviewed_case(ecity)
    client = login(ecity.officer_user_a)
    html = page(client, case).content.decode()
    assert 'data-action="notice_serve"' in html and "送达行政处罚事先告知" in html
    response = client.post(
        f"/enforcement/cases/{case.pk}/notices/",
        {
            "notice-served_on": "2026-03-10",
            "notice-proposal": "拟处罚款5000元",
            "notice-facts": "未经许可搭建彩钢房",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/enforcement/cases/{case.pk}/#panel-procedure")
    assert Case.objects.get(pk=case.pk).stage == Stage.NOTIFIED
    html = page(client, case).content.decode()
    assert "2026年3月10日" in html and "2026年3月17日" in html  # served, and the 5-day due


def test_decide_form_is_the_heads_and_disabled_with_blockers(ecity, login, time_machine):
    """B9: notified but not heard — the head sees 作出决定 disabled with 【B9】 listed; an
    officer sees no decide form, only what is still needed."""
    time_machine.move_to(dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC))
    case = notified_case(ecity)
    html = page(login(ecity.head), case).content.decode()
    start = html.index('data-action="decide"')
    form = html[start : html.index("</form>", start)]
    assert "disabled" in form
    assert "【B9】尚未听取当事人的陈述申辩" in form
    html = page(login(ecity.officer_user_a), case).content.decode()
    assert 'data-action="decide"' not in html
    assert "【B9】尚未听取当事人的陈述申辩" in html


def test_late_hearing_request_refused_on_the_page(ecity, login):
    """B11: a hearing request after the 5 working days is refused with 【B11】 over the page and
    nothing is saved."""
    case = notified_case(ecity, fine="15000")
    client = login(ecity.officer_user_a)
    response = client.post(
        f"/enforcement/cases/{case.pk}/statements/",
        {"stmt-kind": StatementKind.HEARING_REQUEST, "stmt-received_on": "2026-03-18"},
    )
    assert response.status_code == 409
    assert "【B11】已超过申请听证期限（告知后5个工作日）" in response.content.decode()
    assert not PartyStatement.objects.exists() and not Hearing.objects.exists()


def test_hearing_clocks_on_the_panel(ecity, login):
    case = notified_case(ecity, fine="15000")
    client = login(ecity.officer_user_a)
    client.post(
        f"/enforcement/cases/{case.pk}/statements/",
        {"stmt-kind": StatementKind.HEARING_REQUEST, "stmt-received_on": "2026-03-12"},
    )
    hearing = Hearing.objects.get(case=case)
    refused = client.post(
        f"/enforcement/hearings/{hearing.pk}/schedule/",
        {
            "hs-notified_on": "2026-03-18",
            "hs-scheduled_on": "2026-03-26",
            "hs-place": "听证室",
            "hs-host": "王法制",
        },
    )
    assert refused.status_code == 409
    assert "【B11】听证应当在举行7个工作日前通知当事人" in refused.content.decode()
    ok = client.post(
        f"/enforcement/hearings/{hearing.pk}/schedule/",
        {
            "hs-notified_on": "2026-03-18",
            "hs-scheduled_on": "2026-03-27",
            "hs-place": "听证室",
            "hs-host": "王法制",
        },
    )
    assert ok.status_code == 302
    html = page(client, case).content.decode()
    assert "申请听证（告知后5个工作日）" in html and "听证通知（听证7个工作日前）" in html
    assert "2026年3月18日" in html  # the notice due: 7 working days before 27 March


def test_heavier_decision_refused_on_the_page(ecity, login):
    case = heard_case(ecity)
    client = login(ecity.head)
    response = client.post(
        f"/enforcement/cases/{case.pk}/decide/",
        {
            "dec-kind": "penalty",
            "dec-penalties": ["fine"],
            "dec-fine": "9000",
            "dec-decided_on": "2026-03-20",
        },
    )
    assert response.status_code == 409
    assert "【B9】不得因当事人陈述申辩而给予更重的处罚" in response.content.decode()
    assert not CaseDecision.objects.exists()
    done = client.post(
        f"/enforcement/cases/{case.pk}/decide/",
        {
            "dec-kind": "penalty",
            "dec-penalties": ["fine"],
            "dec-fine": "5000",
            "dec-decided_on": "2026-03-20",
        },
    )
    assert done.status_code == 302
    html = page(client, case).content.decode()
    assert "罚款5,000.00元" in html and "决定书待签发" in html


def test_officer_cannot_decide_on_the_page(ecity, login):
    case = heard_case(ecity)
    response = login(ecity.officer_user_a).post(
        f"/enforcement/cases/{case.pk}/decide/",
        {
            "dec-kind": "penalty",
            "dec-penalties": ["fine"],
            "dec-fine": "5000",
            "dec-decided_on": "2026-03-20",
        },
    )
    assert response.status_code == 403
    assert not CaseDecision.objects.exists()


def test_electronic_delivery_without_consent_refused_on_the_page(ecity, login):
    case = heard_case(ecity)
    issue(decide(ecity, case))
    client = login(ecity.officer_user_a)
    fields = {
        "dlv-method": DeliveryMethod.ELECTRONIC,
        "dlv-delivered_on": "2026-03-23",
        "dlv-recipient": "张三",
    }
    refused = client.post(f"/enforcement/cases/{case.pk}/deliveries/", fields)
    assert refused.status_code == 409
    assert "【B11】电子送达须附当事人签署的同意确认书" in refused.content.decode()
    assert not Delivery.objects.exists()
    done = client.post(
        f"/enforcement/cases/{case.pk}/deliveries/", fields | {"dlv-consent": pdf("确认书.pdf")}
    )
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.SERVED


def test_invalid_form_saves_nothing(ecity, login):
    case = heard_case(ecity)
    issue(decide(ecity, case))
    response = login(ecity.officer_user_a).post(
        f"/enforcement/cases/{case.pk}/deliveries/", {"dlv-method": "direct"}
    )
    assert response.status_code == 422
    assert not Delivery.objects.exists()


def test_other_agency_gets_404(ecity, login):
    case = notified_case(ecity)
    response = login(ecity.nr_officer_user).post(
        f"/enforcement/cases/{case.pk}/statements/",
        {"stmt-kind": StatementKind.WAIVED, "stmt-received_on": "2026-03-11"},
    )
    assert response.status_code == 404
    assert not PartyStatement.objects.exists()
    assert dt.date(2026, 3, 10) == case.notices.get().served_on
