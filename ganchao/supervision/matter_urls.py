"""Addresses of the matter pages, included into the supervision namespace (supervision/urls)."""

from django.urls import path

from ganchao.supervision import matter_views as views

urlpatterns = [
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/inbox/", views.matter_inbox, name="matter_inbox"),
    path("matters/new/", views.matter_new, name="matter_new"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path(
        "matters/<int:pk>/feedbacks/<int:feedback_pk>/attachment/",
        views.feedback_attachment,
        name="matter_feedback_attachment",
    ),
    path("matters/<int:pk>/receive/", views.matter_receive, name="matter_receive"),
    path("matters/<int:pk>/forward/", views.matter_forward, name="matter_forward"),
    path("matters/<int:pk>/respond/", views.matter_respond, name="matter_respond"),
    path("matters/<int:pk>/extend/", views.matter_request_extension, name="matter_extend"),
    path(
        "matters/<int:pk>/extensions/<int:extension_pk>/decide/",
        views.matter_decide_extension,
        name="matter_decide_extension",
    ),
    path("matters/<int:pk>/return/", views.matter_return, name="matter_return"),
    path("matters/<int:pk>/complete/", views.matter_complete, name="matter_complete"),
    path("matters/<int:pk>/close/", views.matter_close, name="matter_close"),
    path("matters/<int:pk>/reopen/", views.matter_reopen, name="matter_reopen"),
]
