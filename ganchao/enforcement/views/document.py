"""Pages of enforcement: document slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/document.html on the case page."""
    return {}
