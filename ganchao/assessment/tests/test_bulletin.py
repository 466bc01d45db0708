"""The bulletin (通报): `ganchao bulletin`, the gap-free 文号 taken once per result revision, the
document's content, and the sandbox around office templates."""

import datetime as dt
import io
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from ganchao.assessment import bulletin, services, services_bulletins
from ganchao.assessment.docx import BUILTIN_TEMPLATE
from ganchao.assessment.docx.render import render
from ganchao.assessment.models import BulletinIssue, BulletinTemplate
from ganchao.audit.models import AuditEvent
from ganchao.cli import main
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.conftest import make_unit, make_user
from ganchao.goals.models import Assignment
from ganchao.ladder.choices import DocumentType
from ganchao.ladder.models import DocumentCounter
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Unit

ARGS = ["bulletin", "--scheme", "TOWNS", "--period", "2026-Q2"]


def publish(scenario):
    with transaction.atomic():
        result, _changes = services.result_publish(
            actor=None, scheme=scenario.scheme, period="2026-Q2"
        )
    return result


def document_text(path_or_bytes) -> str:
    source = path_or_bytes if not isinstance(path_or_bytes, bytes) else io.BytesIO(path_or_bytes)
    doc = Document(source)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("|".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def counter() -> int:
    """The bulletin counter of this year (文号 are numbered by the year of issue)."""
    year = timezone.localdate().year
    row = DocumentCounter.objects.filter(type=DocumentType.BULLETIN, year=year).first()
    return row.last_number if row else 0


def docx_with(document_xml_body: str) -> bytes:
    """The built-in template with its body text replaced by a paragraph holding `text`."""
    source = zipfile.ZipFile(BUILTIN_TEMPLATE)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                start = text.index("<w:body>") + len("<w:body>")
                end = text.index("<w:sectPr")
                paragraph = f"<w:p><w:r><w:t>{document_xml_body}</w:t></w:r></w:p>"
                data = (text[:start] + paragraph + text[end:]).encode()
            target.writestr(item, data)
    return out.getvalue()


def office_user(scenario):
    """The supervision office's user (市委督查室) of the scenario's city."""
    office_unit = getattr(scenario, "office_unit", None) or make_unit(
        "市委督查室", UnitType.DEPARTMENT, Unit.objects.get(code="C"), code="D90"
    )
    return make_user("bulletin_office", office_unit, Role.OFFICE)


@pytest.fixture
def city_office(scenario):
    return office_user(scenario)


# ---- command line --------------------------------------------------------------------------


def test_cli_writes_the_bulletin_and_reuses_its_number(scenario, tmp_path, capsys):
    publish(scenario)
    target = tmp_path / "通报.docx"
    assert main([*ARGS, "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "已生成通报 赶督通〔" in out and "1号（新编文号" in out and str(target) in out
    text = document_text(target)
    assert "乙镇|" in text and "98.00" in text and "90.92" in text
    assert main([*ARGS, "-o", str(tmp_path / "again.docx")]) == 0
    assert "1号（沿用文号" in capsys.readouterr().out
    assert BulletinIssue.objects.count() == 1 and counter() == 1
    assert AuditEvent.objects.filter(action="assessment.bulletin_issue").count() == 1


def test_cli_without_a_published_result_is_exit_1(scenario, tmp_path, capsys):
    assert main([*ARGS, "-o", str(tmp_path / "b.docx")]) == 1
    assert "尚无已发布的考核结果" in capsys.readouterr().err
    assert not (tmp_path / "b.docx").exists() and counter() == 0


def test_cli_usage_errors_are_exit_2(scenario, tmp_path, capsys):
    publish(scenario)
    wrong = ["bulletin", "--scheme", "TOWNS", "--period", "2026-05", "-o", str(tmp_path / "b.docx")]
    assert main(wrong) == 2
    assert "与方案的考核周期（季度）不符" in capsys.readouterr().err
    assert main(["bulletin", "--scheme", "TOWNS", "--period", "2026-Q2"]) == 2
    assert main([*ARGS, "-o", str(tmp_path / "b.pdf")]) == 2
    assert main(["bulletin", "--scheme", "NOPE", "--period", "2026-Q2", "-o", "x.docx"]) == 1
    assert counter() == 0


# ---- numbers -------------------------------------------------------------------------------


def test_a_failed_render_gives_the_number_back(scenario):
    publish(scenario)
    boom = ValidationFailed.on("template", "模板错误")
    with (
        mock.patch.object(bulletin, "issue_document", side_effect=boom),
        pytest.raises(ValidationFailed),
    ):
        services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-Q2")
    assert counter() == 0 and not BulletinIssue.objects.exists()
    generated = services_bulletins.bulletin_generate(
        actor=None, scheme_code="TOWNS", period="2026-Q2"
    )
    assert generated.created and generated.issue.sequence == 1 and counter() == 1


def test_a_new_result_revision_gets_the_next_number(scenario):
    publish(scenario)
    first = services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-Q2")
    report = scenario.reports["4"]
    report.value = 60
    report.save(update_fields=["value"])
    assert publish(scenario).result_revision == 2
    second = services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-q2")
    assert (first.issue.sequence, second.issue.sequence) == (1, 2)
    assert second.issue.number.endswith("〕2号") and second.issue.result.result_revision == 2
    assert "30.00" in document_text(second.content)


# ---- content -------------------------------------------------------------------------------


def test_the_document_holds_every_part_of_the_bulletin(scenario):
    scenario.a.name = "甲镇 & <开发区>"
    scenario.a.save(update_fields=["name"])
    publish(scenario)
    generated = services_bulletins.bulletin_generate(
        actor=None, scheme_code="TOWNS", period="2026-Q2"
    )
    text = document_text(generated.content)
    assert "赶超市督查室文件" in text and generated.issue.number in text
    assert "关于2026年第二季度\n乡镇季度考核结果的通报" in text
    assert "1|乙镇|50.00|30.00|20.00|−2.00|98.00|优秀" in text
    assert "2|甲镇 & <开发区>|46.67|26.25|17.00|+1.00|90.92|优秀" in text
    assert "3|丙镇|25.00|15.00|17.00|—|57.00|不合格\n一票否决" in text
    assert "省级表彰，加1分" in text and "未审定" not in text
    assert "丙镇：督办单（未编号）逾期未按要求回复，于2026年4月8日予以通报" in text
    assert "本期参评单位无严重滞后事项" in text
    assert "年" in text.splitlines()[-1] or "印发" in text


def test_lagging_items_and_overdue_notices(scenario):
    assignment = Assignment.objects.get(unit=scenario.c, item__code="4")
    assignment.status, assignment.expected, assignment.actual = "red", "100.004", 50
    assignment.red_since = dt.date(2026, 6, 15)
    assignment.save(update_fields=["status", "expected", "actual", "red_since"])
    later = Assignment.objects.get(unit=scenario.a, item__code="2")  # red only after the cut-off
    later.status, later.red_since = "red", dt.date(2026, 8, 3)
    later.save(update_fields=["status", "red_since"])
    notice = scenario.c.notices.first()
    notice.number, notice.response_due = "赶督〔2026〕9号", "2026-04-01"
    notice.save(update_fields=["number", "response_due"])
    publish(scenario)
    text = document_text(
        services_bulletins.bulletin_generate(
            actor=None, scheme_code="TOWNS", period="2026-Q2"
        ).content
    )
    assert "1．丙镇：4 事项4（序时目标100.00，实际完成50.00，自2026年6月15日起严重滞后）。" in text
    assert "事项2" not in text
    assert "丙镇：督办单（赶督〔2026〕9号，回复期限2026年4月1日，已签发待回复）" in text


def test_period_labels():
    assert bulletin.period_label("2026") == "2026年度"
    assert bulletin.period_label("2026-Q4") == "2026年第四季度"
    assert bulletin.period_label("2026-05") == "2026年5月"


def test_a_long_title_breaks_after_its_head():
    assert bulletin.title_lines("关于2026年度考核结果的通报", "关于2026年度") == [
        "关于2026年度考核结果的通报"
    ]
    long = "关于2026年第二季度乡镇季度考核结果的通报"
    assert bulletin.title_lines(long, "关于2026年第二季度") == [
        "关于2026年第二季度",
        "乡镇季度考核结果的通报",
    ]


# ---- the sandbox ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ number.__class__.__mro__ }}", "不允许"),
        ("{{ rows.pop() }}", "不允许"),
        ("{% for x in rows %}{{ x }}", "模板语法错误"),
        ("{{ secret_key }}", "未定义的变量"),
    ],
)
def test_a_dangerous_or_broken_template_is_refused(body, message):
    data = docx_with(body)
    with pytest.raises(ValidationFailed) as caught:
        bulletin.template_check(data, "office.docx")
    assert message in caught.value.message


def test_values_are_escaped_not_markup():
    data = docx_with("{{ number }}")
    out = render(data, {**bulletin.sample_context(), "number": "</w:t></w:r><w:r><w:t>&amp; x"})
    assert "</w:t></w:r><w:r><w:t>&amp; x" in document_text(out)


def test_not_a_docx_is_refused():
    for data, name in [(b"", "a.docx"), (b"PK\x03\x04junk", "a.docx"), (b"x", "a.doc")]:
        with pytest.raises(ValidationFailed):
            bulletin.template_check(data, name)


def test_the_office_template_is_used_and_can_be_reverted(scenario, city_office):
    publish(scenario)
    upload = SimpleUploadedFile(
        "本市模板.docx", docx_with("本市格式 {{ number }} {{ rows[0].unit }}")
    )
    with transaction.atomic():
        services_bulletins.bulletin_template_upload(actor=city_office, upload=upload)
    generated = services_bulletins.bulletin_generate(
        actor=city_office, scheme_code="TOWNS", period="2026-Q2"
    )
    assert f"本市格式 {generated.issue.number} 乙镇" in document_text(generated.content)
    services_bulletins.bulletin_template_revert(actor=city_office)
    assert not BulletinTemplate.objects.filter(active=True).exists()
    again = services_bulletins.bulletin_generate(
        actor=city_office, scheme_code="TOWNS", period="2026-Q2"
    )
    assert again.content == generated.content  # an issued bulletin stays as it was issued
    with transaction.atomic():
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.b,
            kind="bonus", points=1, reason="表彰", approved=True,
        )  # fmt: skip
    publish(scenario)  # revision 2: a new bulletin, on the built-in template
    revised = services_bulletins.bulletin_generate(
        actor=city_office, scheme_code="TOWNS", period="2026-Q2"
    )
    assert revised.created and "本市格式" not in document_text(revised.content)
    with pytest.raises(Conflict):
        services_bulletins.bulletin_template_revert(actor=city_office)


