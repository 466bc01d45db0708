from django.urls import path

from ganchao.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.settings_page, name="settings"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("failed/", views.failed, name="failed"),
]
