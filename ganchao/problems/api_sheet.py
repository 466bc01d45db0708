"""API twins of the sheet 问题台账 (DESIGN.md 3.1, 3.3): GET /problems/sheet downloads the ledger
the caller may see as .xlsx; POST /problems/sheet imports one (multipart `file`; `?dry_run=true`
checks without writing, as the page's preview does). Both call what the page calls."""

from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from ganchao.common.errors import FieldError, NotFound, ValidationFailed
from ganchao.common.uploads import MAX_UPLOAD_BYTES, xlsx_response
from ganchao.orgs.scoping import scope_of
from ganchao.problems import selectors, sheet

router = Router(tags=["沉到一线：问题台账表"])


class SheetChangeOut(Schema):
    row: int
    number: str


class SheetImportOut(Schema):
    summary: str
    dry_run: bool
    written: bool
    rows: int
    created: list[SheetChangeOut]
    updated: list[SheetChangeOut]
    unchanged: int
    warnings: list[str]


@router.get("/problems/sheet", summary="导出问题台账（.xlsx，本人可见范围内的全部问题）")
def sheet_export(request):
    if not scope_of(request.user).is_staff_user:
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    data = sheet.problem_sheet_export(selectors.problems_visible(request.user))
    return xlsx_response(data, sheet.export_filename())


@router.post(
    "/problems/sheet",
    response=SheetImportOut,
    summary="导入问题台账（multipart：file；dry_run=true 只检查不写入，即页面的预览）",
)
def sheet_import(request, file: File[UploadedFile], dry_run: bool = False):
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed.on("file", _("文件超过 20 MB"))
    result = sheet.problem_sheet_import(
        actor=request.user, data=file.read(), filename=file.name or "", dry_run=dry_run
    )
    if result.errors:
        errors = [FieldError(e.place or "file", e.message) for e in result.errors]
        message = _("问题台账有 %(n)s 处错误，没有导入任何数据") % {"n": len(errors)}
        raise ValidationFailed(message, errors)
    return {
        "summary": result.summary_lines()[0],
        "dry_run": dry_run,
        "written": result.written,
        "rows": result.rows,
        "created": [{"row": c["row"], "number": c["number"]} for c in result.created],
        "updated": [{"row": c["row"], "number": c["number"]} for c in result.updated],
        "unchanged": result.unchanged,
        "warnings": result.warnings,
    }