def test_a_tampered_template_file_is_refused(scenario, city_office):
    publish(scenario)
    upload = SimpleUploadedFile("t.docx", docx_with("{{ number }}"))
    with transaction.atomic():
        row = services_bulletins.bulletin_template_upload(actor=city_office, upload=upload)
    with open(row.file.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ValidationFailed, match="校验不符"):
        services_bulletins.bulletin_generate(actor=None, scheme_code="TOWNS", period="2026-Q2")
    assert counter() == 0


def test_more_components_still_fit_the_text_width():
    context = bulletin.sample_context()
    context["components"] = [{"name": f"组成项{n}", "points": "20"} for n in range(5)]
    for row in context["rows"]:
        row["scores"] = ["10.00"] * 5
    doc = Document(io.BytesIO(render(BUILTIN_TEMPLATE.read_bytes(), context)))
    table = doc.tables[0]
    assert len(table.columns) == 10
    assert [c.text for c in table.rows[1].cells][2:7] == ["10.00"] * 5
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) <= Mm(156).twips and min(widths) > Mm(9).twips


def test_the_issued_document_is_kept_and_a_tampered_copy_refused(scenario, city_office):
    publish(scenario)
    first = services_bulletins.bulletin_generate(
        actor=city_office, scheme_code="TOWNS", period="2026-Q2"
    )
    issue = BulletinIssue.objects.get()
    assert issue.sha256 and issue.document.name.startswith("bulletins/")
    with transaction.atomic():  # a later veto must not rewrite what was issued
        services.score_item_add(
            actor=None, scheme=scenario.scheme, period="2026-Q2", unit=scenario.a,
            kind="veto", points=0, reason="否决", approved=True,
        )  # fmt: skip
    assert services_bulletins.issued_document(issue) == first.content
    with issue.document.open("wb") as handle:
        handle.write(b"PK\x03\x04 altered")
    with pytest.raises(Conflict):
        services_bulletins.issued_document(issue)
