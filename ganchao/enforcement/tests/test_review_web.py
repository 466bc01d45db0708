"""The review panel, the reviewer's desk and a round's page, and one API test per endpoint."""

import datetime as dt

from ganchao.enforcement.choices import ReviewItem, ReviewState, Stage, Verdict
from ganchao.enforcement.models import Case, CollectiveDiscussion, LegalReview
from ganchao.enforcement.tests.review_support import (
    assigned,
    concluded,
    heard_case,
    submitted,
    with_problem,
)

JSON = "application/json"


def _html(response) -> str:
    return response.content.decode()


# ---- the panel and the case actions ----------------------------------------------------------


def test_panel_shows_why_the_case_is_major_and_the_submit_form(ecity, login):
    case = heard_case(ecity)
    page = login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/")
    html = _html(page)
    assert page.status_code == 200
    assert "对自然人罚款达到重大标准" in html
    assert "须集体讨论" in html
    assert 'id="submit-review-form"' in html
    assert "认定为重大执法决定" not in html or f"/enforcement/cases/{case.pk}/major/" in html


def test_panel_of_a_minor_case_offers_voluntary_review(ecity, login):
    case = heard_case(ecity, fine="500")
    html = _html(login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/"))
    assert "非重大执法决定" in html and "主动申请法制审核" in html


def test_page_flags_a_case_major_and_the_flag_stays(ecity, login):
    case = heard_case(ecity, fine="500")
    client = login(ecity.officer_user_a)
    url = f"/enforcement/cases/{case.pk}/major/"
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 422 and not Case.objects.get(pk=case.pk).manual_major
    done = client.post(url, {"reason": "社会影响较大"})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).manual_major
    again = client.post(url, {"reason": "再次认定"})
    assert again.status_code == 409
    assert "已认定为重大执法决定" in _html(again)
    html = _html(client.get(f"/enforcement/cases/{case.pk}/"))
    assert "承办人员认定为重大执法决定" in html and "社会影响较大" in html


def test_page_submit_refused_by_b9_shows_the_rule_and_saves_nothing(ecity, login):
    case = heard_case(ecity, statement="hearing_request")
    client = login(ecity.officer_user_a)
    refused = client.post(f"/enforcement/cases/{case.pk}/legal-review/", {"materials": "案卷"})
    assert refused.status_code == 409
    assert "【B9】当事人已申请听证，听证尚未举行" in _html(refused)
    assert LegalReview.objects.count() == 0


def test_page_submit_of_a_minor_case_needs_the_voluntary_box(ecity, login):
    case = heard_case(ecity, fine="500")
    client = login(ecity.officer_user_a)
    url = f"/enforcement/cases/{case.pk}/legal-review/"
    refused = client.post(url, {"materials": "案卷"})
    assert refused.status_code == 409 and "非重大执法决定无需法制审核" in _html(refused)
    done = client.post(url, {"materials": "案卷", "voluntary": "on"})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.LEGAL_REVIEW


def test_page_records_the_collective_discussion(ecity, login):
    case = heard_case(ecity)
    concluded(ecity, case)
    client = login(ecity.head)
    done = client.post(
        f"/enforcement/cases/{case.pk}/collective/",
        {
            "held_on": dt.date.today().isoformat(),
            "chair": "王局长",
            "participants": "局领导班子",
            "conclusion": "同意处罚",
        },
    )
    assert done.status_code == 302
    assert CollectiveDiscussion.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).stage == Stage.COLLECTIVE


# ---- the desk and the round's page -----------------------------------------------------------


def test_desk_lists_waiting_and_mine_with_bounded_queries(
    ecity, login, django_assert_max_num_queries
):
    client = login(ecity.reviewer_user)
    submitted(ecity, heard_case(ecity))
    assigned(ecity, heard_case(ecity))
    concluded(ecity, heard_case(ecity))
    with django_assert_max_num_queries(25) as baseline:
        page = client.get("/enforcement/reviews/")
    assert page.status_code == 200
    for n in range(6):
        [submitted, assigned, concluded][n % 3](ecity, heard_case(ecity))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get("/enforcement/reviews/")
    html = _html(page)
    assert html.count('class="review-row') == 9
    assert "待分配审核人员（3）" in html and "分配给我的（3）" in html and "近30日审结（3）" in html


def test_desk_is_for_reviewers_heads_and_the_office(ecity, login):
    assert login(ecity.officer_user_a).get("/enforcement/reviews/").status_code == 403
    assert login(ecity.head).get("/enforcement/reviews/").status_code == 200


def test_review_page_lists_eligible_and_ineligible_reviewers(ecity, login):
    case = heard_case(ecity)
    review = submitted(ecity, case)
    html = _html(login(ecity.reviewer_user).get(f"/enforcement/reviews/{review.pk}/"))
    assert "孙审核" in html
    assert "周审核未取得法律职业资格，不能从事法制审核" in html
    assert "拟处罚款15000元" in html and "对自然人罚款达到重大标准" in html
    assert "现场检查笔录" in html


def test_page_assign_refused_for_an_unqualified_reviewer(ecity, login):
    case = heard_case(ecity)
    review = submitted(ecity, case)
    client = login(ecity.reviewer_user)
    refused = client.post(
        f"/enforcement/reviews/{review.pk}/assign/", {"reviewer": ecity.unqualified.pk}
    )
    assert refused.status_code == 422
    assert LegalReview.objects.get(pk=review.pk).reviewer is None
    done = client.post(f"/enforcement/reviews/{review.pk}/assign/", {"reviewer": ecity.reviewer.pk})
    assert done.status_code == 302
    assert LegalReview.objects.get(pk=review.pk).state == ReviewState.ASSIGNED


