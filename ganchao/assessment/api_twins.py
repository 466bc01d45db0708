"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

SCHEME = "/api/v1/assessment/schemes/{code}"
RESULT = f"{SCHEME}/results/{{period}}"
INPUTS = f"{SCHEME}/periods/{{period}}"

PAGE_API_TWINS = {
    # schemes and versions
    "assessment:scheme_new": (
        "POST",
        "/api/v1/assessment/schemes",
        "ganchao.assessment.services.scheme_create",
    ),
    "assessment:scheme_new_version": (
        "POST",
        f"{SCHEME}/versions",
        "ganchao.assessment.services.scheme_create",
    ),
    # publication and the public ranking
    "assessment:result_publish": (
        "POST",
        f"{RESULT}/publish",
        "ganchao.assessment.services.result_publish",
    ),
    "assessment:result_release": (
        "POST",
        f"{RESULT}/release",
        "ganchao.assessment.release_services.result_release",
    ),
    "assessment:result_withdraw": (
        "DELETE",
        f"{RESULT}/release",
        "ganchao.assessment.release_services.result_withdraw",
    ),
    # inputs: bonus / deduction / veto items and manual scores
    "assessment:item_add": (
        "POST",
        f"{INPUTS}/items",
        "ganchao.assessment.services_inputs.score_item_register",
    ),
    "assessment:item_approve": (
        "POST",
        f"{INPUTS}/items/{{item_id}}/approve",
        "ganchao.assessment.services_inputs.score_item_approve",
    ),
    "assessment:item_withdraw": (
        "POST",
        f"{INPUTS}/items/{{item_id}}/withdraw",
        "ganchao.assessment.services_inputs.score_item_withdraw",
    ),
    "assessment:manual_save": (
        "POST",
        f"{INPUTS}/manual-scores",
        "ganchao.assessment.services_inputs.manual_scores_save",
    ),
    # the page's preview and confirm are one operation with dry_run=true / false
    "assessment:manual_import": (
        "POST",
        f"{INPUTS}/manual-scores/sheet",
        "ganchao.assessment.manual_sheet.manual_sheet_import",
    ),
    # appeals
    "assessment:appeal_new": (
        "POST",
        f"{RESULT}/appeals",
        "ganchao.assessment.services_appeals.appeal_submit",
    ),
    "assessment:appeal_accept": (
        "POST",
        "/api/v1/assessment/appeals/{appeal_id}/accept",
        "ganchao.assessment.services_appeals.appeal_accept",
    ),
    "assessment:appeal_reject": (
        "POST",
        "/api/v1/assessment/appeals/{appeal_id}/reject",
        "ganchao.assessment.services_appeals.appeal_reject",
    ),
    # bulletins and their template
    "assessment:bulletin_issue": (
        "POST",
        "/api/v1/assessment/bulletins",
        "ganchao.assessment.services_bulletins.bulletin_generate",
    ),
    "assessment:bulletin_template": (
        "POST",
        "/api/v1/assessment/bulletins/template",
        "ganchao.assessment.services_bulletins.bulletin_template_upload",
    ),
    "assessment:bulletin_template_revert": (
        "DELETE",
        "/api/v1/assessment/bulletins/template",
        "ganchao.assessment.services_bulletins.bulletin_template_revert",
    ),
    # the benchmark register
    "assessment:benchmark_new": (
        "POST",
        "/api/v1/assessment/benchmarks",
        "ganchao.assessment.services_benchmarks.benchmark_create",
    ),
    "assessment:benchmark_edit": (
        "PUT",
        "/api/v1/assessment/benchmarks/{benchmark_id}",
        "ganchao.assessment.services_benchmarks.benchmark_update",
    ),
    "assessment:benchmark_deactivate": (
        "POST",
        "/api/v1/assessment/benchmarks/{benchmark_id}/deactivate",
        "ganchao.assessment.services_benchmarks.benchmark_deactivate",
    ),
}
