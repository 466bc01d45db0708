"""API helpers: local ISO datetimes (+08:00), scope errors, list pagination."""

import datetime as dt
import json
import types
import typing
from functools import wraps
from typing import Annotated

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from ganchao.common.errors import Conflict, FieldError, GanchaoError, ValidationFailed


def local_iso(value: dt.datetime | None) -> str | None:
    """A moment as the API writes it: ISO 8601 in local time (+08:00)."""
    return timezone.localtime(value).isoformat() if value is not None else None


# A whole number that fits the database's integer column (sort orders, counts): a huge number
# is a 422 naming the field, not an overflow inside the write.
DbInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]

LocalDatetime = Annotated[dt.datetime, PlainSerializer(local_iso, return_type=str | None)]


# Beyond any list's length; a larger offset would overflow the database's LIMIT/OFFSET.
MAX_OFFSET = 10**9


class Page(LimitOffsetPagination):
    """?limit=&offset= → {"items": [...], "count": N}."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PageRows:
    """A queryset seen through `to_row` for @paginate: only the requested page is fetched and
    converted (a count query plus the page), not every row of a province's 6,000 units."""

    def __init__(self, queryset, to_row, *, counted=None):
        """`counted`: the same rows without the joins that only the page needs (its columns
        and order), so that the count reads no more tables than the filters do."""
        self.queryset, self.to_row = queryset, to_row
        self.counted = queryset if counted is None else counted

    def __len__(self) -> int:
        return self.counted.count()

    def __getitem__(self, page: slice) -> list:
        return [self.to_row(obj) for obj in self.queryset[page]]


# The one renderer of the API's bodies: GanchaoAPI answers through it, and so do the lists that
# hand over rows already in their schema's dumped form (serialised_page).
RENDERER = JSONRenderer()


def serialised_page(view):
    """Between @router.get(response=list[RowOut]) and @paginate(Page) of a list whose rows are
    already what RowOut dumps (decimals as text, datetimes through local_iso, the schema's field
    order): the page is answered as JSON as it is, not validated again row by row through the
    schema, which cost more than reading the rows (issue 13: a third of the CPU of /statuses).
    The schema stays the list's declared shape (OpenAPI); a test holds the rows to it."""

    @wraps(view)
    def answer(request, **kwargs):
        page = view(request, **kwargs)
        content = RENDERER.render(request, page, response_status=200)
        return HttpResponse(
            content, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}"
        )

    return answer


class SheetErrorOut(Schema):
    field: str
    message: str


class SheetOut(Schema):
    """What an Excel import through the API found and did (see sheet_result)."""

    dry_run: bool
    written: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    summary: list[str]
    warnings: list[str]
    errors: list[SheetErrorOut]


def sheet_result(result, *, dry_run: bool) -> dict:
    """What an Excel import found and did, for the API: the same summary and messages as the
    page and the CLI. The caller answers 422 when `errors` is not empty (nothing written)."""
    return {
        "dry_run": dry_run,
        "written": bool(getattr(result, "written", False)),
        "rows": result.rows,
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": result.unchanged,
        "summary": [str(line) for line in result.summary_lines()],
        "warnings": [str(w) for w in result.warnings],
        "errors": [{"field": e.place, "message": e.message} for e in result.errors],
    }


def sheet_refused(result):
    """The error body of an import refused for its errors (422, nothing written)."""
    from ganchao.common.errors import FieldError, ValidationFailed

    lines = [str(e) for e in result.errors]
    return ValidationFailed(
        "表格有错误，未导入任何内容：" + "；".join(lines[:5]) + ("……" if len(lines) > 5 else ""),
        [FieldError(e.place or "file", e.message) for e in result.errors],
    )


def sheet_answer(result, *, dry_run: bool) -> dict:
    """The API's answer to an import: 422 naming every error (nothing written), else the summary."""
    if result.errors:
        raise sheet_refused(result)
    return sheet_result(result, dry_run=dry_run)


