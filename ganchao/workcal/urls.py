from django.urls import path

from ganchao.workcal import views

app_name = "workcal"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
]
