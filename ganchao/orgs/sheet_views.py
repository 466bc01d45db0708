"""Pages for importing and exporting the unit sheet (system administrators only).

Upload → preview (nothing written) → confirm. The uploaded file waits under
DATA_DIR/imports, named by its SHA-256, so that the confirm imports exactly the previewed file.
"""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganchao.common.sheet_import import SheetImportPage
from ganchao.common.uploads import SheetUploadForm, xlsx_response
from ganchao.common.views import require_roles
from ganchao.orgs import exports, imports
from ganchao.orgs.choices import Role


class UnitSheetUploadForm(SheetUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("选择单位及领导分工表")


IMPORT_PAGE = SheetImportPage(
    template="orgs/unit_import.html",
    done_message=gettext_lazy("单位表已导入（%(summary)s）。"),
    form_class=UnitSheetUploadForm,
)


def _run(request):
    return partial(imports.unit_sheet_import, actor=request.user)


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])  # POST: the preview of an upload
def unit_import(request):
    return IMPORT_PAGE.upload(request, _run(request), reverse("orgs:unit_import"))


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_POST
def unit_import_confirm(request):
    return IMPORT_PAGE.confirm(request, _run(request), reverse("orgs:unit_import"))


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_export(request):
    return xlsx_response(exports.unit_sheet_export(), exports.export_filename())


@login_required
@require_roles(Role.SYSTEM_ADMIN)
@require_GET
def unit_template(request):
    return xlsx_response(exports.unit_sheet_template(), exports.export_filename(template=True))
