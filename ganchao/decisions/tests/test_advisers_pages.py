"""Pages of the adviser register, the consultation log, the "顾而不问" usage page and the
adviser panel of the decision page: what they show, the refusals they name, their queries."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from ganchao.decisions.choices import AdviserKind
from ganchao.decisions.models import AdviserConsultation, LegalAdviser
from ganchao.decisions.selectors import decision_facts
from ganchao.decisions.services import advisers
from ganchao.decisions.views import advisers as adviser_views

pytestmark = pytest.mark.django_db


def opinion(dcity, **kwargs):
    fields = {
        "unit": dcity.drc,
        "adviser": dcity.adviser,
        "subject": "停车收费调整方案",
        "opinion": "方案符合《价格法》规定。",
        "conclusion": "compliant",
        "consulted_on": dt.date(2026, 3, 10),
    }
    fields.update(kwargs)
    return advisers.adviser_opinion_record(actor=fields.pop("actor", dcity.drc_liaison), **fields)


def more_advisers(dcity, n):
    for i in range(n):
        LegalAdviser.objects.create(
            name=f"律师{i}",
            kind=AdviserKind.PUBLIC_LAWYER,
            appointing_unit=dcity.root if i % 2 else dcity.justice,
            organisation="某律所",
            qualification=f"1110120201000{i:04d}",
            term_start=dt.date(2024, 1, 1),
            term_end=dt.date(2025, 12, 31) if i % 3 else dt.date(2027, 12, 31),
            active=i % 4 != 0,
        )


def test_the_register_shows_each_status_in_words_with_bounded_queries(
    dcity, login, django_assert_max_num_queries
):
    """Given advisers in term, expired and ended, When the liaison opens the register, Then each
    carries its word (在聘 / 已到期 / 已解聘), and 30 advisers cost no more queries than 3."""
    more_advisers(dcity, 3)
    client = login(dcity.drc_liaison)
    client.get("/decisions/advisers/")
    with django_assert_max_num_queries(12):
        page = client.get("/decisions/advisers/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "陈律师" in text and "已解聘" in text and "已到期" in text and "在聘" in text
    more_advisers(dcity, 30)
    with django_assert_max_num_queries(12):
        assert client.get("/decisions/advisers/?status=expired").status_code == 200


def test_the_register_filters_by_kind_and_status(dcity, login):
    """Given an ended public lawyer, When the register is filtered to 已解聘, Then only they
    show."""
    more_advisers(dcity, 1)
    page = login(dcity.office).get("/decisions/advisers/?status=ended&kind=public_lawyer")
    text = page.content.decode()
    assert "律师0" in text and "陈律师" not in text


def test_appointing_through_the_form_names_the_wrong_field(dcity, login):
    """Given the reviewer, When the form's term ends before it starts, Then the page shows the
    error next to the field (422) and nothing is saved; a right form saves and redirects."""
    client = login(dcity.reviewer)
    form = {
        "name": "李律师",
        "kind": "public_lawyer",
        "appointing_unit": "C",
        "organisation": "赶超市司法局",
        "qualification": "11101202010000001",
        "term_start": "2026-06-01",
        "term_end": "2026-05-01",
    }
    refused = client.post("/decisions/advisers/new/", form)
    assert refused.status_code == 422
    assert "聘期结束：不能早于聘期开始" in refused.content.decode()
    assert not LegalAdviser.objects.filter(name="李律师").exists()
    done = client.post("/decisions/advisers/new/", {**form, "term_end": "2027-05-31"})
    adviser = LegalAdviser.objects.get(name="李律师")
    assert done.status_code == 302 and done["Location"] == f"/decisions/advisers/{adviser.pk}/"


def test_the_form_is_hidden_from_those_who_do_not_keep_the_register(dcity, login):
    """Given a liaison, When they open the appointment form, Then 404."""
    assert login(dcity.drc_liaison).get("/decisions/advisers/new/").status_code == 404


def test_ending_an_appointment_on_its_page(dcity, login):
    """Given the adviser's page, When the reviewer ends the appointment with a reason, Then the
    page shows 已解聘 with the reason."""
    client = login(dcity.reviewer)
    url = f"/decisions/advisers/{dcity.adviser.pk}/"
    client.post(f"{url}end/", {"reason": "本人申请辞去"})
    text = client.get(url).content.decode()
    assert "已解聘" in text and "本人申请辞去" in text


def test_editing_keeps_the_version(dcity, login):
    """Given the edit form, When the reviewer extends the term, Then it is saved."""
    client = login(dcity.reviewer)
    url = f"/decisions/advisers/{dcity.adviser.pk}/edit/"
    assert client.get(url).status_code == 200
    form = {
        "name": "陈律师",
        "kind": "government_legal_adviser",
        "appointing_unit": "C",
        "organisation": "某某律师事务所",
        "qualification": "A20151100000001",
        "term_start": "2025-01-01",
        "term_end": "2028-12-31",
        "username": "adviser",
        "version": "1",
    }
    assert client.post(url, form).status_code == 302
    dcity.adviser.refresh_from_db()
    assert dcity.adviser.term_end == dt.date(2028, 12, 31)


# ---- consultations -------------------------------------------------------------------------------


def test_the_consultation_form_is_prefilled_from_the_decision(dcity, login):
    """Given a launched decision, When the liaison opens the form with ?decision=, Then it names
    the decision and offers the file field."""
    decision = dcity.launched()
    page = login(dcity.drc_liaison).get(
        f"/decisions/adviser-consultations/new/?decision={decision.pk}"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert decision.code in text and 'name="file"' in text and 'value="C004"' in text


def test_the_consultation_form_of_a_hidden_decision_is_404(dcity, login):
    """Given a decision the town liaison cannot read, When they open the form for it, Then 404."""
    decision = dcity.launched()
    url = f"/decisions/adviser-consultations/new/?decision={decision.pk}"
    assert login(dcity.liaison_a).get(url).status_code == 404


def _consultation_form(dcity, **kwargs):
    form = {
        "unit": "C004",
        "adviser": str(dcity.adviser.pk),
        "consulted_on": "2024-05-01",
        "subject": "停车收费调整方案",
        "question": "",
        "opinion": "收费依据不足",
        "conclusion": "non_compliant",
    }
    form.update(kwargs)
    return form


def test_an_adviser_out_of_term_is_named_on_the_page(dcity, login):
    """Given a consultation dated before the adviser's term, When posted, Then 422 with the
    adviser's name in the error and nothing saved."""
    page = login(dcity.drc_liaison).post(
        "/decisions/adviser-consultations/new/", _consultation_form(dcity)
    )
    assert page.status_code == 422
    assert "陈律师的聘期为2025年1月1日至2027年12月31日" in page.content.decode()
    assert not AdviserConsultation.objects.exists()


