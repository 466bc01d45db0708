"""Pages of the decisions app: review (see the module docstrings of services.review)."""

urlpatterns = []
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/review.html on the decision page."""
    return {}
