from django.urls import path

from ganchao.accounts import reset_views
from ganchao.orgs import sheet_views, views

app_name = "orgs"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/import/", sheet_views.unit_import, name="unit_import"),
    path("units/import/confirm/", sheet_views.unit_import_confirm, name="unit_import_confirm"),
    path("units/import/template/", sheet_views.unit_template, name="unit_template"),
    path("units/export/", sheet_views.unit_export, name="unit_export"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/toggle/", views.unit_toggle_active, name="unit_toggle"),
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/new/", views.leader_create, name="leader_create"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader_detail"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/<slug:action>/", views.user_action, name="user_action"),
    path("password-resets/", reset_views.reset_list, name="reset_list"),
    path("password-resets/<int:pk>/<slug:verb>/", reset_views.reset_decide, name="reset_decide"),
]
