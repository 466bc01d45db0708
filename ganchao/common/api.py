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
