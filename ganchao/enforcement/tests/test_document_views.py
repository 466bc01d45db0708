"""The decision document on the pages and the API (B12, B4), and the office's template."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from ganchao.enforcement import services
from ganchao.enforcement.models import CaseDecision, DocumentTemplate, SealRecord
from ganchao.enforcement.tests.test_document import FULL, complete, decided

JSON = "application/json"
# The document page of an issued decision (session, scope, case, facts, decision, seal, task).
QUERY_BUDGET = 26
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_upload(*lines, name="模板.docx"):
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=DOCX)


def document_text(decision) -> str:
    with default_storage.open(decision.document.name, "rb") as handle:
        return "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)


# ---- pages ---------------------------------------------------------------------------------


def test_page_lists_what_is_missing_and_disables_the_issue_button(ecity, login):
    case = decided(ecity, **{k: v for k, v in FULL.items() if k != "remedy"})
    page = login(ecity.officer_user_a).get(reverse("enforcement:decision_document", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "【B12】决定书缺少“申请行政复议、提起行政诉讼的途径和期限”" in html
    assert "【B4】处罚决定须填写是否具有社会影响及理由" in html
    assert 'id="document-issue-form"' in html and "disabled" in html


def test_page_issue_refused_shows_the_rule_and_saves_nothing(ecity, login):
    case = decided(ecity, **{k: v for k, v in FULL.items() if k != "remedy"})
    url = reverse("enforcement:decision_document_issue", args=[case.pk])
    page = login(ecity.head).post(url)
    assert page.status_code == 409
    assert "【B12】决定书缺少“申请行政复议、提起行政诉讼的途径和期限”" in page.content.decode()
    assert CaseDecision.objects.get(case=case).issued_at is None


def test_page_draft_save_then_issue_then_download(ecity, login):
    case = decided(ecity)
    client = login(ecity.officer_user_a)
    form = {f"doc-{k}": v for k, v in FULL.items()}
    form |= {"doc-social_impact": "no", "doc-social_impact_reason": ""}
    refused = client.post(reverse("enforcement:decision_document_update", args=[case.pk]), form)
    assert refused.status_code == 422
    assert "请写明判定是否具有社会影响的理由" in refused.content.decode()
    form["doc-social_impact_reason"] = "情节轻微，影响范围小"
    saved = client.post(reverse("enforcement:decision_document_update", args=[case.pk]), form)
    assert saved.status_code == 302
    issued = client.post(reverse("enforcement:decision_document_issue", args=[case.pk]))
    assert issued.status_code == 302
    page = client.get(reverse("enforcement:decision_document", args=[case.pk])).content.decode()
    assert "赶超市城市管理综合行政执法局罚决〔2026〕1号" in page
    assert "本地替代签章，非正式电子印章，正式使用须接入电子印章服务" in page
    assert "document-download" in page and "2026年3月2日" in page
    download = client.get(reverse("enforcement:decision_document_file", args=[case.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX
    body = b"".join(download.streaming_content)
    assert FULL["remedy"] in "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


def test_page_says_when_no_publication_task_is_made(ecity, login):
    from ganchao.enforcement.models import EnforcementSettings

    EnforcementSettings.objects.filter(pk=1).update(publish_all_penalties=False)
    case = decided(ecity, **FULL, social_impact=False, social_impact_reason="情节轻微")
    services.decision_issue(actor=ecity.head, case=case)
    page = login(ecity.head).get(reverse("enforcement:decision_document", args=[case.pk]))
    assert "不生成公示任务" in page.content.decode()


def test_page_download_of_an_altered_document_is_refused(ecity, login):
    case = complete(ecity)
    decision = services.decision_issue(actor=ecity.head, case=case)
    with open(default_storage.path(decision.document.name), "ab") as tampered:
        tampered.write(b"x")
    page = login(ecity.head).get(reverse("enforcement:decision_document_file", args=[case.pk]))
    assert page.status_code == 409
    assert "校验值" in page.content.decode()


def test_page_out_of_scope_is_404(ecity, login):
    case = complete(ecity)
    client = login(ecity.nr_officer_user)
    assert client.get(reverse("enforcement:decision_document", args=[case.pk])).status_code == 404


def test_document_page_query_count(ecity, login, django_assert_max_num_queries):
    case = complete(ecity)
    services.decision_issue(actor=ecity.head, case=case)
    client = login(ecity.head)
    url = reverse("enforcement:decision_document", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200


# ---- template ------------------------------------------------------------------------------


def test_malicious_template_refused(ecity, login):
    upload = docx_upload("{{ ''.__class__.__mro__ }}")
    client = login(ecity.office)
    page = client.post(reverse("enforcement:document_template"), {"file": upload})
    assert page.status_code == 422
    assert "不允许" in page.content.decode() or "未定义" in page.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_template_with_unknown_variable_refused(ecity):
    import pytest

    from ganchao.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        services.document_template_upload(
            actor=ecity.office, upload=docx_upload("{{ party_id_no }}")
        )
    assert "未定义" in refused.value.errors[0].message


def test_office_template_used_then_reset(ecity, login):
    client = login(ecity.office)
    page = client.get(reverse("enforcement:document_template"))
    assert "party_name" in page.content.decode() and "remedy" in page.content.decode()
    upload = docx_upload("本市格式", "{{ title }} {{ number }}", "{{ party_name }}：{{ remedy }}")
    assert (
        client.post(reverse("enforcement:document_template"), {"file": upload}).status_code == 302
    )
    first = services.decision_issue(actor=ecity.head, case=complete(ecity))
    assert "本市格式" in document_text(first) and FULL["remedy"] in document_text(first)
    assert client.post(reverse("enforcement:document_template_reset")).status_code == 302
    second = services.decision_issue(actor=ecity.head, case=complete(ecity))
    assert "本市格式" not in document_text(second)


def test_template_page_is_for_the_office(ecity, login):
    client = login(ecity.officer_user_a)
    assert client.get(reverse("enforcement:document_template")).status_code == 403
    assert login(ecity.admin).get(reverse("enforcement:document_template")).status_code == 200
    default = login(ecity.office).get(reverse("enforcement:document_template_default"))
    assert default.status_code == 200 and default["Content-Type"] == DOCX


# ---- API -----------------------------------------------------------------------------------


def test_api_get_decision_document(ecity, login):
    case = decided(ecity, **FULL)
    body = (
        login(ecity.officer_user_a)
        .get(f"/api/v1/enforcement/cases/{case.pk}/decision-document")
        .json()
    )
    assert body["issued"] is False and body["remedy"] == FULL["remedy"]
    assert body["blockers"] == [{"rule": "B4", "message": "处罚决定须填写是否具有社会影响及理由"}]


def test_api_patch_decision_document(ecity, login):
    case = decided(ecity)
    client = login(ecity.officer_user_a)
    url = f"/api/v1/enforcement/cases/{case.pk}/decision-document"
    bad = client.patch(url, {"social_impact": "yes"}, content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "social_impact_reason"
    done = client.patch(
        url, {"remedy": FULL["remedy"], "social_impact": "yes", "social_impact_reason": "关注度高"},
        content_type=JSON,
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json()["social_impact"] == "yes" and done.json()["remedy"] == FULL["remedy"]


def test_api_issue_decision_document(ecity, login):
    refused_case = decided(ecity, **{k: v for k, v in FULL.items() if k != "remedy"})
    client = login(ecity.head)
    refused = client.post(f"/api/v1/enforcement/cases/{refused_case.pk}/decision-document/issue")
    assert refused.status_code == 409
    assert refused.json()["code"] == "procedure_blocked"
    assert {e["field"] for e in refused.json()["errors"]} == {"B12", "B4"}
    case = complete(ecity)
    body = client.post(f"/api/v1/enforcement/cases/{case.pk}/decision-document/issue").json()
    assert body["issued"] is True and body["number"].endswith("罚决〔2026〕1号")
    assert body["seal"]["stand_in"] is True and "本地替代签章" in body["seal"]["stand_in_note"]
    assert body["publication"] == {"required": True, "due": "2026-03-11", "working_days": 7}
    assert SealRecord.objects.count() == 1


def test_api_download_decision_document(ecity, login):
    case = complete(ecity)
    decision = services.decision_issue(actor=ecity.head, case=case)
    client = login(ecity.officer_user_b)
    url = f"/api/v1/enforcement/cases/{case.pk}/decision-document/file"
    assert client.get(url).status_code == 200
    with open(default_storage.path(decision.document.name), "ab") as tampered:
        tampered.write(b"x")
    refused = client.get(url)
    assert refused.status_code == 409


def test_api_document_template(ecity, login):
    client = login(ecity.office)
    assert client.get("/api/v1/enforcement/document-template").json()["builtin"] is True
    bad = client.post(
        "/api/v1/enforcement/document-template", {"file": docx_upload("{{ ''.__class__ }}")}
    )
    assert bad.status_code == 422
    made = client.post(
        "/api/v1/enforcement/document-template", {"file": docx_upload("{{ party_name }}")}
    )
    assert made.status_code == 201 and made.json()["builtin"] is False
    reset = client.post("/api/v1/enforcement/document-template/reset")
    assert reset.json()["builtin"] is True
    again = client.post("/api/v1/enforcement/document-template/reset")
    assert again.status_code == 409
    outsider = login(ecity.officer_user_a)
    assert outsider.get("/api/v1/enforcement/document-template").status_code == 403
