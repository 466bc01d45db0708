"""One unit's scorecard (单位考核得分卡) as plain dicts: every component with its method, its
numbers and the items or events behind every point, each linked to the page that shows it
(reports and evidence, 督办单, alerts). A fixed number of queries per page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from ganchao.assessment import engine
from ganchao.assessment.choices import ComponentKind, ItemKind, Method
from ganchao.assessment.filling import fill_basis, fill_note
from ganchao.assessment.league import GRADE_TONES, Standing, unit_row, unit_trend
from ganchao.assessment.models import Component, ScoreItem
from ganchao.common import numbers
from ganchao.goals.models import Assignment, Evidence, ProgressReport
from ganchao.goals.precision import display_places, figure, figure_pair
from ganchao.ladder.models import BulletinListing

EVENT_LABELS = {
    "urge": ("催办", "supervision:alert_detail"),
    "notice": ("督办单", "ladder:notice_detail"),
    "bulletin": ("通报", "ladder:notice_detail"),
    "talk": ("约谈", "ladder:talk_list"),
}


def shown(value) -> str:
    """A score as shown on the page: two places, rounded half up."""
    return numbers.fixed(value)


def plain(value) -> str:
    """A measured value without trailing zeros (at most 4 places)."""
    return numbers.plain(value, places=4)


def percent(value) -> str:
    if value in (None, ""):
        return ""
    return f"{shown(Decimal(str(value)) * 100)}%"


def share(value) -> str:
    """A fixed weight as a plain percentage: 0.6 → "60%"."""
    return f"{plain(Decimal(str(value)) * 100)}%"


def _day(text) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _id(ref: str, prefix: str) -> int | None:
    for part in (ref or "").split("/"):
        kind, _sep, number = part.partition(":")
        if kind == prefix and number.isdigit():
            return int(number)
    return None


# ---- links -----------------------------------------------------------------------------------


def _links(row: dict) -> dict[str, dict]:
    """assignment id → item id and the item's unit of measure, 通报 id → its 督办单 id, and the
    report revisions the indicators used with their evidence: four queries at most."""
    assignments, bulletins, reports = set(), set(), set()
    for component in row["components"]:
        for detail in component["details"]:
            if _id(detail.get("key", ""), "assignment"):
                assignments.add(_id(detail["key"], "assignment"))
            if _id(detail.get("ref", ""), "bulletin"):
                bulletins.add(_id(detail["ref"], "bulletin"))
            if detail.get("report"):
                reports.add(int(detail["report"]))
    rows = Assignment.objects.filter(pk__in=assignments).values_list(
        "id", "item_id", "item__measure_unit", "item__decimal_places"
    )
    items, units, places = {}, {}, {}
    for pk, item, measure_unit, decimal_places in rows:
        items[pk], units[pk] = item, measure_unit or ""
        places[pk] = display_places(decimal_places, measure_unit or "")
    notices = dict(BulletinListing.objects.filter(pk__in=bulletins).values_list("id", "notice_id"))
    return {
        "items": items,
        "units": units,
        "places": places,
        "notices": notices,
        "reports": _reports(reports),
    }


def _reports(ids: set[int]) -> dict[int, dict]:
    """report id → its revision, value, submission (when, by whom) and evidence files."""
    if not ids:
        return {}
    found = {
        pk: {"revision": revision, "value": value, "submitted_at": at, "by": full or name}
        for pk, revision, value, at, full, name in ProgressReport.objects.filter(
            pk__in=ids
        ).values_list(
            "id", "revision", "value", "submitted_at", "submitted_by__full_name",
            "submitted_by__username",
        )
    }  # fmt: skip
    for report in found.values():
        report["evidence"] = []
    for pk, report_id, name in (
        Evidence.objects.filter(report_id__in=list(found))
        .order_by("id")
        .values_list("id", "report_id", "original_name")
    ):
        url = reverse("goals:evidence_download", args=[pk])
        found[report_id]["evidence"].append({"name": name, "url": url})
    return found


def _report(detail: dict, links, item_url: str, places: int = 4) -> dict | None:
    """The report revision whose value the indicator used, linked to its row on the item page."""
    report = links["reports"].get(int(detail.get("report") or 0))
    if report is None:
        return None
    page = item_url.split("#")[0]
    anchor = f"{page}#report-{detail['report']}" if page else ""
    return {**report, "value": figure(report["value"], places), "url": anchor}


def _item_url(key: str, links, anchor: str) -> str:
    item = links["items"].get(_id(key, "assignment"))
    if not item:
        return ""
    url = reverse("goals:item_detail", args=[item])
    return f"{url}#{anchor}" if anchor else url


def _event_url(ref: str, kind: str, links) -> str:
    number = _id(ref, kind)
    if kind == "talk":
        return reverse("ladder:talk_list")
    if kind == "bulletin":
        number = links["notices"].get(number)
    return reverse(EVENT_LABELS[kind][1], args=[number]) if number else ""


# ---- details per kind ------------------------------------------------------------------------


def _indicator(detail: dict, links) -> dict:
    key = detail.get("key", "")
    url = _item_url(key, links, "reports")
    original = detail.get("original_expected")
    places = links["places"].get(_id(key, "assignment"), 2)  # the item's 小数位数
    # 序时 0.83 起 and 实际 1 起 are not both "1 起" beside a 完成率 of 74.79%
    expected, actual = figure_pair(detail["expected"], detail["actual"], places)
    return {
        "ref": detail["ref"],
        "url": url,
        "unit": links["units"].get(_id(key, "assignment"), ""),  # 计量单位, "" when none
        "weight": plain(detail["weight"]),
        "expected": expected,
        # E by the target before an approved adjustment, shown beside the adjusted one
        "original_expected": figure(original, places) if original not in (None, "") else "",
        "report": _report(detail, links, url, places),
        "actual": actual,
        "reported": detail["actual"] is not None,
        "c": percent(detail["c"]),
        "credit": percent(detail["credit"]),
        "score": shown(detail["score"]),
    }


def _milestone_state(detail: dict) -> tuple[str, str]:
    credit = Decimal(str(detail["credit"]))
    if credit == 1:
        return _("按时完成"), "green"
    if credit > 0:
        return _("逾期完成"), "yellow"
    if detail.get("completed_on"):
        return _("截止日后完成，按未完成计"), "red"
    return _("未完成"), "red"


def _milestone(detail: dict, links) -> dict:
    state, tone = _milestone_state(detail)
    return {
        "ref": detail["ref"],
        "url": _item_url(detail.get("key", ""), links, ""),
        "due": _day(detail["due"]),
        "completed_on": _day(detail.get("completed_on")),
        "state": state,
        "tone": tone,
        "credit": plain(detail["credit"]),
    }


def _event(detail: dict, links) -> dict:
    kind = detail["kind"]
    return {
        "label": _(EVENT_LABELS[kind][0]),
        "day": _day(detail["day"]),
        "penalty": plain(detail["penalty"]),
        "url": _event_url(detail["ref"], kind, links),
    }


TIER_LABELS = ("响应", "制定方案", "解决")


def _service(detail: dict, links) -> dict:
    """The enterprise appeals behind the component: counts, rates and each tier clock."""
    satisfaction = detail.get("satisfaction_rate")
    return {
        "appeals": detail["appeals"],
        "decided": detail["decided"],
        "on_time": detail["on_time"],
        "on_time_rate": percent(detail["on_time_rate"]),
        "rated": detail["rated"],
        "satisfied": detail["satisfied"],
        "satisfaction_rate": percent(satisfaction) if satisfaction is not None else "",
        "credit": percent(detail["credit"]),
        "tiers": [
            {"label": _(label), "on_time": on_time, "decided": decided}
            for label, (on_time, decided) in zip(TIER_LABELS, detail["tiers"], strict=True)
        ],
    }


def service_formula(detail: dict) -> str:
    """ "按时办结率 80.00%×60% + 满意率 90.00%×40% = 84.00%，× 分值 10.00 = 8.40" in words."""
    on_time = percent(detail["on_time_rate"])
    if detail.get("satisfaction_rate") is None:
        return _("本期诉求均未评价，按时办结率 %(o)s 即得分率") % {"o": on_time}
    values = {
        "o": on_time,
        "ow": share(engine.SERVICE_ON_TIME_WEIGHT),
        "s": percent(detail["satisfaction_rate"]),
        "sw": share(engine.SERVICE_SATISFACTION_WEIGHT),
        "c": percent(detail["credit"]),
    }
    return _("按时办结率 %(o)s×%(ow)s + 满意率 %(s)s×%(sw)s = %(c)s") % values


def kind_method(kind: str) -> str:
    """How a component of a kind other than indicators scores (the method is fixed)."""
    if kind == ComponentKind.ENTERPRISE_SERVICE:
        return _(
            "按本单位承办的企业诉求计：得分率 = 按时办结率×%(ow)s + 满意率×%(sw)s（诉求均未评价的，"
            "按时办结率即得分率）；按时办结率为响应、制定方案、解决三个时限中已到期或已办理的按时办理"
            "比例，满意率为评价“基本满意”及以上的比例；本期无诉求的不计满分，按无考核内容折算"
        ) % {
            "ow": share(engine.SERVICE_ON_TIME_WEIGHT),
            "sw": share(engine.SERVICE_SATISFACTION_WEIGHT),
        }
    if kind == ComponentKind.SUPERVISION:
        return _("满分扣减：催办扣1分、督办单扣2分、通报扣3分、约谈扣5分，扣完为止")
    if kind == ComponentKind.MANUAL:
        return _("按录入的评议得分计")
    if kind == ComponentKind.MILESTONES:
        return _("按期完成计1、逾期完成计0.5、未完成计0，按到期节点平均")
    return ""


def _method_text(component: Component | None, kind: str = "") -> str:
    if component is None or component.kind != ComponentKind.INDICATORS:
        return kind_method(component.kind if component is not None else kind)
    if component.method == Method.LINEAR_FLOOR:
        return _("设保底线性：完成率低于 %(f)s 不得分，其上按比例计分") % {
            "f": percent(component.floor)
        }
    return str(Method(component.method).label)


def _formula(part: dict, details: list[dict]) -> str:
    points, score, kind = shown(part["points"]), part["score"], part["kind"]
    if part.get("filled"):
        return fill_note(part)
    if kind in (ComponentKind.INDICATORS, ComponentKind.MILESTONES) and not details:
        # published before 3.10 changed (full points then), or a unit with nothing to assess
        if Decimal(str(part["score"])) == Decimal(str(part["points"])):
            return _("本期无考核内容，按当时的规则计满分 %(p)s") % {"p": points}
        return _("本期无考核内容")
    if kind == ComponentKind.INDICATORS:
        return _("各指标得分 = 分值 %(p)s × 权重占比 × 计分系数，合计 %(s)s") % {
            "p": points,
            "s": score,
        }
    if kind == ComponentKind.MILESTONES:
        total = sum((Decimal(str(d["credit"])) for d in details), Decimal(0))
        values = {"p": points, "c": plain(total), "n": len(details), "s": score}
        return _("%(p)s × 节点得分合计 %(c)s ÷ %(n)s 个到期节点 = %(s)s") % values
    if kind == ComponentKind.ENTERPRISE_SERVICE:
        if not details:
            return _("本期无企业诉求")
        return _("%(formula)s，× 分值 %(p)s = %(s)s") % {
            "formula": service_formula(details[0]),
            "p": points,
            "s": score,
        }
    if kind == ComponentKind.SUPERVISION:
        penalty = sum((Decimal(str(d["penalty"])) for d in details), Decimal(0))
        return _("%(p)s − 扣分 %(d)s = %(s)s（不低于 0）") % {
            "p": points,
            "d": plain(penalty),
            "s": score,
        }
    entered = [d for d in details if "entered" in d]
    if entered:
        return _("录入得分 %(e)s") % {"e": shown(entered[0]["entered"])}
    return _("未录入，计 0 分")


def _appeal(details: list[dict]) -> dict | None:
    for detail in details:
        if "appeal" in detail:
            return {
                "ref": detail["appeal"],
                "original": shown(detail["original"]),
                "adjusted": shown(detail["adjusted"]),
                "reason": detail.get("reason", ""),
            }
    return None


BUILDERS = {
    ComponentKind.INDICATORS: _indicator,
    ComponentKind.MILESTONES: _milestone,
    ComponentKind.SUPERVISION: _event,
    ComponentKind.ENTERPRISE_SERVICE: _service,
}


def _component(part: dict, meta: Component | None, links) -> dict:
    details = [d for d in part["details"] if "appeal" not in d]
    build = BUILDERS.get(part["kind"])
    return {
        "code": part["code"],
        "name": part["name"],
        "kind": part["kind"],
        "kind_label": str(ComponentKind(part["kind"]).label)
        if part["kind"] in ComponentKind.values
        else part["kind"],
        "points": part["points"],
        "score": part["score"],
        "method": _method_text(meta, part["kind"]),
        "formula": _formula(part, details),
        "filled": bool(part.get("filled")),
        "basis": fill_basis(part),
        "details": [build(d, links) for d in details] if build else [],
        "appeal": _appeal(part["details"]),
    }


def _score_items(data: Standing, row: dict) -> list[dict]:
    """The bonus, deduction and veto items behind the figures: frozen in the snapshot (results
    published before snapshots kept them fall back to the items approved before publication)."""
    labels = dict(ItemKind.choices)
    if "items" in row:
        return [
            {
                "kind": item["kind"],
                "label": labels.get(item["kind"], item["kind"]),
                "points": plain(Decimal(item["points"])),
                "reason": item["reason"],
            }
            for item in sorted(row["items"], key=lambda i: list(labels).index(i["kind"]))
        ]
    unit_code = row["unit_code"]
    items = ScoreItem.objects.filter(
        scheme_code=data.scheme.code,
        period=data.period.code,
        unit__code=unit_code,
        approved=True,
    )
    if data.result is not None:
        items = items.filter(created_at__lte=data.result["published_at"])
    return [
        {"kind": kind, "label": labels[kind], "points": plain(points), "reason": reason}
        for kind, points, reason in items.order_by("kind", "id").values_list(
            "kind", "points", "reason"
        )
    ]


def scorecard(data: Standing, unit_code: str) -> dict:
    """The unit's standing, trend and point-by-point breakdown."""
    row = unit_row(data, unit_code)
    scheme_id = data.result["scheme_id"] if data.result else data.scheme.pk
    metas = {c.code: c for c in Component.objects.filter(scheme_id=scheme_id)}
    links = _links(row)
    scheme = data.scheme
    capped = (  # reached the 优秀 line but beyond the quota: 良好
        scheme.excellent_share is not None
        and row["grade"] == "良好"
        and Decimal(row["total"]) >= scheme.excellent_threshold
    )
    components = [_component(c, metas.get(c["code"]), links) for c in row["components"]]
    for component in components:  # a work component of a unit with nothing to assess: "—"
        kind = component["kind"]
        empty = row["rank"] is None and (
            kind in engine.WORK_KINDS
            or (kind == ComponentKind.ENTERPRISE_SERVICE and not component["details"])
        )
        component["shown_score"] = "—" if empty else component["score"]
    return {
        "unit_code": unit_code,
        "unit": row["unit"],
        "leaders": row.get("leaders", []),
        "assessed": row["rank"] is not None,  # False: 本期无考核内容, not ranked
        "rank": row["rank"],
        "count": len(data.rows),
        "total": row["total"],
        "grade": row["grade"],
        "tone": GRADE_TONES.get(row["grade"], "grey"),
        "veto": row["veto"],
        "gap": row["gap"],
        "bonus": row["bonus"],
        "deduction": row["deduction"],
        "trend": unit_trend(data, unit_code),
        "components": components,
        "items": _score_items(data, row),
        "capped": capped,
    }
