"""问题台账导入导出 (/problems/sheet/, the office): upload → preview (nothing written) → confirm,
with the shared import flow (common.uploads: the previewed file is kept by its SHA-256; a large
sheet runs as a background job), and the download of the ledger as the sheet."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.common.sheet_import import SheetImportPage
from ganchao.common.uploads import SheetUploadForm, xlsx_response
from ganchao.common.views import require_roles, require_staff
from ganchao.orgs.choices import Role
from ganchao.problems import selectors, sheet

API_TWINS = {
    "problems:sheet": (
        "POST",
        "/api/v1/problems/sheet",
        "ganchao.problems.sheet.problem_sheet_import",
    ),
    "problems:sheet_confirm": (
        "POST",
        "/api/v1/problems/sheet",
        "ganchao.problems.sheet.problem_sheet_import",
    ),
}


class ProblemSheetUploadForm(SheetUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("选择问题台账")


IMPORT_PAGE = SheetImportPage(
    template="problems/sheet.html",
    done_message=gettext_lazy("问题台账已导入（%(summary)s）。"),
    form_class=ProblemSheetUploadForm,
)


def _run(request):
    return partial(sheet.problem_sheet_import, actor=request.user)


@login_required
@require_roles(Role.OFFICE)
@require_http_methods(["GET", "POST"])  # POST: the preview of an upload
def sheet_page(request):
    return IMPORT_PAGE.upload(request, _run(request), reverse("problems:sheet"))


@login_required
@require_roles(Role.OFFICE)
@require_POST
def sheet_confirm_view(request):
    return IMPORT_PAGE.confirm(request, _run(request), reverse("problems:sheet"))


@login_required
@require_staff
@require_GET
def sheet_export(request):
    """The ledger the user may see, after the ledger page's filters, as the sheet."""
    visible = selectors.problems_visible(request.user)
    problems = selectors.ledger_filter(visible, request.GET)
    return xlsx_response(sheet.problem_sheet_export(problems), sheet.export_filename())
