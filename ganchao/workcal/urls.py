from django.urls import path

from ganchao.workcal import views

app_name = "workcal"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("overrides/", views.override_set, name="override_set"),
    path("overrides/<str:day>/remove/", views.override_remove, name="override_remove"),
    path("years/", views.year_set, name="year_set"),
]
