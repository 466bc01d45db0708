"""Pages of 重大行政决策 under /decisions/."""

from ganchao.decisions.views import (
    advisers,
    after,
    catalogue,
    core,
    experts,
    meeting,
    participation,
    review,
)

app_name = "decisions"

urlpatterns = [
    *core.urlpatterns,
    *catalogue.urlpatterns,
    *participation.urlpatterns,
    *experts.urlpatterns,
    *review.urlpatterns,
    *advisers.urlpatterns,
    *meeting.urlpatterns,
    *after.urlpatterns,
]
