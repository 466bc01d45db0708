"""The bulletin .docx opens in LibreOffice (issue 5 acceptance): converted to PDF headless, the
rankings table's text is in it. LibreOffice and poppler-utils come from `scripts/setup --test`;
when they are missing this test fails rather than skips."""

import shutil
import subprocess
import uuid

from ganchao.assessment import services_bulletins
from ganchao.assessment.tests.test_bulletin import publish

TIMEOUT = 120


def to_pdf_text(docx_path) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    assert soffice, "LibreOffice（soffice）未安装：请以 root 运行 scripts/setup --test"
    assert pdftotext, "pdftotext（poppler-utils）未安装：请以 root 运行 scripts/setup --test"
    profile = f"file:///tmp/lo_{uuid.uuid4().hex}"  # its own profile: runs may overlap
    outdir = docx_path.parent
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(docx_path)],
        check=True, capture_output=True, timeout=TIMEOUT,
    )  # fmt: skip
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    pdf = docx_path.with_suffix(".pdf")
    assert pdf.exists(), "LibreOffice 未生成 PDF"
    done = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"],
        check=True, capture_output=True, timeout=TIMEOUT,
    )  # fmt: skip
    return done.stdout.decode("utf-8")


def test_the_bulletin_converts_to_pdf_with_the_rankings_table(scenario, tmp_path):
    scenario.b.name = "乙镇&新区"
    scenario.b.save(update_fields=["name"])
    publish(scenario)
    generated = services_bulletins.bulletin_generate(
        actor=None, scheme_code="TOWNS", period="2026-Q2"
    )
    path = tmp_path / "bulletin.docx"
    path.write_bytes(generated.content)
    text = to_pdf_text(path)
    # pdftotext spaces out CJK and Latin runs; compare without whitespace
    lines = ["".join(line.split()) for line in text.splitlines()]
    assert generated.issue.number in lines[1]
    assert "1乙镇&新区50.0030.0020.00−2.0098.00优秀" in lines
    assert "2甲镇46.6726.2517.00+1.0090.92优秀" in lines
    assert any(line.startswith("3丙镇25.0015.0017.00—57.00") for line in lines)
    assert all(word in text for word in ("排名", "单位", "指标完成", "总分", "等次"))
