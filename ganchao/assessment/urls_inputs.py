"""Routes of the office's inputs page of a scheme and period (bonus / deduction / veto items,
manual scores and their sheet)."""

from django.urls import path

from ganchao.assessment import input_views as views

BASE = "schemes/<str:code>/<str:period>/inputs/"

urlpatterns = [
    path(BASE, views.inputs, name="inputs"),
    path(f"{BASE}items/add/", views.item_add, name="item_add"),
    path(f"{BASE}items/<int:item_id>/approve/", views.item_approve, name="item_approve"),
    path(f"{BASE}items/<int:item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path(f"{BASE}manual/", views.manual_save, name="manual_save"),
    path(f"{BASE}manual/import/", views.manual_import, name="manual_import"),
    path(f"{BASE}manual/template.xlsx", views.manual_template, name="manual_template"),
    path(f"{BASE}manual/export.xlsx", views.manual_export, name="manual_export"),
]
