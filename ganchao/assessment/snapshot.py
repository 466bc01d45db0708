"""Engine results as plain JSON rows (the frozen snapshot of a Result) and the differences
between two snapshots. Pure functions."""

import datetime as dt
from decimal import Decimal

from ganchao.assessment import engine


def _plain(value):
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # most detail values: checked first, a province has 100,000 of them
    if kind is Decimal:
        return str(value)
    if kind is dict:
        return _plain_dict(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _plain_dict(values: dict) -> dict:
    """_plain of a detail dict, its common values converted inline (no call per value)."""
    plain = {}
    for key, value in values.items():
        kind = type(value)
        if kind is Decimal:
            plain[key] = str(value)
        elif kind is str or kind is int or value is None:
            plain[key] = value
        else:
            plain[key] = _plain(value)
    return plain


def _two(value: Decimal) -> str:
    return str(engine.round2(value))


def _component(c) -> dict:
    row = {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "points": _two(c.points),
        "score": _two(c.score),
        "score_exact": str(c.score),
        "details": [_plain_dict(d) for d in c.details],
    }
    if c.filled is not None:  # nothing to assess: how it was filled (rate exact)
        row["filled"] = _plain(c.filled)
    return row


def _copied(row: dict) -> dict:
    """A component row copied down to its detail list and fill: rows never share a mutable."""
    copy = row.copy()
    details = row["details"]
    copy["details"] = [dict(d) for d in details] if details else []
    if "filled" in row:
        copy["filled"] = dict(row["filled"])
    return copy


def _components(results, copies: bool = True) -> list[list[dict]]:
    """_component of each result's components; results sharing one components tuple (units
    without inputs, scored once by the engine) convert it once and get copies, or, without
    `copies`, that same list (rows that are only read or stored: a publication)."""
    done: dict[int, list[dict]] = {}
    rows = []
    for r in results:
        components = r.score.components
        known = done.get(id(components))
        if known is None:
            known = done[id(components)] = [_component(c) for c in components]
            rows.append(known)
        else:
            rows.append([_copied(c) for c in known] if copies else known)
    return rows


def snapshot_rows(
    results, leaders_by_code: dict[str, list[str]], copies: bool = True
) -> list[dict]:
    """One row per ranked unit, ordered by rank then unit code, with unit names as they are now.
    Without `copies` units scored alike share their component rows (see _components)."""
    return [
        {
            "unit_code": r.score.code,
            "unit": r.score.name,
            "leaders": leaders_by_code.get(r.score.code, []),
            "rank": r.rank,
            "total": _two(r.score.total),
            "total_exact": str(r.score.total),
            "grade": r.grade,
            "veto": r.score.veto,
            "gap": _two(r.gap),
            "bonus": _two(r.score.bonus),
            "deduction": _two(r.score.deduction),
            "items": [_plain(item) for item in r.score.items],
            "components": components,
        }
        for r, components in zip(results, _components(results, copies), strict=True)
    ]


def unassessed_rows(
    results, leaders_by_code: dict[str, list[str]], copies: bool = True
) -> list[dict]:
    """Units with nothing to assess (本期无考核内容), by unit code: no rank, total, grade or gap;
    their other components are kept so that the scorecard can still show them. Without
    `copies` units scored alike share their component rows (see _components)."""
    return [
        {
            "unit_code": r.score.code,
            "unit": r.score.name,
            "leaders": leaders_by_code.get(r.score.code, []),
            "veto": r.score.veto,
            "bonus": _two(r.score.bonus),
            "deduction": _two(r.score.deduction),
            "items": [_plain(item) for item in r.score.items],
            "components": components,
        }
        for r, components in zip(results, _components(results, copies), strict=True)
    ]


def standings(rows: list[dict]) -> list[dict]:
    """The rank trend's part of snapshot rows: unit code, rank and total."""
    return [{key: row[key] for key in ("unit_code", "rank", "total")} for row in rows]


COMPARED = ("rank", "total", "grade", "veto", "bonus", "deduction")


def _flat(row: dict) -> dict[str, object]:
    values = {field: row[field] for field in COMPARED}
    for component in row["components"]:
        values[f"component:{component['code']}"] = component["score"]
    return values


def differences(before: list[dict], after: list[dict], unranked=()) -> list[dict]:
    """What changed per unit and field (shown values), in unit code order. A unit that left
    the ranked rows for `unranked` (codes with nothing to assess now) is "unassessed", not
    "removed"."""
    old = {row["unit_code"]: row for row in before}
    new = {row["unit_code"]: row for row in after}
    unranked = set(unranked)
    changes = []
    for code in sorted(set(old) | set(new)):
        was, now = old.get(code), new.get(code)
        if was is None or now is None:
            field = "added" if was is None else "removed"
            field = "unassessed" if field == "removed" and code in unranked else field
            changes.append({"unit_code": code, "unit": (now or was)["unit"], "field": field})
            continue
        flat_was, flat_now = _flat(was), _flat(now)
        for field in sorted(set(flat_was) | set(flat_now)):
            if flat_was.get(field) != flat_now.get(field):
                changes.append(
                    {
                        "unit_code": code,
                        "unit": now["unit"],
                        "field": field,
                        "before": flat_was.get(field),
                        "after": flat_now.get(field),
                    }
                )
    return changes
