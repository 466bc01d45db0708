"""The plan's tree as plain data, in the shape of `/plans/{id}/tree` (DESIGN.md 3.7), shared by
`ganchao status` and the API.

Decimals are strings quantized to four places (what the database keeps) with trailing zeros
and a trailing point removed: 4153.84615 → "4153.8462", 12000.0000 → "12000". Status, expected
and actual are as of the last status computation; a goal has no status (null).
"""

from decimal import ROUND_HALF_UP, Decimal

from ganchao.goals.models import Item

FOUR_PLACES = Decimal("0.0001")
TREE_FIELDS = (
    "id",
    "code",
    "name",
    "type",
    "parent_id",
    "status",
    "expected",
    "actual",
    "sort_key",
)


def decimal_string(value) -> str | None:
    if value is None:
        return None
    text = format(Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def plan_tree(plan, items_queryset=None) -> list[dict]:
    """The plan's items depth-first in 编号 order, each with its children (one query)."""
    queryset = items_queryset if items_queryset is not None else Item.objects.filter(plan=plan)
    rows = list(queryset.order_by("sort_key").values(*TREE_FIELDS))
    nodes: dict[int, dict] = {}
    for row in rows:
        is_goal = row["type"] == "goal"
        nodes[row["id"]] = {
            "id": row["id"],
            "code": row["code"],
            "name": row["name"],
            "type": row["type"],
            "status": None if is_goal else (row["status"] or None),
            "expected": None if is_goal else decimal_string(row["expected"]),
            "actual": None if is_goal else decimal_string(row["actual"]),
            "children": [],
        }
    roots = []
    for row in rows:  # sort_key order, so each children list is in 编号 order too
        parent = nodes.get(row["parent_id"])
        (parent["children"] if parent is not None else roots).append(nodes[row["id"]])
    return roots
