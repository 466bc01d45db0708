"""Routes of the 比着干 pages: schemes, periods and revisions, the league table and its
downloads, scorecards, and the public ranking."""

from django.urls import path

from ganchao.assessment import views, views_periods, views_public, views_schemes

PERIOD = "schemes/<str:code>/periods/<str:period>/"

urlpatterns = [
    path("schemes/", views_schemes.scheme_list, name="scheme_list"),
    path("schemes/new/", views_schemes.scheme_new, name="scheme_new"),
    path("schemes/<str:code>/", views_schemes.scheme_detail, name="scheme_detail"),
    path(
        "schemes/<str:code>/new-version/",
        views_schemes.scheme_new_version,
        name="scheme_new_version",
    ),
    path(PERIOD, views_periods.period_detail, name="period_detail"),
    path(f"{PERIOD}publish/", views_periods.result_publish, name="result_publish"),
    path(f"{PERIOD}release/", views_periods.result_release, name="result_release"),
    path(f"{PERIOD}withdraw/", views_periods.result_withdraw, name="result_withdraw"),
    path(
        f"{PERIOD}revisions/<int:revision>/",
        views_periods.revision_detail,
        name="revision_detail",
    ),
    path("league/", views.league_table, name="league"),
    path("league/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("league/breakdown.xlsx", views.breakdown_xlsx, name="breakdown_xlsx"),
    path(
        "scorecards/<str:code>/<str:period>/<str:unit_code>/",
        views.scorecard,
        name="scorecard",
    ),
    path("my/", views.my_scorecard, name="my_scorecard"),
    path("public/", views_public.public_index, name="public_index"),
    path("public/<str:code>/<str:period>/", views_public.public_ranking, name="public_ranking"),
]
