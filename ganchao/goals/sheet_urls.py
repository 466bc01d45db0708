"""Import and export pages of the goal sheet and the report-values sheet; included into the
goals namespace by ganchao/goals/urls.py."""

from django.urls import path

from ganchao.goals import sheet_views

urlpatterns = [
    path("sheets/", sheet_views.sheet_index, name="goals_sheets"),
    path("template/", sheet_views.goal_template, name="goals_sheet_template"),
    path("plans/<int:plan_id>/import/", sheet_views.goal_import, name="goals_sheet_import"),
    path(
        "plans/<int:plan_id>/import/confirm/",
        sheet_views.goal_import_confirm,
        name="goals_sheet_import_confirm",
    ),
    path("plans/<int:plan_id>/export/", sheet_views.goal_export, name="goals_sheet_export"),
    path(
        "plans/<int:plan_id>/import-reports/",
        sheet_views.report_import,
        name="goals_report_import",
    ),
    path(
        "plans/<int:plan_id>/import-reports/confirm/",
        sheet_views.report_import_confirm,
        name="goals_report_import_confirm",
    ),
    path(
        "plans/<int:plan_id>/import-reports/template/",
        sheet_views.report_template,
        name="goals_report_template",
    ),
]
