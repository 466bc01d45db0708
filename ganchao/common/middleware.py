"""Request-wide context (request id, client address) and strict security headers."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass

_current: ContextVar["RequestContext | None"] = ContextVar("ganchao_request", default=None)


@dataclass(frozen=True)
class RequestContext:
    """What the audit chain records about the request a write came from."""

    request_id: str
    source_ip: str
    user_agent: str


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str:
    # Behind the reverse proxy of the README the real client is the first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = _current.set(
            RequestContext(
                request_id=request.request_id,
                source_ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-Id"] = request.request_id
        return response


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        # No inline script, event handler, eval or style attribute (issue 12 item 3): page
        # scripts are static files, data comes through json_script, and styles that depend on
        # data are set by script through the CSSOM (static/ganchao/ganchao.js).
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself. Scripts stay same-origin: nothing from a CDN."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language (cookie set by the switcher).

    The browser's Accept-Language is deliberately ignored: a government PC with an English
    browser must still get the Chinese interface.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NulCharacterMiddleware:
    """Remove NUL characters from query and form parameters.

    No field of Ganchao holds a NUL, and PostgreSQL refuses one in any text value, so a stray
    %00 in a filter or form field would otherwise become a server error instead of a no-match.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        is_form = request.content_type == "application/x-www-form-urlencoded"
        if (
            request.method == "POST"
            and is_form
            and any("\x00" in value for _key, values in request.POST.lists() for value in values)
        ):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _without_nul(query):
    cleaned = query.copy()
    for key, values in query.lists():
        cleaned.setlist(key, [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
