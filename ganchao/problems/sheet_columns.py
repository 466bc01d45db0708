"""The columns of the sheet 问题台账 and the words its cells use (DESIGN.md 3.14): shared by its
import (sheet.py), its writes (sheet_writes.py) and its export."""

import re

from django.utils import translation

from ganchao.problems.choices import Category, PlaceType, Severity, Source

NUMBER, SOURCE, PLACE_TYPE, PLACE = "编号", "来源", "地点类型", "地点"
CATEGORY, SEVERITY, DESCRIPTION, OWNER = "类别", "严重程度", "问题描述", "责任单位"
DEADLINE, MEASURES, STATE, LEGACY = "整改时限", "整改措施", "状态", "历史遗留"
HEADERS = [
    NUMBER, SOURCE, PLACE_TYPE, PLACE, CATEGORY, SEVERITY, DESCRIPTION, OWNER, DEADLINE,
    MEASURES, STATE, LEGACY,
]  # fmt: skip
KEYS = (NUMBER, DESCRIPTION)
SHEET_TITLE = "问题台账"
SHEET_LANGUAGE = "zh-hans"  # the sheet's words are the contract, whatever the UI language
MAX_NUMBER = 32
MAX_PLACE = 200
YES, NO = "是", "否"
CHOICES = {
    SOURCE: Source,
    PLACE_TYPE: PlaceType,
    CATEGORY: Category,
    SEVERITY: Severity,
}
FIELD_OF = {
    SOURCE: "source",
    PLACE_TYPE: "place_type",
    PLACE: "place",
    CATEGORY: "category",
    SEVERITY: "severity",
    DESCRIPTION: "description",
    OWNER: "owner_unit_id",
    DEADLINE: "deadline",
    MEASURES: "measures",
    LEGACY: "legacy",
}
REQUIRED = (SOURCE, PLACE_TYPE, PLACE, CATEGORY, SEVERITY, DESCRIPTION, OWNER)
WHITESPACE = re.compile(r"\s+")
ABSENT_LISTED = 20


def place_key(place: str) -> str:
    """The place as recurrence compares it: whitespace removed."""
    return WHITESPACE.sub("", place or "")


def _labels(choices) -> dict[str, str]:
    """label → value (and value → value), read in Chinese."""
    with translation.override(SHEET_LANGUAGE):
        found = {str(label): value for value, label in choices.choices}
    found.update({value: value for value in choices.values})
    return found


def _label(choices, value: str) -> str:
    with translation.override(SHEET_LANGUAGE):
        return str(choices(value).label)
