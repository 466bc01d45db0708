"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "accounts:login": None,  # authentication itself; the API has POST /auth/token
    "accounts:logout": None,  # ends the browser session; an API token is revoked instead
    "accounts:password_change": None,  # the user's own secret, typed by a person at the page
    "accounts:profile": (
        "POST",
        "/api/v1/auth/tokens",
        "ganchao.accounts.services.token_create",
    ),
    "accounts:token_revoke": (
        "POST",
        "/api/v1/auth/tokens/{token_id}/revoke",
        "ganchao.accounts.services.token_revoke",
    ),
}
