"""The public portal (no sign-in) under /public/."""

from django.urls import path

from ganchao.portal import enforcement_views, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/<str:code>/<str:period>/", views.ranking, name="ranking"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<str:code>/", views.decision, name="decision"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("enforcement/", enforcement_views.enforcement_index, name="enforcement_index"),
    path(
        "enforcement/agencies/", enforcement_views.enforcement_agencies, name="enforcement_agencies"
    ),
    path(
        "enforcement/matters/<int:pk>/",
        enforcement_views.enforcement_matter,
        name="enforcement_matter",
    ),
    path(
        "enforcement/decisions/",
        enforcement_views.enforcement_decisions,
        name="enforcement_decisions",
    ),
    path(
        "enforcement/decisions/<int:pk>/",
        enforcement_views.enforcement_decision,
        name="enforcement_decision",
    ),
    path(
        "enforcement/withdrawals/",
        enforcement_views.enforcement_withdrawals,
        name="enforcement_withdrawals",
    ),
    path(
        "enforcement/statistics/",
        enforcement_views.enforcement_statistics,
        name="enforcement_statistics",
    ),
]
