"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "visits:visit_create": ("POST", "/api/v1/visits", "ganchao.visits.services.visit_create"),
    "visits:finding_to_matter": (
        "POST",
        "/api/v1/visits/{visit_id}/findings/{finding_id}/matter",
        "ganchao.visits.services.finding_to_matter",
    ),
    "visits:burden_threshold": (
        "PUT",
        "/api/v1/burden/threshold",
        "ganchao.visits.services.burden_threshold_set",
    ),
    "visits:burden_request_create": (
        "POST",
        "/api/v1/burden/requests",
        "ganchao.visits.services.burden_request_create",
    ),
}
