"""Pages of 问题台账 under /problems/."""

app_name = "problems"

urlpatterns = []
