"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

_SERVICES = "ganchao.fiscal.services"

PAGE_API_TWINS = {
    "fiscal:capacity_set": ("PUT", "/api/v1/fiscal/capacities", f"{_SERVICES}.capacity_set"),
    "fiscal:commitment_new": (
        "POST",
        "/api/v1/fiscal/commitments",
        f"{_SERVICES}.commitment_create",
    ),
    "fiscal:commitment_approve": (
        "POST",
        "/api/v1/fiscal/commitments/{commitment_id}/approve",
        f"{_SERVICES}.commitment_approve",
    ),
    "fiscal:commitment_reject": (
        "POST",
        "/api/v1/fiscal/commitments/{commitment_id}/reject",
        f"{_SERVICES}.commitment_reject",
    ),
    "fiscal:commitment_withdraw": (
        "POST",
        "/api/v1/fiscal/commitments/{commitment_id}/withdraw",
        f"{_SERVICES}.commitment_withdraw",
    ),
}
