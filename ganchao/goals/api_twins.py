"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "goals:plan_create": ("POST", "/api/v1/plans", "ganchao.goals.services.plan_create"),
    "goals:plan_issue": (
        "POST",
        "/api/v1/plans/{plan_id}/issue",
        "ganchao.goals.services.plan_issue",
    ),
    "goals:plan_close": (
        "POST",
        "/api/v1/plans/{plan_id}/close",
        "ganchao.goals.services.plan_close",
    ),
    "goals:item_create": (
        "POST",
        "/api/v1/plans/{plan_id}/items",
        "ganchao.goals.services.item_create",
    ),
    "goals:item_edit": ("PATCH", "/api/v1/items/{item_id}", "ganchao.goals.services.item_update"),
    "goals:item_milestones": (
        "PUT",
        "/api/v1/items/{item_id}/milestones",
        "ganchao.goals.services.item_update",
    ),
    "goals:item_assignments": (
        "POST",
        "/api/v1/items/{item_id}/assignments",
        "ganchao.goals.services.assignment_create",
    ),
    "goals:assignment_edit": (
        "PATCH",
        "/api/v1/assignments/{assignment_id}",
        "ganchao.goals.services.assignment_update",
    ),
    "goals:report_save": (
        "POST",
        "/api/v1/assignments/{assignment_id}/reports",
        "ganchao.goals.services_reports.report_save_draft",
    ),
    "goals:report_submit": (
        "POST",
        "/api/v1/assignments/{assignment_id}/reports",
        "ganchao.goals.services_reports.report_submit",
    ),
    "goals:report_correct": (
        "POST",
        "/api/v1/reports/{report_id}/correct",
        "ganchao.goals.services_reports.report_correct",
    ),
    "goals:report_accept": (
        "POST",
        "/api/v1/reports/{report_id}/accept",
        "ganchao.goals.services_reports.report_accept",
    ),
    "goals:report_return": (
        "POST",
        "/api/v1/reports/{report_id}/return",
        "ganchao.goals.services_reports.report_return",
    ),
    "goals:review_accept_bulk": (
        "POST",
        "/api/v1/reports/accept-bulk",
        "ganchao.goals.services_reports.reports_accept_bulk",
    ),
    "goals:adjustment_request": (
        "POST",
        "/api/v1/adjustments",
        "ganchao.goals.services_adjustments.adjustment_request",
    ),
    "goals:adjustment_approve": (
        "POST",
        "/api/v1/adjustments/{adjustment_id}/approve",
        "ganchao.goals.services_adjustments.adjustment_approve",
    ),
    "goals:adjustment_reject": (
        "POST",
        "/api/v1/adjustments/{adjustment_id}/reject",
        "ganchao.goals.services_adjustments.adjustment_reject",
    ),
    # The sheet pages preview (dry run) and then confirm; the API takes dry_run=true|false.
    "goals:goals_sheet_import": (
        "POST",
        "/api/v1/plans/{plan_id}/goal-sheet",
        "ganchao.goals.imports.goal_sheet_import",
    ),
    "goals:goals_sheet_import_confirm": (
        "POST",
        "/api/v1/plans/{plan_id}/goal-sheet",
        "ganchao.goals.imports.goal_sheet_import",
    ),
    "goals:goals_report_import": (
        "POST",
        "/api/v1/plans/{plan_id}/report-sheet",
        "ganchao.goals.report_imports.report_sheet_import",
    ),
    "goals:goals_report_import_confirm": (
        "POST",
        "/api/v1/plans/{plan_id}/report-sheet",
        "ganchao.goals.report_imports.report_sheet_import",
    ),
}
