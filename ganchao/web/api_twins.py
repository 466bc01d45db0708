"""Each page action (URL name of a view that accepts POST) and its API twin calling the same service."""

PAGE_API_TWINS = {
    "set_language": None,  # Django's language switch for the browser session; writes nothing
}
