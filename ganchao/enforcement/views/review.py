"""Pages of enforcement: review slice."""

urlpatterns = []
API_TWINS = {}


def panel_context(request, case, facts) -> dict:
    """Context for templates/enforcement/panels/review.html on the case page."""
    return {}
