"""Pages of 量力而行 under /fiscal/."""

app_name = "fiscal"

urlpatterns = []
