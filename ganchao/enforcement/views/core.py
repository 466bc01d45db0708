"""Pages of enforcement: core slice."""

urlpatterns = []
API_TWINS = {}
