"""API helpers: local ISO datetimes (+08:00), scope errors, list pagination."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import Field, PlainSerializer


def _local(value: dt.datetime | None):
    return timezone.localtime(value).isoformat() if value is not None else None


# A whole number that fits the database's integer column (sort orders, counts): a huge number
# is a 422 naming the field, not an overflow inside the write.
DbInt = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]

LocalDatetime = Annotated[dt.datetime, PlainSerializer(_local, return_type=str | None)]


# Beyond any list's length; a larger offset would overflow the database's LIMIT/OFFSET.
MAX_OFFSET = 10**9


class Page(LimitOffsetPagination):
    """?limit=&offset= → {"items": [...], "count": N}."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PageRows:
    """A queryset seen through `to_row` for @paginate: only the requested page is fetched and
    converted (a count query plus the page), not every row of a province's 6,000 units."""

    def __init__(self, queryset, to_row):
        self.queryset, self.to_row = queryset, to_row

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        return [self.to_row(obj) for obj in self.queryset[page]]


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
