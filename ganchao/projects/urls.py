"""Pages of 重点项目 under /projects/."""

from django.urls import path

from ganchao.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("gantt/", views.gantt, name="gantt"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/steps/", views.step, name="step"),
    path("<int:pk>/investment/", views.investment, name="investment"),
    path("<int:pk>/milestones/", views.milestone, name="milestone"),
    path("<int:pk>/commitments/", views.commit, name="commit"),
]
