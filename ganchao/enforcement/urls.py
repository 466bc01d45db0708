"""Pages of 行政执法 under /enforcement/."""

from ganchao.enforcement.views import (
    core,
    directory,
    disclosure,
    document,
    oversight,
    procedure,
    records,
    review,
)

app_name = "enforcement"

urlpatterns = [
    *core.urlpatterns,
    *directory.urlpatterns,
    *records.urlpatterns,
    *review.urlpatterns,
    *procedure.urlpatterns,
    *document.urlpatterns,
    *disclosure.urlpatterns,
    *oversight.urlpatterns,
]
