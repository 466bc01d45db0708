"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "audit:verify": (
        "POST",
        "/api/v1/audit/verify-runs",
        "ganchao.audit.services.audit_verify_run",
    ),
}