def test_recording_on_a_decision_through_the_page(dcity, login):
    """Given the form with the decision, When the liaison saves a 不合规 opinion, Then the
    consultation is linked and A16 now names it."""
    decision = dcity.launched()
    form = _consultation_form(dcity, consulted_on="2026-03-10", decision=str(decision.pk))
    done = login(dcity.drc_liaison).post("/decisions/adviser-consultations/new/", form)
    assert done.status_code == 302
    row = AdviserConsultation.objects.get()
    assert row.decision_id == decision.pk
    assert decision_facts(decision).adviser_latest_non_compliant


def test_the_log_lists_with_bounded_queries_and_adoption_through_the_page(
    dcity, login, django_assert_max_num_queries
):
    """Given consultations, When the log is opened, Then a fixed number of queries; adopting
    "not adopted" without a reason shows the rule and keeps it pending."""
    decision = dcity.launched()
    for n in range(3):
        opinion(dcity, decision=decision if n % 2 else None, subject=f"咨询{n}")
    client = login(dcity.drc_liaison)
    client.get("/decisions/adviser-consultations/")
    with django_assert_max_num_queries(12):
        page = client.get("/decisions/adviser-consultations/")
    assert "咨询2" in page.content.decode()
    for n in range(20):
        opinion(dcity, subject=f"更多{n}")
    with django_assert_max_num_queries(12):
        client.get("/decisions/adviser-consultations/?adoption=pending")
    row = AdviserConsultation.objects.filter(subject="咨询0").get()
    url = f"/decisions/adviser-consultations/{row.pk}/"
    client.post(f"{url}adoption/", {"adoption": "not_adopted", "reason": ""})
    text = client.get(url).content.decode()
    assert "部分采纳或未采纳法律顾问意见的，须书面说明理由" in text
    row.refresh_from_db()
    assert row.adoption == "pending"
    client.post(f"{url}adoption/", {"adoption": "not_adopted", "reason": "与上级政策冲突"})
    row.refresh_from_db()
    assert (row.adoption, row.adoption_reason) == ("not_adopted", "与上级政策冲突")


