"""Builds the built-in decision-document template `decision.docx`: A4 with the GB/T 9704
margins of the bulletin template, the organ's name and the document's title centred, the
number on the right, then one section per B12 item (party, facts and evidence, penalty and
basis, performance, remedy), the organ, the date and the seal line. The stand-in seal's
warning prints in red when the seal service is the local stand-in.

The tags are docxtpl's ({{ … }}, {%p if … %}) over the variables documented in
`ganchao.enforcement.document.CONTEXT_DOC`."""

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ganchao.assessment.docx.make_template import HT, RED, XBS, _page_setup, _para
from ganchao.enforcement.document_templates import DEFAULT_TEMPLATE

SECTIONS = [
    ("一、当事人", "{{ party_name }}", "地址：{{ party_address }}"),
    ("二、违法事实和证据", "{{ facts_evidence }}", None),
    ("三、行政处罚的种类和依据", "{{ penalty_basis }}", None),
    ("四、履行方式和期限", "{{ performance }}", None),
    ("五、申请行政复议、提起行政诉讼的途径和期限", "{{ remedy }}", None),
]


def build(path: Path = DEFAULT_TEMPLATE) -> Path:
    doc = Document()
    _page_setup(doc)
    _para(doc, "{{ organ_name }}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=XBS, size=22)
    _para(
        doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, font=XBS, size=22,
        after=8,
    )  # fmt: skip
    _para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, after=8)
    _para(doc, "案件编号：{{ case_code }}　案由：{{ case_title }}", indent=False)
    for heading, body, extra in SECTIONS:
        _para(doc, heading, indent=False, font=HT, before=6)
        _para(doc, body)
        if extra:
            _para(doc, extra)
    _para(doc, "{%p if decision_kind_label %}", indent=False)
    _para(doc, "决定类型：{{ decision_kind_label }}")
    _para(doc, "{%p endif %}", indent=False)
    _para(doc, "{{ organ_name }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, before=24)
    _para(doc, "{{ decided_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "（印章：{{ seal_name }}）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "{%p if seal_note %}", indent=False)
    _para(doc, "{{ seal_note }}", indent=False, color=RED, size=12, before=12)
    _para(doc, "{%p endif %}", indent=False)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TEMPLATE))
