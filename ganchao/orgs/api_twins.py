"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "orgs:unit_create": ("POST", "/api/v1/units", "ganchao.orgs.services.unit_create"),
    "orgs:unit_edit": ("PATCH", "/api/v1/units/{unit_id}", "ganchao.orgs.services.unit_update"),
    "orgs:unit_toggle": (
        "POST",
        "/api/v1/units/{unit_id}/active",
        "ganchao.orgs.services.unit_set_active",
    ),
    # The sheet pages preview (dry run) and then confirm; the API takes dry_run=true|false.
    "orgs:unit_import": ("POST", "/api/v1/unit-sheet", "ganchao.orgs.imports.unit_sheet_import"),
    "orgs:unit_import_confirm": (
        "POST",
        "/api/v1/unit-sheet",
        "ganchao.orgs.imports.unit_sheet_import",
    ),
    "orgs:leader_create": ("POST", "/api/v1/leaders", "ganchao.orgs.services.leader_create"),
    # One page holds two forms: the leader's details and their areas (分管单位).
    "orgs:leader_detail": [
        ("PATCH", "/api/v1/leaders/{leader_id}", "ganchao.orgs.services.leader_update"),
        ("PUT", "/api/v1/leaders/{leader_id}/areas", "ganchao.orgs.services.leader_area_set"),
    ],
    "orgs:user_create": ("POST", "/api/v1/users", "ganchao.orgs.services.user_create"),
    "orgs:user_edit": ("PATCH", "/api/v1/users/{user_id}", "ganchao.orgs.services.user_update"),
    # The user page's small verbs, one URL with the verb in it, each its own operation.
    "orgs:user_action": [
        ("POST", "/api/v1/users/{user_id}/roles", "ganchao.orgs.services.role_grant"),
        ("DELETE", "/api/v1/users/{user_id}/roles/{role}", "ganchao.orgs.services.role_revoke"),
        ("POST", "/api/v1/users/{user_id}/active", "ganchao.orgs.services.user_set_active"),
        (
            "POST",
            "/api/v1/users/{user_id}/password-reset",
            "ganchao.accounts.services.password_reset",
        ),
        ("POST", "/api/v1/users/{user_id}/unlock", "ganchao.accounts.services.account_unlock"),
        (
            "POST",
            "/api/v1/password-resets",
            "ganchao.accounts.reset_approval.reset_request_create",
        ),
        (
            "DELETE",
            "/api/v1/users/{user_id}/posts/{post_id}",
            "ganchao.orgs.services.post_remove",
        ),
    ],
    # The approval list: approve or reject an administrator's password reset (LEGAL_RULES C5).
    "orgs:reset_decide": [
        (
            "POST",
            "/api/v1/password-resets/{request_id}/approve",
            "ganchao.accounts.reset_approval.reset_request_approve",
        ),
        (
            "POST",
            "/api/v1/password-resets/{request_id}/reject",
            "ganchao.accounts.reset_approval.reset_request_reject",
        ),
    ],
}
