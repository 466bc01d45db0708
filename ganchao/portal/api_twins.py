"""Each page action of the public portal and its API twin calling the same service."""

PAGE_API_TWINS = {
    "portal:consultation": (
        "POST",
        "/api/v1/public/consultations/{consultation_id}/comments",
        "ganchao.portal.services.public_comment_submit",
    ),
}
