"""Pages of the decisions app: experts (see the module docstrings of services.experts)."""

urlpatterns = []
# URL name → (method, API path, dotted service) for each POST page action (web/tests/test_api_twins).
API_TWINS = {}


def panel_context(request, decision, facts) -> dict:
    """Context for templates/decisions/panels/experts.html on the decision page."""
    return {}
