"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "workcal:override_set": (
        "POST",
        "/api/v1/calendar/overrides",
        "ganchao.workcal.services.calendar_override_set",
    ),
    "workcal:override_remove": (
        "DELETE",
        "/api/v1/calendar/overrides/{day}",
        "ganchao.workcal.services.calendar_override_remove",
    ),
    "workcal:year_set": (
        "POST",
        "/api/v1/calendar/years",
        "ganchao.workcal.services.calendar_year_confirm",
    ),
}
