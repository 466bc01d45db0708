"""Pages of enforcement: directory slice."""

urlpatterns = []
API_TWINS = {}
