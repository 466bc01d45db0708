"""Routes of appeals (申诉) and the benchmark register (对标一流), under /assessment/."""

from django.urls import path

from ganchao.assessment import appeal_views, benchmark_views

urlpatterns = [
    path("appeals/", appeal_views.appeal_list, name="appeal_list"),
    path("appeals/new/", appeal_views.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/accept/", appeal_views.appeal_accept, name="appeal_accept"),
    path("appeals/<int:pk>/reject/", appeal_views.appeal_reject, name="appeal_reject"),
    path(
        "appeals/<int:pk>/evidence/<int:evidence_pk>/",
        appeal_views.appeal_evidence,
        name="appeal_evidence",
    ),
    path("benchmarks/", benchmark_views.benchmark_list, name="benchmark_list"),
    path("benchmarks/new/", benchmark_views.benchmark_new, name="benchmark_new"),
    path(
        "benchmarks/indicators/<int:item_pk>/",
        benchmark_views.benchmark_detail,
        name="benchmark_detail",
    ),
    path("benchmarks/<int:pk>/edit/", benchmark_views.benchmark_edit, name="benchmark_edit"),
    path(
        "benchmarks/<int:pk>/deactivate/",
        benchmark_views.benchmark_deactivate,
        name="benchmark_deactivate",
    ),
]
