"""Read pages of 盯着干, included into the goals namespace."""

from django.urls import path

from ganchao.goals import tree_views

urlpatterns = [
    path("tree/", tree_views.goal_tree, name="tree"),
    path("leader/", tree_views.leader_view, name="leader_view"),
]
