"""Pages of 盯着干 (namespace "goals"): the write side here, the read pages from tree_urls."""

from django.urls import include, path

from ganchao.goals import item_views, review_views, views

app_name = "goals"
urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan_issue"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/adjustments/new/", views.adjustment_request, name="adjustment_request"),
    path("assignments/<int:pk>/report/<str:period>/", views.report_form, name="report_form"),
    path("assignments/<int:pk>/report/<str:period>/save/", views.report_save, name="report_save"),
    path(
        "assignments/<int:pk>/report/<str:period>/submit/",
        views.report_submit,
        name="report_submit",
    ),
    path("reports/review/", review_views.review_queue, name="review_queue"),
    path("reports/review/accept/", review_views.review_accept_bulk, name="review_accept_bulk"),
    path("reports/<int:pk>/accept/", review_views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", review_views.report_return, name="report_return"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("adjustments/", views.adjustment_list, name="adjustment_list"),
    path("adjustments/<int:pk>/approve/", views.adjustment_approve, name="adjustment_approve"),
    path("adjustments/<int:pk>/reject/", views.adjustment_reject, name="adjustment_reject"),
    # building the goal tree (the office): item_views.py
    path("plans/<int:pk>/items/new/<str:type>/", item_views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", item_views.item_edit, name="item_edit"),
    path("items/<int:pk>/milestones/", item_views.item_milestones, name="item_milestones"),
    path("items/<int:pk>/assignments/", item_views.item_assignments, name="item_assignments"),
    path("assignments/<int:pk>/edit/", item_views.assignment_edit, name="assignment_edit"),
    path("", include("ganchao.goals.tree_urls")),
    path("", include("ganchao.goals.sheet_urls")),
]
