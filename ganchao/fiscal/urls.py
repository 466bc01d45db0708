"""Pages of 量力而行 under /fiscal/."""

from django.urls import path

from ganchao.fiscal import views

app_name = "fiscal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("approvals/", views.approvals, name="approvals"),
    path("units/<int:unit_id>/<int:year>/", views.unit_year, name="unit_year"),
    path("units/<int:unit_id>/<int:year>/capacity", views.capacity_set, name="capacity_set"),
    path(
        "units/<int:unit_id>/<int:year>/commitments",
        views.commitment_new,
        name="commitment_new",
    ),
    path(
        "commitments/<int:commitment_id>/approve",
        views.commitment_approve,
        name="commitment_approve",
    ),
    path(
        "commitments/<int:commitment_id>/reject", views.commitment_reject, name="commitment_reject"
    ),
    path(
        "commitments/<int:commitment_id>/withdraw",
        views.commitment_withdraw,
        name="commitment_withdraw",
    ),
]