def test_page_conclude_names_the_missing_item_then_returns_the_case(ecity, login):
    case = heard_case(ecity)
    review = assigned(ecity, case)
    client = login(ecity.reviewer_user)
    url = f"/enforcement/reviews/{review.pk}/conclude/"
    data = {f"verdict_{item.value}": Verdict.PASS for item in ReviewItem}
    partial = dict(data)
    del partial["verdict_crime"]
    refused = client.post(url, partial)
    assert refused.status_code == 422
    assert "违法行为是否涉嫌犯罪" in _html(refused)
    assert LegalReview.objects.get(pk=review.pk).state == ReviewState.ASSIGNED
    data["verdict_facts"] = Verdict.PROBLEM
    data["note_facts"] = "面积未测量"
    data["opinion"] = "事实不清，退回补充"
    assert client.post(url, data).status_code == 302
    assert LegalReview.objects.get(pk=review.pk).state == ReviewState.RETURNED
    html = _html(login(ecity.officer_user_a).get(f"/enforcement/cases/{case.pk}/"))
    assert "面积未测量" in html and "整改后重新提交法制审核" in html


def test_page_extend_once(ecity, login):
    review = assigned(ecity, heard_case(ecity))
    client = login(ecity.reviewer_user)
    url = f"/enforcement/reviews/{review.pk}/extend/"
    assert client.post(url, {"reason": "需现场复核"}).status_code == 302
    assert client.post(url, {"reason": "再延"}).status_code == 409


# ---- API -------------------------------------------------------------------------------------


def test_api_case_major(ecity, login):
    case = heard_case(ecity, fine="500")
    client = login(ecity.officer_user_a)
    url = f"/api/v1/enforcement/cases/{case.pk}/major"
    assert client.post(url, {"reason": ""}, content_type=JSON).status_code == 422
    made = client.post(url, {"reason": "社会关注"}, content_type=JSON)
    assert made.status_code == 200
    assert made.json()["major"] is True and made.json()["major_reasons"] == ["manual"]


def test_api_submit_legal_review(ecity, login):
    case = heard_case(ecity)
    client = login(ecity.officer_user_a)
    url = f"/api/v1/enforcement/cases/{case.pk}/legal-reviews"
    made = client.post(url, {"materials": "案卷"}, content_type=JSON)
    assert made.status_code == 201
    assert made.json()["round"] == 1 and made.json()["state"] == "submitted"
    again = client.post(url, {"materials": "案卷"}, content_type=JSON)
    assert again.status_code == 409
    assert again.json()["code"] == "procedure_blocked"
    assert again.json()["errors"][0]["field"] == "B9"


def test_api_desk_and_detail(ecity, login):
    review = assigned(ecity, heard_case(ecity))
    submitted(ecity, heard_case(ecity))
    client = login(ecity.reviewer_user)
    listed = client.get("/api/v1/enforcement/legal-reviews?state=open")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    mine = client.get("/api/v1/enforcement/legal-reviews?mine=true").json()
    assert [row["id"] for row in mine["items"]] == [review.pk]
    assert mine["items"][0]["clock_state"] in ("running", "due_soon")
    detail = client.get(f"/api/v1/enforcement/legal-reviews/{review.pk}").json()
    assert detail["major_reasons"] == ["fine_person"] and detail["verdicts"] == []
    assert login(ecity.nr_officer_user).get(
        f"/api/v1/enforcement/legal-reviews/{review.pk}"
    ).status_code in (403, 404)


def test_api_assign_b10(ecity, login):
    review = submitted(ecity, heard_case(ecity))
    client = login(ecity.reviewer_user)
    url = f"/api/v1/enforcement/legal-reviews/{review.pk}/assign"
    refused = client.post(url, {"reviewer_id": ecity.unqualified.pk}, content_type=JSON)
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "B10"
    done = client.post(url, {"reviewer_id": ecity.reviewer.pk}, content_type=JSON)
    assert done.status_code == 200 and done.json()["state"] == "assigned"
    assert done.json()["due"]


def test_api_extend(ecity, login):
    review = assigned(ecity, heard_case(ecity))
    client = login(ecity.reviewer_user)
    url = f"/api/v1/enforcement/legal-reviews/{review.pk}/extend"
    done = client.post(url, {"reason": "需补充勘验"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["extended"] is True


def test_api_conclude_one_verdict_per_item(ecity, login):
    review = assigned(ecity, heard_case(ecity))
    client = login(ecity.reviewer_user)
    url = f"/api/v1/enforcement/legal-reviews/{review.pk}/conclude"
    six = [{"item": i.value, "verdict": "pass"} for i in ReviewItem if i != ReviewItem.CRIME]
    refused = client.post(url, {"verdicts": six}, content_type=JSON)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["verdicts.crime"]
    dup = [*six, {"item": "body", "verdict": "pass"}]
    assert client.post(url, {"verdicts": dup}, content_type=JSON).status_code == 422
    rows = [
        {"item": item, "verdict": verdict, "note": note}
        for item, (verdict, note) in with_problem().items()
    ]
    done = client.post(url, {"verdicts": rows, "opinion": "事实不清"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["state"] == "returned"
    assert len(done.json()["verdicts"]) == 7


def test_api_collective_discussion(ecity, login):
    case = heard_case(ecity, fine="500")
    client = login(ecity.head)
    url = f"/api/v1/enforcement/cases/{case.pk}/collective-discussions"
    bad = client.post(url, {"chair": "局长"}, content_type=JSON)
    assert bad.status_code == 422
    made = client.post(
        url,
        {
            "held_on": "2026-03-20",
            "chair": "局长",
            "participants": "班子成员",
            "conclusion": "同意",
        },
        content_type=JSON,
    )
    assert made.status_code == 201 and made.json()["held_on"] == "2026-03-20"
