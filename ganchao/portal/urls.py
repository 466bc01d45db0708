"""The public portal (no sign-in) under /public/."""

from django.urls import path

from ganchao.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/<str:code>/<str:period>/", views.ranking, name="ranking"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<str:code>/", views.decision, name="decision"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
]
