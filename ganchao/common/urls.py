"""Pages of the common layer: the progress of a background sheet import."""

from django.urls import path

from ganchao.common import import_job_views

app_name = "common"

urlpatterns = [
    path("jobs/<str:job_id>/", import_job_views.import_job, name="import_job"),
]
