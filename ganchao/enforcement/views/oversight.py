"""Pages of enforcement: oversight slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/oversight.html on the case page."""
    return {}
