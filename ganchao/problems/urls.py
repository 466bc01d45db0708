"""Pages of 问题台账 under /problems/."""

from django.urls import path

from ganchao.problems.views import finding, ledger, problem, sheet

app_name = "problems"

urlpatterns = [
    path("", ledger.ledger, name="ledger"),
    path("new/", problem.new, name="new"),
    path("sheet/", sheet.sheet_page, name="sheet"),
    path("sheet/confirm/", sheet.sheet_confirm_view, name="sheet_confirm"),
    path("sheet/export/", sheet.sheet_export, name="sheet_export"),
    path(
        "from-visit/<int:visit_pk>/findings/<int:finding_id>/",
        finding.from_finding,
        name="from_finding",
    ),
    path("<int:pk>/", problem.detail, name="detail"),
    path("<int:pk>/edit/", problem.edit, name="edit"),
    path("<int:pk>/plan/", problem.plan, name="plan"),
    path("<int:pk>/report/", problem.report, name="report"),
    path("<int:pk>/verify/", problem.verify, name="verify"),
    path("<int:pk>/photos/", problem.photos, name="photos"),
    path("<int:pk>/photos/<int:photo_id>/", problem.photo, name="photo"),
    path(
        "<int:pk>/photos/<int:photo_id>/thumb/",
        problem.photo,
        {"size": "thumb"},
        name="photo_thumb",
    ),
]
