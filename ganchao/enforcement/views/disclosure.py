"""Pages of enforcement: disclosure slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/disclosure.html on the case page."""
    return {}
