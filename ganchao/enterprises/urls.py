"""Pages of 服务企业 under /enterprises/."""

app_name = "enterprises"

urlpatterns = []