# ---- 顾而不问 ------------------------------------------------------------------------------------


def test_the_usage_page_highlights_units_that_never_consult(
    dcity, login, django_assert_max_num_queries
):
    """Given consultations by 发改委 only, When the office opens the usage page for 2026, Then
    市场监管局 is flagged 本年度未咨询法律顾问, the adviser's count shows, and more rows cost no
    more queries."""
    opinion(dcity)
    client = login(dcity.office)
    client.get("/decisions/advisers/usage/?year=2026")
    with django_assert_max_num_queries(12):
        page = client.get("/decisions/advisers/usage/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert "本年度未咨询法律顾问" in text and "市市场监督管理局" in text
    assert "usage-chart" in text and "echarts" in text
    usage = page.context["usage"]
    drc = next(r for r in usage["units"] if r["unit"] == dcity.drc)
    assert (drc["total"], drc["silent"]) == (1, False)
    assert dcity.market in [r["unit"] for r in usage["silent"]]
    more_advisers(dcity, 10)
    for n in range(10):
        opinion(dcity, actor=dcity.office, unit=dcity.village_a, subject=f"村{n}")
    with django_assert_max_num_queries(12):
        page = client.get("/decisions/advisers/usage/?year=2026")
    town = next(r for r in page.context["usage"]["units"] if r["unit"] == dcity.town_a)
    assert town["total"] == 10  # the village's consultations count under its town


def test_the_usage_page_is_not_for_liaisons(dcity, login):
    """Given a liaison, When they open the usage page, Then 404."""
    assert login(dcity.drc_liaison).get("/decisions/advisers/usage/").status_code == 404


# ---- the decision panel --------------------------------------------------------------------------


def _panel(dcity, decision, user):
    request = RequestFactory().get(f"/decisions/{decision.pk}/")
    request.user = user
    context = adviser_views.panel_context(request, decision, decision_facts(decision))
    return render_to_string(
        "decisions/panels/advisers.html",
        {**context, "decision": decision, "user": user},
        request=request,
    )


def test_the_panel_shows_opinions_with_red_non_compliant_and_the_link_to_record(dcity):
    """Given a decision with a 不合规 opinion not adopted with a reason, When its page shows the
    panel, Then the red 不合规 badge, the adoption and reason, and the link to record one."""
    decision = dcity.launched()
    row = opinion(dcity, decision=decision, conclusion="non_compliant")
    advisers.adviser_opinion_adopt(
        actor=dcity.drc_liaison, consultation=row, adoption="not_adopted", reason="另有依据"
    )
    html = _panel(dcity, decision, dcity.drc_liaison)
    assert '<span class="badge bg-red-lt">不合规</span>' in html
    assert "未采纳" in html and "另有依据" in html
    assert f"/decisions/adviser-consultations/new/?decision={decision.pk}" in html


def test_the_panel_without_opinions_says_what_is_missing(dcity):
    """Given no opinion, When the panel shows, Then it says the adviser was not heard (A16)."""
    decision = dcity.launched()
    html = _panel(dcity, decision, dcity.market_liaison)
    assert "尚未听取法律顾问或公职律师意见" in html


def test_the_decision_page_carries_the_adviser_panel(dcity, login):
    """Given a launched decision with an opinion, When its page is opened, Then the adviser panel
    lists it; recording from the decision's form returns to the decision page."""
    decision = dcity.launched()
    opinion(dcity, decision=decision, subject="草案合法性咨询")
    client = login(dcity.drc_liaison)
    text = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert 'id="panel-advisers"' in text and "草案合法性咨询" in text
    form = _consultation_form(dcity, consulted_on="2026-03-12", decision=str(decision.pk))
    done = client.post("/decisions/adviser-consultations/new/", form)
    assert done["Location"] == f"/decisions/{decision.pk}/"
