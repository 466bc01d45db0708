"""Builds the built-in bulletin template `bulletin.docx` with python-docx, laid out after
GB/T 9704-2012: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225
mm); red 发文机关标志 and separator; title in 2号小标宋; body in 3号仿宋_GB2312 with 一、 in 黑体 and
（一） in 楷体; page numbers "— 1 —" in 4号宋体, odd pages right and even pages left.

The template holds docxtpl tags ({{ … }}, {%p … %}, {%tr … %}, {%tc … %}) over the context
documented in `ganchao.assessment.bulletin.CONTEXT_DOC`. Run `scripts/make_bulletin_template`
to regenerate it after editing this file."""

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ganchao.assessment.docx import BUILTIN_TEMPLATE

RED = RGBColor(0xE0, 0x00, 0x00)
XBS = "方正小标宋简体"  # 小标宋: organ mark and title
FS = "仿宋_GB2312"  # body
HT = "黑体"  # first-level headings 一、
KT = "楷体_GB2312"  # second-level headings （一）
ST = "宋体"  # page numbers
LINE = Pt(28.95)  # 22 lines on the 225 mm 版心
TEXT_WIDTH = Mm(156)


def _fonts(rpr_owner, east_asia: str, latin: str = "Times New Roman") -> None:
    rpr = rpr_owner._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph, text, *, font=FS, size=16, bold=False, color=None):
    run = paragraph.add_run(text)
    _fonts(run, font)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc_or_cell, text="", *, align=None, indent=True, line=LINE, before=0, after=0, **run):
    paragraph = doc_or_cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(32) if indent else None
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY if line else WD_LINE_SPACING.SINGLE
    if line:
        fmt.line_spacing = line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if text:
        _run(paragraph, text, **run)
    return paragraph


def _tag(doc, text):
    """A paragraph holding only a docxtpl block tag ({%p … %}); docxtpl removes it."""
    return _para(doc, text, indent=False)


