"""Request-wide context (request id, client address) and strict security headers."""

import ipaddress
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

_current: ContextVar["RequestContext | None"] = ContextVar("ganchao_request", default=None)


@dataclass(frozen=True)
class RequestContext:
    """What the audit chain records about the request a write came from."""

    request_id: str
    source_ip: str
    user_agent: str


def current_request_context() -> RequestContext | None:
    return _current.get()


def forwarded_address(request) -> str:
    """REMOTE_ADDR, or, when settings say n reverse proxies of ours stand in front
    (GANCHAO_TRUSTED_PROXIES), the n-th X-Forwarded-For hop from the right: each proxy appends
    the address it saw, so hops further left are whatever the client chose to send and are
    never believed (not in the audit trail, not by the per-address limits)."""
    trusted = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= trusted:
            address = hops[-trusted]
    return address.strip()


def client_ip(request) -> str:
    """The request's source address as the audit trail and the limits record it."""
    address = forwarded_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address[:45]


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


# What each status means to the caller of /api/ when no handler of the API wrote the body
# (an unknown path, a method the path does not take, a refusal by Django before the API).
API_STATUS_MESSAGES = {
    400: ("bad_request", "请求无效，未做任何修改"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "接口不存在，请对照 /api/v1/docs 检查地址"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    413: ("too_large", "请求体过大，未做任何修改"),
    500: ("server_error", "服务器内部错误，未完成请求；请把响应头中的 X-Request-Id 告知管理员"),
}


class ApiErrorMiddleware:
    """Every error under /api/ answers the API's JSON error body in Chinese, whatever produced
    it (Django's 404 and 500 pages, ninja's 405, a refused Host header), and a number too large
    for the database is a 422 on the API and the 404 page elsewhere, never a server error.

    Listed first in MIDDLEWARE so that it sees the responses of everything below it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _api_error(request, response)
        return response

    def process_exception(self, request, exception):
        from django.db import DataError

        if not isinstance(exception, OverflowError | DataError):
            return None
        from ganchao.common.api_errors import error_response

        if request.path.startswith("/api/"):
            message = "数值或文本超出允许范围"
            return error_response(
                request,
                422,
                "invalid",
                "请求参数有误：" + message,
                [{"field": "请求", "message": message}],
            )
        from django.shortcuts import render

        # An id beyond any row's: the object does not exist.
        return render(request, "404.html", status=404)


def _api_error(request, response):
    from ganchao.common.api_errors import error_response

    status = response.status_code
    code, message = API_STATUS_MESSAGES.get(
        status, API_STATUS_MESSAGES[500] if status >= 500 else ("error", "请求未完成")
    )
    if status == 405:
        allowed = response.get("Allow", "")
        message = f"该地址不支持 {request.method} 方法，可用：{allowed}"
    answer = error_response(request, status, code, message)
    for header, value in response.items():  # Allow, X-Request-Id, the security headers …
        if header.lower() not in ("content-type", "content-length"):
            answer[header] = value
    answer.cookies = response.cookies
    return answer
