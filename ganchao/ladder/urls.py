from django.urls import path

from ganchao.ladder import views

app_name = "ladder"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("notices/<int:pk>/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/dismiss/", views.notice_dismiss, name="notice_dismiss"),
    path("notices/<int:pk>/respond/", views.notice_respond, name="notice_respond"),
    path("notices/<int:pk>/accept/", views.notice_accept, name="notice_accept"),
    path("notices/<int:pk>/return/", views.notice_return, name="notice_return"),
    path("talks/", views.talk_list, name="talk_list"),
    path("talks/<int:pk>/hold/", views.talk_hold, name="talk_hold"),
    path("talks/<int:pk>/dismiss/", views.talk_dismiss, name="talk_dismiss"),
]
