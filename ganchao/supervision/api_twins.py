"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

_MATTER = "ganchao.supervision.matter_steps"

PAGE_API_TWINS = {
    "supervision:alert_respond": (
        "POST",
        "/api/v1/alerts/{alert_id}/respond",
        "ganchao.supervision.services.alert_respond",
    ),
    "supervision:matter_new": (
        "POST",
        "/api/v1/matters",
        "ganchao.supervision.matter_services.matter_instruct",
    ),
    "supervision:matter_receive": (
        "POST",
        "/api/v1/matters/{matter_id}/receive",
        f"{_MATTER}.matter_receive",
    ),
    "supervision:matter_forward": (
        "POST",
        "/api/v1/matters/{matter_id}/forward",
        f"{_MATTER}.matter_forward",
    ),
    "supervision:matter_respond": (
        "POST",
        "/api/v1/matters/{matter_id}/respond",
        f"{_MATTER}.matter_respond",
    ),
    "supervision:matter_extend": (
        "POST",
        "/api/v1/matters/{matter_id}/extensions",
        f"{_MATTER}.matter_request_extension",
    ),
    "supervision:matter_decide_extension": (
        "POST",
        "/api/v1/matters/{matter_id}/extensions/{extension_id}/decide",
        f"{_MATTER}.matter_decide_extension",
    ),
    "supervision:matter_return": (
        "POST",
        "/api/v1/matters/{matter_id}/return",
        f"{_MATTER}.matter_return",
    ),
    "supervision:matter_complete": (
        "POST",
        "/api/v1/matters/{matter_id}/complete",
        f"{_MATTER}.matter_complete",
    ),
    "supervision:matter_close": (
        "POST",
        "/api/v1/matters/{matter_id}/close",
        f"{_MATTER}.matter_close",
    ),
    "supervision:matter_reopen": (
        "POST",
        "/api/v1/matters/{matter_id}/reopen",
        f"{_MATTER}.matter_reopen",
    ),
}