def _border(paragraph, side: str, *, color="E00000", size=12, space=0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", size), ("space", space), ("color", color)):
        edge.set(qn(f"w:{key}"), str(value))
    borders.append(edge)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    normal = doc.styles["Normal"]
    _fonts(normal, FS)
    normal.font.size = Pt(16)


def _page_number(paragraph) -> None:
    _run(paragraph, "— ", font=ST, size=14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    _run(paragraph, " —", font=ST, size=14)


def _footers(doc) -> None:
    """单页码居右空一字，双页码居左空一字 (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even)


def _masthead(doc) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, indent=False, line=Pt(40))
    _para(doc, "{{ organ }}", align=centre, indent=False, line=Pt(60), font=XBS, size=36,
          bold=True, color=RED)  # fmt: skip
    _para(doc, indent=False)
    number = _para(doc, "{{ number }}", align=centre, indent=False)
    _border(number, "bottom", size=18, space=12)
    _para(doc, indent=False)
    _tag(doc, "{%p for line in title_lines %}")
    _para(doc, "{{ line }}", align=centre, indent=False, line=Pt(36), font=XBS, size=22,
          bold=True)  # fmt: skip
    _tag(doc, "{%p endfor %}")
    _para(doc, indent=False)
    _para(doc, "{{ addressee }}", indent=False)


def _cell(cell, text, *, bold=False, font=FS, size=12, width=None):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if width is not None:
        cell.width = width
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = None
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    _run(paragraph, text, font=font, size=size, bold=bold)


# (header text, body text, width): the {%tc %} columns repeat once per scheme component; with
# three components the widths fill the 156 mm text width, with more the renderer scales them.
COLUMNS = [
    ("排名", "{{ r.rank }}", Mm(12)),
    ("单位", "{{ r.unit }}", Mm(29)),
    ("{%tc for c in components %}", "{%tc for s in r.scores %}", Mm(1)),
    ("{{ c.name }}\n{{ c.points }}分", "{{ s }}", Mm(20)),
    ("{%tc endfor %}", "{%tc endfor %}", Mm(1)),
    ("加减分", "{{ r.adjustment }}", Mm(17)),
    ("总分", "{{ r.total }}", Mm(17)),
    ("等次", "{{ r.grade }}", Mm(21)),
]


def _row_flag(row, flag: str) -> None:
    """tblHeader (repeat on every page) or cantSplit (keep a row on one page)."""
    element = OxmlElement(f"w:{flag}")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _veto_mark(cell) -> None:
    """一票否决 on its own line under the grade of a vetoed unit."""
    for text in ("{%p if r.veto %}", "一票否决", "{%p endif %}"):
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = None
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _run(paragraph, text, size=10.5)


def _rankings_table(doc) -> None:
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, loop, body, end = table.rows
    _row_flag(header, "tblHeader")
    _row_flag(header, "cantSplit")
    _row_flag(body, "cantSplit")
    for index, (title, value, width) in enumerate(COLUMNS):
        _cell(header.cells[index], title, bold=True, font=HT, size=10.5, width=width)
        _cell(body.cells[index], value, width=width)
        for row in (loop, end):
            row.cells[index].width = width
    _veto_mark(body.cells[len(COLUMNS) - 1])
    _cell(loop.cells[0], "{%tr for r in rows %}", width=COLUMNS[0][2])
    _cell(end.cells[0], "{%tr endfor %}", width=COLUMNS[0][2])


def _heading(doc, text, level=1):
    return _para(doc, text, font=HT if level == 1 else KT)


def _listing(doc, items: str, line: str, empty: str) -> None:
    _tag(doc, "{%p if " + items + " %}")
    _tag(doc, "{%p for x in " + items + " %}")
    _para(doc, line)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p else %}")
    _para(doc, empty)
    _tag(doc, "{%p endif %}")


def _results(doc) -> None:
    _para(doc, "{{ intro }}")
    _heading(doc, "一、考核结果")
    _para(doc, "{{ summary }}")
    _para(doc, indent=False, line=Pt(12))
    _rankings_table(doc)
    _para(doc, "{{ table_note }}", indent=False, line=None, before=4, size=12)


def _commendations(doc) -> None:
    _heading(doc, "二、通报表扬")
    _para(doc, "{{ commendation }}")
    _listing(
        doc,
        "bonuses",
        "{{ x.no }}．{{ x.unit }}：{{ x.reason }}，加{{ x.points }}分。",
        "本期无经审定的加分事项。",
    )


def _problems(doc) -> None:
    _heading(doc, "三、存在的问题")
    _heading(doc, "（一）严重滞后事项", level=2)
    _listing(
        doc,
        "lagging",
        "{{ x.no }}．{{ x.unit }}：{{ x.item }}（{{ x.detail }}）。",
        "本期参评单位无严重滞后事项。",
    )
    _heading(doc, "（二）逾期未办结的督办事项", level=2)
    _listing(
        doc,
        "overdue_notices",
        "{{ x.no }}．{{ x.unit }}：{{ x.title }}（{{ x.number }}，回复期限{{ x.due }}，{{ x.state }}）。",
        "本期无逾期未办结的督办事项。",
    )
    _heading(doc, "（三）本期通报的督办事项", level=2)
    _listing(
        doc,
        "listings",
        "{{ x.no }}．{{ x.unit }}：{{ x.title }}（{{ x.number }}）逾期未按要求回复，"
        "于{{ x.dated }}予以通报，系本年度第{{ x.ordinal }}次通报。",
        "本期无通报的督办事项。",
    )


REQUIREMENTS = [
    "各单位要对照考核结果，认真查找差距，比学赶超、争先进位。考核等次为优秀的单位要再接再厉，"
    "巩固拓展优势；排名靠后的单位要深入分析原因，对标一流制定追赶措施。",
    "对严重滞后事项和逾期未办结的督办事项，有关单位要逐项明确责任领导、责任人和完成时限，"
    "于10个工作日内将整改情况书面报送{{ issuer }}。",
    "{{ appeal_note }}",
]


def _requirements(doc) -> None:
    _heading(doc, "四、工作要求")
    for text in REQUIREMENTS:
        _para(doc, text)


def _signature(doc) -> None:
    """发文机关署名 centred over the 成文日期, the date 右空二字 (GB/T 9704 7.3.5)."""
    for _ in range(2):
        _para(doc, indent=False)
    date_end = TEXT_WIDTH - Pt(32)
    issuer = _para(doc, "\t{{ issuer }}", indent=False)
    issuer.paragraph_format.tab_stops.add_tab_stop(date_end - Pt(88), WD_TAB_ALIGNMENT.CENTER)
    date = _para(doc, "\t{{ issued_on }}", indent=False)
    date.paragraph_format.tab_stops.add_tab_stop(date_end, WD_TAB_ALIGNMENT.RIGHT)
    _para(doc, indent=False)


def _imprint(doc) -> None:
    """版记: 印发机关和印发日期 between a top and a bottom rule (GB/T 9704 7.4)."""
    paragraph = _para(doc, indent=False, font=FS, size=14)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(14)
    fmt.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _border(paragraph, "top", color="000000", size=8, space=4)
    _border(paragraph, "bottom", color="000000", size=8, space=4)
    _run(paragraph, "{{ issuer }}\t{{ issued_on_plain }}印发", size=14)


def build(path: Path = BUILTIN_TEMPLATE) -> Path:
    doc = Document()
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.author = "{{ issuer }}"
    _page_setup(doc)
    _footers(doc)
    _masthead(doc)
    _results(doc)
    _commendations(doc)
    _problems(doc)
    _requirements(doc)
    _signature(doc)
    _imprint(doc)
    doc.save(path)
    return path


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILTIN_TEMPLATE)
    print(f"已生成通报模板 {target}")
