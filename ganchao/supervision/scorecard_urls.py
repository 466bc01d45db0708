"""Addresses of the scorecard pages, included into the supervision namespace (supervision/urls)."""

from django.urls import path

from ganchao.supervision import scorecard_views as views

urlpatterns = [
    path("scorecards/units/", views.unit_scorecards, name="scorecard_units"),
    path("scorecards/leaders/", views.leader_scorecards, name="scorecard_leaders"),
]
