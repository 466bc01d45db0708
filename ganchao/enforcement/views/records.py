"""Pages of enforcement: records slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/records.html on the case page."""
    return {}
