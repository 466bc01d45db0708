from django.urls import path

from ganchao.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("new/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path(
        "<int:pk>/findings/<int:finding_id>/matter/",
        views.finding_to_matter,
        name="finding_to_matter",
    ),
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/<int:leader_id>/", views.leader_page, name="leader_page"),
    path("burden/", views.burden_page, name="burden"),
    path("burden/threshold/", views.burden_threshold, name="burden_threshold"),
    path("burden/requests/", views.burden_requests, name="burden_requests"),
    path("burden/requests/new/", views.burden_request_create, name="burden_request_create"),
]
