"""Pages of 重点项目 under /projects/."""

app_name = "projects"

urlpatterns = []
