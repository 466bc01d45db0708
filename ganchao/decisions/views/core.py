"""Pages of the decisions app: core (see the module docstrings of services.core)."""

urlpatterns = []
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/core.html on the decision page."""
    return {}
