from django.urls import path

from ganchao.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("verify/", views.verify, name="verify"),
    path(
        "history/<slug:object_type>/<str:object_id>/", views.object_history, name="object_history"
    ),
]
