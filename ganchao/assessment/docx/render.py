"""Rendering a .docx template with docxtpl in a sandboxed Jinja environment.

docxtpl's own default is an unsandboxed environment with autoescape off (MACHINE_NOTES.md): a
value holding `&` or `<` would corrupt the document XML and an uploaded template could reach
Python internals. Here the environment is sandboxed, autoescaping and strict about unknown
variables, so an office template can only print the plain values it is given.

python-docx, docxtpl and Jinja (≈ 20 MiB together) are imported by the functions that use
them, not with this module, which every server worker imports and few ever render with."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ganchao.common import filestore
from ganchao.common.errors import ValidationFailed

if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def environment() -> ImmutableSandboxedEnvironment:
    """Sandboxed (no attributes outside the sandbox's allow-list), immutable (a template cannot
    change the lists it is given), autoescaping and strict about unknown names."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render(template: bytes, context: dict) -> bytes:
    """The rendered document; a template error becomes a ValidationFailed naming it."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=environment(), autoescape=True)
    except (TemplateError, SecurityError) as exc:
        raise ValidationFailed.on("template", template_error(exc)) from exc
    except Exception as exc:  # a damaged or foreign file: lxml, zipfile, KeyError …
        raise ValidationFailed.on(
            "template", _("模板无法生成文档：%(error)s") % {"error": exc}
        ) from exc
    fit_tables(document.docx)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _near(exc) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    return "".join(lines)[:80]


def template_error(exc: Exception) -> str:
    """The problem in plain Chinese, naming the offending text where Jinja tells it."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        return _("模板试图访问不允许的内容（%(error)s），已拒绝：模板只能使用本页列出的变量") % {
            "error": exc
        }
    if isinstance(exc, TemplateSyntaxError):
        near = _near(exc)
        where = _("，位于“%(text)s”附近") % {"text": near} if near else ""
        return _("模板语法错误：%(error)s%(where)s") % {"error": exc.message, "where": where}
    if isinstance(exc, UndefinedError):
        return _("模板使用了未定义的变量：%(error)s（可用变量见本页说明）") % {"error": exc.message}
    return _("模板无法生成文档：%(error)s") % {"error": exc}


def check_package(data: bytes, name: str) -> None:
    """A .docx by name and content: a zip archive holding word/document.xml."""
    if not data:
        raise ValidationFailed.on("file", _("“%(name)s”是空文件") % {"name": name})
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed.on("file", _("“%(name)s”超过 10 MB") % {"name": name})
    if not name.lower().endswith(".docx"):
        raise ValidationFailed.on(
            "file", _("“%(name)s”不是 .docx 文件，请在 Word 或 WPS 中另存为 .docx") % {"name": name}
        )
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        names = set()
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ValidationFailed.on(
            "file",
            _("“%(name)s”的内容不是 Word 文档（.docx）或已损坏，请另存为 .docx 后重新上传")
            % {"name": name},
        )
    # the one checked store's package checks: no zip bomb, no embedded program, no macros
    filestore.check_archive(io.BytesIO(data), name, field="file")


def check_template(data: bytes, name: str, sample: dict) -> None:
    """Refuse a template that is no .docx or does not render against the sample context."""
    check_package(data, name)
    rendered = render(data, sample)
    from docx import Document

    try:
        Document(io.BytesIO(rendered))
    except Exception as exc:
        raise ValidationFailed.on(
            "file", _("模板生成的文档无法打开：%(error)s") % {"error": exc}
        ) from exc


# ---- tables whose columns repeat ({%tc for %}) --------------------------------------------


def _cell_widths(row) -> list[int] | None:
    from docx.oxml.ns import qn

    widths = []
    for cell in row.findall(qn("w:tc")):
        width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        if width is None or width.get(qn("w:type")) not in (None, "dxa"):
            return None
        widths.append(int(width.get(qn("w:w"))))
    return widths


def _fit(table, text_width: int) -> None:
    from docx.oxml.ns import qn

    grid = table.find(qn("w:tblGrid"))
    rows = table.findall(qn("w:tr"))
    if grid is None or not rows:
        return
    columns = grid.findall(qn("w:gridCol"))
    widest = max(rows, key=lambda row: len(row.findall(qn("w:tc"))))
    widths = _cell_widths(widest)
    if not widths or len(widths) != len(columns):
        return  # merged cells or relative widths: leave the table as its author made it
    scale = min(1.0, text_width / sum(widths))
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(int(width * scale)))
    if scale < 1:
        for cell_width in table.iter(qn("w:tcW")):
            cell_width.set(qn("w:w"), str(int(int(cell_width.get(qn("w:w"))) * scale)))


def fit_tables(document) -> None:
    """Column widths after {%tc %} repeated a column: the grid follows the cells of the fullest
    row, scaled down to the text width when the repeated columns made it wider."""
    from docx.oxml.ns import qn
    from docx.shared import Length

    section = document.sections[0]
    text_width = Length(section.page_width - section.left_margin - section.right_margin).twips
    for table in document.element.body.iter(qn("w:tbl")):
        _fit(table, text_width)
