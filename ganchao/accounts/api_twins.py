"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    # The second factor (accounts/views_mfa.py ↔ accounts/api_mfa.py)
    "accounts:second_factor": None,  # signing in itself; POST /auth/token asks for the same code
    "accounts:second_factor_enrol": (
        "POST",
        "/api/v1/auth/mfa/confirm",
        "ganchao.accounts.mfa.mfa_enrol_confirm",
    ),
    "accounts:second_factor_done": None,  # ends the sign-in after the recovery codes were shown
    "accounts:mfa_enrol": [
        ("POST", "/api/v1/auth/mfa/enrol", "ganchao.accounts.mfa.mfa_enrol_start"),
        ("POST", "/api/v1/auth/mfa/confirm", "ganchao.accounts.mfa.mfa_enrol_confirm"),
    ],
    "accounts:mfa_recovery_codes": (
        "POST",
        "/api/v1/auth/mfa/recovery-codes",
        "ganchao.accounts.mfa.recovery_codes_regenerate",
    ),
    "accounts:mfa_disable": (
        "POST",
        "/api/v1/auth/mfa/disable",
        "ganchao.accounts.mfa.mfa_disable",
    ),
    "accounts:mfa_reset": (
        "POST",
        "/api/v1/users/{user_id}/mfa/reset",
        "ganchao.accounts.mfa.mfa_reset",
    ),
    "accounts:login": None,  # authentication itself; the API has POST /auth/token
    "accounts:logout": None,  # ends the browser session; an API token is revoked instead
    "accounts:password_change": None,  # the user's own secret, typed by a person at the page
    "accounts:profile": (
        "POST",
        "/api/v1/auth/tokens",
        "ganchao.accounts.services.token_create",
    ),
    "accounts:policy": (
        "PUT",
        "/api/v1/auth/policy",
        "ganchao.accounts.services.security_policy_update",
    ),
    "accounts:token_revoke": (
        "POST",
        "/api/v1/auth/tokens/{token_id}/revoke",
        "ganchao.accounts.services.token_revoke",
    ),
}
