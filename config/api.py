"""The REST API at /api/v1/ (DESIGN.md 3.7): bearer tokens, {"items", "count"} lists, and the
error body {"code", "message", "errors"} in Chinese for every failure."""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from ganchao.common.api import GanchaoAPI, JsonBodyError, PreconditionRequired, etag
from ganchao.common.api_errors import error_response, validation_messages
from ganchao.common.errors import GanchaoError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from ganchao.accounts.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = GanchaoAPI(
    title="赶超 API",
    version="1",
    description="赶超平台接口。认证：POST /api/v1/auth/token 获取令牌，之后在请求头加 Authorization: Bearer <令牌>。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    errors = validation_messages(exc.errors)
    return error_response(
        request,
        422,
        "invalid",
        "请求参数有误：" + "；".join(f"{e['field']} {e['message']}" for e in errors),
        errors,
    )


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return error_response(
        request,
        401,
        "unauthenticated",
        "未登录或接口令牌无效，请先获取令牌（POST /api/v1/auth/token）",
    )


@api.exception_handler(Http404)
def on_404(request, exc):
    return error_response(request, 404, "not_found", "对象不存在或不在您的查看范围内")


@api.exception_handler(GanchaoError)
def on_ganchao(request, exc):
    return error_response(
        request,
        exc.status,
        exc.code,
        exc.message,
        [{"field": e.field, "message": e.message} for e in exc.errors],
    )


@api.exception_handler(PreconditionRequired)
def on_precondition_required(request, exc):
    """A write without its version (428): the current version in the body and as an ETag."""
    response = on_ganchao(request, exc)
    body = json.loads(response.content)
    body["current_version"] = exc.current_version
    response.content = json.dumps(body, ensure_ascii=False)
    response["ETag"] = etag(exc.current_version)
    return response


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    """A number or text too large for its column (SQLite's OverflowError, PostgreSQL's
    DataError) that no schema bound caught: the write rolled back, the client gets a 422."""
    return error_response(
        request,
        422,
        "invalid",
        "请求参数有误：数值或文本超出允许范围",
        [{"field": "请求", "message": "数值或文本超出允许范围"}],
    )


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    """A multipart body Django cannot parse (no or wrong boundary): the error body, not an
    empty 400."""
    return error_response(
        request,
        400,
        "bad_request",
        "请求体不是有效的 multipart/form-data，请检查 Content-Type 中的 boundary",
    )


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def on_too_big(request, exc):
    return error_response(
        request,
        413,
        "too_large",
        "请求体过大或字段、文件过多，未做任何修改",
        [{"field": "请求", "message": "请求体过大或字段、文件过多"}],
    )


# ninja's own refusals carry English text: these say the same in Chinese.
NINJA_MESSAGES = {
    "CSRF check Failed": "CSRF 校验失败：网页会话的写操作须带 CSRF 令牌，脚本请改用接口令牌",
}


@api.exception_handler(HttpError)
def on_http(request, exc):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return on_too_big(request, cause)
    if isinstance(cause, JsonBodyError):
        return error_response(
            request,
            400,
            "bad_request",
            "请求体不是合法的 JSON，未做任何修改",
            [{"field": "请求", "message": "请求体不是合法的 JSON"}],
        )
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        422: "invalid",
    }
    message = NINJA_MESSAGES.get(str(exc), str(exc))
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)


def _register_routers():
    from ganchao.accounts.api import router as auth_router
    from ganchao.accounts.api_mfa import router as mfa_router
    from ganchao.accounts.api_resets import router as resets_router
    from ganchao.assessment.api import router as assessment_router
    from ganchao.audit.api import router as audit_router
    from ganchao.decisions.api import router as decisions_router
    from ganchao.enforcement.api import router as enforcement_router
    from ganchao.enterprises.api import router as enterprises_router
    from ganchao.fiscal.api import router as fiscal_router
    from ganchao.goals import api_writes as _goal_writes  # noqa: F401 (joins goals_router)
    from ganchao.goals.api import router as goals_router
    from ganchao.goals.review_api import router as review_router
    from ganchao.ladder.api import router as ladder_router
    from ganchao.notifications.api import router as notifications_router
    from ganchao.notifications.inbox_api import router as inbox_router
    from ganchao.orgs import api_writes as _org_writes  # noqa: F401 (joins orgs_router)
    from ganchao.orgs.api import router as orgs_router
    from ganchao.portal.api import router as portal_router
    from ganchao.problems.api import router as problems_router
    from ganchao.projects.api import router as projects_router
    from ganchao.supervision.alert_api import router as alerts_router
    from ganchao.supervision.matter_api import router as matters_router
    from ganchao.supervision.scorecard_api import router as scorecards_router
    from ganchao.visits.api import router as visits_router
    from ganchao.workcal.api import router as calendar_router

    api.add_router("/", orgs_router)
    api.add_router("/auth", auth_router)
    api.add_router("/", mfa_router)
    api.add_router("/audit", audit_router)
    api.add_router("/password-resets", resets_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/", review_router)  # before goals: /reports/review is not /reports/{id}
    api.add_router("/", goals_router)
    api.add_router("/", ladder_router)
    api.add_router("/", notifications_router)
    api.add_router("/", visits_router)
    api.add_router("/", matters_router)
    api.add_router("/", alerts_router)
    api.add_router("/", inbox_router)
    api.add_router("/", scorecards_router)
    api.add_router("/", assessment_router)
    api.add_router("/", decisions_router)
    api.add_router("/enforcement", enforcement_router)
    api.add_router("/", problems_router)
    api.add_router("/", enterprises_router)
    api.add_router("/", projects_router)
    api.add_router("/", fiscal_router)
    # The public portal: no sign-in, hence no token and no CSRF (anonymous writes are
    # rate-limited per address and held for moderation instead).
    api.add_router("/public", portal_router, auth=None)


_register_routers()
