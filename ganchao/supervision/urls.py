from django.urls import path

from ganchao.supervision import views
from ganchao.supervision.matter_urls import urlpatterns as matter_urlpatterns
from ganchao.supervision.scorecard_urls import urlpatterns as scorecard_urlpatterns

app_name = "supervision"
urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/respond/", views.alert_respond, name="alert_respond"),
    *matter_urlpatterns,
    *scorecard_urlpatterns,
]
