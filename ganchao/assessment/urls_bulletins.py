"""Routes of the bulletins (通报), under /assessment/ (office only)."""

from django.urls import path

from ganchao.assessment import bulletin_views as views

urlpatterns = [
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("bulletins/<int:pk>/download/", views.bulletin_download, name="bulletin_download"),
    path("bulletins/template/", views.bulletin_template, name="bulletin_template"),
    path(
        "bulletins/template/download/",
        views.bulletin_template_download,
        name="bulletin_template_download",
    ),
    path(
        "bulletins/template/revert/",
        views.bulletin_template_revert,
        name="bulletin_template_revert",
    ),
]
