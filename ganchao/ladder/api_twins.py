"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "ladder:notice_issue": (
        "POST",
        "/api/v1/ladder/proposals/{notice_id}/issue",
        "ganchao.ladder.services.notice_issue",
    ),
    "ladder:notice_dismiss": (
        "POST",
        "/api/v1/ladder/proposals/{notice_id}/dismiss",
        "ganchao.ladder.services.notice_dismiss",
    ),
    "ladder:notice_respond": (
        "POST",
        "/api/v1/notices/{notice_id}/respond",
        "ganchao.ladder.services.notice_respond",
    ),
    "ladder:notice_accept": (
        "POST",
        "/api/v1/notices/{notice_id}/accept",
        "ganchao.ladder.services.notice_accept",
    ),
    "ladder:notice_return": (
        "POST",
        "/api/v1/notices/{notice_id}/return",
        "ganchao.ladder.services.notice_return",
    ),
    "ladder:talk_hold": (
        "POST",
        "/api/v1/talks/{talk_id}/hold",
        "ganchao.ladder.services.talk_hold",
    ),
    "ladder:talk_dismiss": (
        "POST",
        "/api/v1/talks/{talk_id}/dismiss",
        "ganchao.ladder.services.talk_dismiss",
    ),
}
