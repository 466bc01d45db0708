"""Pages of enforcement: procedure slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/procedure.html on the case page."""
    return {}
