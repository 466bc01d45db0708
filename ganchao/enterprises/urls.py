"""Pages of 服务企业 under /enterprises/."""

from django.urls import path

from ganchao.enterprises.views import appeals, enterprises

app_name = "enterprises"

urlpatterns = [
    path("", enterprises.enterprise_list, name="list"),
    path("new/", enterprises.enterprise_new, name="new"),
    path("desk/", enterprises.desk, name="desk"),
    path("scorecard/", enterprises.scorecard, name="scorecard"),
    path("settings/", enterprises.settings_page, name="settings"),
    path("<int:pk>/", enterprises.enterprise_detail, name="detail"),
    path("<int:pk>/commissioners/", enterprises.commissioner_assign, name="commissioner_assign"),
    path(
        "<int:pk>/commissioners/<int:assignment>/end/",
        enterprises.commissioner_end,
        name="commissioner_end",
    ),
    path("<int:pk>/visits/", enterprises.visit_record, name="visit_record"),
    path("<int:pk>/appeals/", enterprises.appeal_receive, name="appeal_receive"),
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/acknowledge/", appeals.appeal_acknowledge, name="appeal_acknowledge"),
    path("appeals/<int:pk>/plan/", appeals.appeal_plan, name="appeal_plan"),
    path("appeals/<int:pk>/resolve/", appeals.appeal_resolve, name="appeal_resolve"),
    path("appeals/<int:pk>/close/", appeals.appeal_close, name="appeal_close"),
    path("appeals/<int:pk>/problem/", appeals.appeal_to_problem, name="appeal_to_problem"),
    path("appeals/<int:pk>/rating-link/", appeals.rating_link, name="rating_link"),
    path("rate/<str:token>/", appeals.rate, name="rate"),
]