# ---------------------------------------------------------------------------------------------
# Text that must say something: not empty, not only spaces or invisible characters.

# Characters a person cannot see: what str.isspace() knows (spaces, tabs, U+3000 …) plus the
# zero-width and format characters it does not (U+200B–U+200D, U+2060, U+FEFF, U+00AD, U+180E).
INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e\u034f")
BLANK_TEXT_MESSAGE = "不能只包含空白或不可见字符"


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: empty, or only whitespace and invisible characters."""
    return all(ch.isspace() or ch in INVISIBLE for ch in text)


def _non_blank(value: str) -> str:
    if is_blank(value):
        raise PydanticCustomError("blank_text", BLANK_TEXT_MESSAGE)
    return value.strip()


# A required text (a reason, a name, a title): refused with a 422 naming the field when it is
# empty or made only of whitespace and invisible characters; surrounding spaces are trimmed.
NonBlankStr = Annotated[
    str,
    AfterValidator(_non_blank),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"}),
]

# A reporting period: a year, a quarter or a month (2026, 2026-Q2, 2026-04).
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
PeriodStr = Annotated[str, Field(pattern=PERIOD_PATTERN)]


# ---------------------------------------------------------------------------------------------
# Bounded integers on every operation (issue 12 item 8: `?item=99999999999999999999` and
# `offset=2**63` were server errors): every whole number in a path or query gets the bounds its
# meaning allows, added to the operation's parameter models after the routers are bound, so
# a new endpoint is covered without anyone remembering to. Bounds already declared are kept.

ID_MAX = 2**63 - 1  # the database's bigint
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100


def _integer_bounds(name: str, *, in_path: bool) -> tuple[int, int]:
    from django.conf import settings

    if name == "offset":
        return 0, MAX_OFFSET
    if name == "limit":
        return 1, settings.NINJA_PAGINATION_MAX_LIMIT
    if name == "year":
        return YEAR_MIN, YEAR_MAX
    if in_path or name.endswith("_id") or name in _ID_NAMES:
        return 1, ID_MAX
    return INT_MIN, INT_MAX


# Query filters that name an object by its id without the _id suffix (?item=, ?plan=, ?agency=).
_ID_NAMES = frozenset(
    {"item", "plan", "agency", "leader", "unit", "decision", "case", "matter", "scheme", "user"}
)


def _declared(metadata) -> tuple[bool, bool]:
    """Whether constraints already bound the value from below and from above."""
    import annotated_types as at

    low = any(isinstance(m, at.Ge | at.Gt) for m in metadata)
    high = any(isinstance(m, at.Le | at.Lt) for m in metadata)
    for m in metadata:  # pydantic's own constraint containers
        low = low or getattr(m, "ge", None) is not None or getattr(m, "gt", None) is not None
        high = high or getattr(m, "le", None) is not None or getattr(m, "lt", None) is not None
    return low, high


def _int_annotation(annotation):
    """(is_int, optional, inner metadata) for int, int | None and Annotated[int, …] (| None)."""
    args = typing.get_args(annotation)
    optional = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return False, False, []
        optional, annotation = True, rest[0]
    metadata = []
    if typing.get_origin(annotation) is Annotated:
        annotation, *metadata = typing.get_args(annotation)
    return annotation is int, optional, metadata


def _bounded_model(model, *, source: str):
    """`model` (a ninja parameter model, or a Query[Schema] inside one) with every unbounded
    whole number bounded and a period in the path held to PERIOD_PATTERN; the model itself when
    nothing needed a bound."""
    import annotated_types as at
    from pydantic import BaseModel

    annotations, values = {}, {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            bounded = _bounded_model(annotation, source=source)
            if bounded is not annotation:
                annotations[name], values[name] = bounded, field
            continue
        if source == "path" and name == "period" and annotation is str and not field.metadata:
            # The period in a path (…/results/{period}) is a year, a quarter or a month.
            annotations[name], values[name] = PeriodStr, field
            continue
        is_int, optional, inner = _int_annotation(annotation)
        if not is_int:
            continue
        has_low, has_high = _declared([*field.metadata, *inner])
        if has_low and has_high:
            continue
        low, high = _integer_bounds(field.alias or name, in_path=source == "path")
        bounds = ([] if has_low else [at.Ge(low)]) + ([] if has_high else [at.Le(high)])
        bounded = Annotated[int, *inner, *bounds]
        annotations[name] = bounded | None if optional else bounded
        values[name] = field
    if not annotations:
        return model
    return type(model.__name__, (model,), {"__annotations__": annotations, **values})


def _bound_operation(operation) -> None:
    operation.models = [
        _bounded_model(model, source=model.__ninja_param_source__)
        if model.__ninja_param_source__ in ("path", "query")
        else model
        for model in operation.models
    ]


# ---------------------------------------------------------------------------------------------
# JSON bodies without NUL characters: PostgreSQL refuses a NUL in any text, and no field of
# Ganchao holds one (NulCharacterMiddleware does the same for query strings and forms).


class JsonBodyError(ValueError):
    """A request body that is not JSON (ninja answers 400; config/api.py words it)."""


def strip_nul(value):
    """`value` (parsed JSON) with NUL characters removed from every string and key."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(item) for item in value]
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    return value


class CleanJsonParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise JsonBodyError(str(exc)) from exc
        return strip_nul(data)


# ---------------------------------------------------------------------------------------------
# The API object: bounded integers, the JSON parser above, and an OpenAPI document that
# declares the error body on every operation so clients and fuzzers can rely on it.

ERROR_RESPONSES = {
    400: "请求无效（如请求体不是合法的 JSON）",
    401: "未登录或接口令牌无效",
    403: "无权执行此操作",
    404: "对象不存在或不在您的查看范围内",
    409: "对象已被他人修改或当前状态不允许此操作",
    413: "请求体过大",
    422: "请求参数有误，errors 逐项列出字段和原因",
}


class ErrorItemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The error body of every failure (DESIGN.md 3.7)."""

    code: str
    message: str
    errors: list[ErrorItemOut]


class GanchaoAPI(NinjaAPI):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parser", CleanJsonParser())
        kwargs.setdefault("renderer", RENDERER)
        super().__init__(*args, **kwargs)
        self._bounded = False

    def _get_bound_routers(self):
        routers = super()._get_bound_routers()
        if not self._bounded:
            self._bounded = True
            for router in routers:
                for path_view in router.path_operations.values():
                    for operation in path_view.operations:
                        _bound_operation(operation)
        return routers

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status in responses or str(status) in responses:
                        continue
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
        _declare_version_required(schema)
        return schema

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # The version of the object answered, as an ETag a client can send back in If-Match.
        version = data.get("version") if isinstance(data, dict) else None
        if type(version) is int and 200 <= response.status_code < 300 and "ETag" not in response:
            response["ETag"] = etag(version)
        return response


PRECONDITION_DESCRIPTION = (
    "未提供 expected_version 或 If-Match 请求头（current_version 为对象的当前版本，"
    "ETag 响应头同）；版本不符为 409"
)

PRECONDITION_BODY = {
    "allOf": [
        {"$ref": "#/components/schemas/ErrorOut"},
        {
            "type": "object",
            "properties": {"current_version": {"type": "integer"}},
            "required": ["current_version"],
        },
    ]
}


def _declare_version_required(schema: dict) -> None:
    """Declare on every write guarded by require_version the If-Match header and the 428."""
    for _method, _path, operation in version_operations(schema):
        operation["responses"].setdefault(
            428,
            {
                "description": PRECONDITION_DESCRIPTION,
                "headers": {"ETag": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": PRECONDITION_BODY}},
            },
        )
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "If-Match" for p in parameters):
            parameters.append(
                {
                    "in": "header",
                    "name": "If-Match",
                    "required": False,
                    "description": '对象的版本号（如 "3"），可代替请求体中的 expected_version',
                    "schema": {"type": "string"},
                }
            )


# ---------------------------------------------------------------------------------------------
# No lost update through the API (issue 12 item 9): a write that changes an existing versioned
# object names the version it was based on, as `expected_version` in the body or an If-Match
# header ("3" or 3, as an ETag). Without one the API answers 428 with the current version, so
# two clients writing blind cannot silently overwrite each other; a stale one answers 409.

VERSION_MAX = 2**31 - 1


class PreconditionRequired(GanchaoError):
    """A write without the version it was based on (428); `current_version` tells the client
    what to send after reading the object again."""

    code = "precondition_required"
    status = 428

    def __init__(self, message: str, errors=None, *, current_version: int = 0):
        super().__init__(message, errors or [])
        self.current_version = current_version


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(request) -> int | None:
    """The version an If-Match header names ("3", W/"3" or 3); None when there is none."""
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw:
        return None
    value = raw.removeprefix("W/").strip().strip('"').strip()
    if not (value.isascii() and value.isdigit()) or int(value) > VERSION_MAX:
        raise ValidationFailed.on(
            "If-Match",
            gettext('If-Match 请求头须为对象的版本号，如 "3"（收到“%(raw)s”）') % {"raw": raw[:40]},
        )
    return int(value)


def require_version(request, payload_version, obj, *, check: bool = False) -> int:
    """The version the client based its write on: `expected_version` from the body, else the
    If-Match header. Neither is a 428 naming the current version. The services that take
    `expected_version` compare it under their row lock (409 in their own words); `check=True`
    compares it here, for a write whose service does not."""
    header = if_match_version(request)
    if payload_version is not None and header is not None and payload_version != header:
        raise ValidationFailed.on(
            "If-Match", gettext("If-Match 请求头与 expected_version 不一致，请只提供其中一个")
        )
    version = payload_version if payload_version is not None else header
    current = _current_version(obj, locked=check)
    if version is None:
        message = gettext("请提供 expected_version（或 If-Match 请求头）以免覆盖他人的修改")
        raise PreconditionRequired(
            message, [FieldError("expected_version", message)], current_version=current
        )
    if check and version != current:
        raise Conflict(
            gettext(
                "该对象已被他人修改（当前版本 %(current)s，您提供的版本 %(given)s），"
                "请刷新后重试（您的修改未保存）"
            )
            % {"current": current, "given": version}
        )
    return version


def _current_version(obj, *, locked: bool) -> int:
    """The object's version; read again under a row lock when the caller holds a transaction,
    so a write that the caller runs in the same transaction cannot lose a concurrent one."""
    if obj is None:
        return 0
    if locked and obj.pk is not None and transaction.get_connection().in_atomic_block:
        rows = type(obj).objects.select_for_update().filter(pk=obj.pk)
        versions = list(rows.values_list("version", flat=True))
        return versions[0] if versions else obj.version
    return obj.version


def version_operations(schema: dict) -> list[tuple[str, str, dict]]:
    """(method, path, operation) of every operation in an OpenAPI document whose request body
    has `expected_version`: the writes require_version guards."""
    components = schema.get("components", {}).get("schemas", {})

    def properties(node, seen=()) -> set:
        if not isinstance(node, dict):
            return set()
        ref = node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return set() if name in seen else properties(components.get(name), (*seen, name))
        found = set(node.get("properties", {}))
        for key in ("anyOf", "oneOf", "allOf"):
            for part in node.get(key, []):
                found |= properties(part, seen)
        return found

    result = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if any("expected_version" in properties(c.get("schema")) for c in content.values()):
                result.append((method, path, operation))
    return result
