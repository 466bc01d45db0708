"""API helpers: local ISO datetimes (+08:00), scope errors, list pagination."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja.pagination import LimitOffsetPagination
from pydantic import PlainSerializer


def _local(value: dt.datetime | None):
    return timezone.localtime(value).isoformat() if value is not None else None


LocalDatetime = Annotated[dt.datetime, PlainSerializer(_local, return_type=str | None)]


class Page(LimitOffsetPagination):
    """?limit=&offset= → {"items": [...], "count": N}."""


class PageRows:
    """A queryset seen through `to_row` for @paginate: only the requested page is fetched and
    converted (a count query plus the page), not every row of a province's 6,000 units."""

    def __init__(self, queryset, to_row):
        self.queryset, self.to_row = queryset, to_row

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        return [self.to_row(obj) for obj in self.queryset[page]]
