"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "notifications:mark_read": (
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        "ganchao.notifications.services.notification_mark_read",
    ),
    "notifications:mark_all_read": (
        "POST",
        "/api/v1/notifications/read-all",
        "ganchao.notifications.services.notification_mark_all_read",
    ),
    "notifications:settings": (
        "PUT",
        "/api/v1/me/notification-settings",
        "ganchao.notifications.services.notification_settings_set",
    ),
}
