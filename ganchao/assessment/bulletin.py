"""The assessment bulletin (通报): its context as plain rows and its rendering from a .docx
template in a sandboxed Jinja environment with autoescape on (DESIGN.md part 2; MACHINE_NOTES:
a unit name with & must not corrupt the document, and an office-supplied template is data,
never code). No model instance ever reaches the template."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import engine, periods
from ganchao.assessment.choices import ItemKind
from ganchao.assessment.docx import BUILTIN_TEMPLATE, render
from ganchao.assessment.models import BulletinIssue, BulletinTemplate, Result, ScoreItem
from ganchao.assessment.periods import AssessmentPeriod, parse
from ganchao.assessment.selectors import SCORED_ROLES
from ganchao.assessment.selectors_appeals import appeal_deadline
from ganchao.common import numbers
from ganchao.common.errors import ValidationFailed
from ganchao.goals.choices import Direction, ItemType, PlanState, Status
from ganchao.goals.models import Assignment
from ganchao.goals.precision import display_places, figure
from ganchao.ladder.choices import OPEN_STATES, NoticeState
from ganchao.ladder.documents import chinese_date, plain_date
from ganchao.ladder.models import BulletinListing, SupervisionNotice
from ganchao.orgs.models import Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_LINE_UNITS = 36
GRADES = (engine.EXCELLENT, engine.GOOD, engine.PASS, engine.FAIL)

SYNTAX_HELP = gettext_lazy(
    "模板使用 docxtpl 语法：{{ 变量 }} 输出文字；整段循环写 {%p for x in 列表 %} … {%p endfor %}；"
    "表格逐行循环写 {%tr for r in rows %} … {%tr endfor %}；按组成项逐列循环写 "
    "{%tc for c in components %} … {%tc endfor %}；条件写 {%p if 列表 %} … {%p else %} … "
    "{%p endif %}。模板在安全沙箱中生成，只能读取下列数据，不能执行代码。"
)

# The variables every bulletin template may use (shown on the template page).
CONTEXT_DOC = [
    ("organ", gettext_lazy("发文机关标志，如“赶超市督查室文件”")),
    ("issuer", gettext_lazy("发文机关署名（落款），如“赶超市督查室”")),
    ("number", gettext_lazy("文号，如“赶督通〔2026〕3号”")),
    ("title", gettext_lazy("标题，如“关于2026年第二季度乡镇季度考核结果的通报”")),
    ("title_lines", gettext_lazy("标题分行（过长时在“关于……”之后回行），供逐行排版")),
    ("addressee", gettext_lazy("主送机关")),
    ("issued_on", gettext_lazy("成文日期（汉字），如“二〇二六年七月十日”")),
    ("issued_on_plain", gettext_lazy("成文日期（数字），如“2026年7月10日”")),
    ("scheme_name / scheme_code", gettext_lazy("考核方案名称、编码")),
    ("scheme_version / result_revision", gettext_lazy("方案版本、结果版本")),
    ("period / period_label", gettext_lazy("考核期间，如“2026-Q2” / “2026年第二季度”")),
    ("category", gettext_lazy("参评单位类别")),
    ("cutoff", gettext_lazy("数据截止日期")),
    ("unit_count", gettext_lazy("参评单位数")),
    ("intro / summary / commendation / table_note", gettext_lazy("已拼好的正文段落")),
    ("components", gettext_lazy("组成项列表，每项有 name（名称）、points（分值）")),
    (
        "rows",
        gettext_lazy(
            "排名表，每行有 rank、unit、unit_code、total、grade、veto（是否一票否决）、"
            "grade_text（等次，否决时注明）、adjustment（加减分）、gap（与第一名差距）、"
            "scores（各组成项得分，与 components 一一对应）"
        ),
    ),
    ("excellent_units", gettext_lazy("考核等次为优秀的单位名称列表")),
    ("bonuses", gettext_lazy("经审定的加分事项，每项有 no、unit、reason、points")),
    (
        "lagging",
        gettext_lazy(
            "严重滞后事项，每项有 no、unit、item、kind（indicator 指标 / task 任务）、detail"
        ),
    ),
    (
        "appeal_deadline / appeal_note",
        gettext_lazy("申诉截止日期，如“2026年10月16日”；含截止日期的申诉说明句"),
    ),
    (
        "overdue_notices",
        gettext_lazy("逾期未办结的督办单，每项有 no、unit、number、title、due、state"),
    ),
    (
        "listings",
        gettext_lazy("本期通报的督办事项，每项有 no、unit、number、title、dated、ordinal"),
    ),
]


# ---- plain values --------------------------------------------------------------------------


def period_label(code: str) -> str:
    """As on the pages, but a year reads 2026年度 in an official document."""
    return f"{code}年度" if "-" not in code else periods.period_label(code)


def issuer_name() -> str:
    """The office's name in the 落款: the setting GANCHAO_BULLETIN_ISSUER, or the root unit's
    name followed by 督查室."""
    configured = str(getattr(settings, "GANCHAO_BULLETIN_ISSUER", "") or "")
    if configured:
        return configured
    root = Unit.objects.filter(parent__isnull=True).order_by("path").values_list("name", flat=True)
    return _("%(root)s督查室") % {"root": root.first() or settings.GANCHAO_CITY_NAME}


def _width(text: str) -> int:
    """Half-width units: a Chinese character counts 2, a digit or Latin letter 1."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def title_lines(title: str, head: str) -> list[str]:
    """The title on one line when it fits the 2号 line (about 18 characters), else broken
    after its head ("关于2026年第二季度") so that no word is split (GB/T 9704 7.3.3: 梯形)."""
    if _width(title) <= TITLE_LINE_UNITS or not title.startswith(head):
        return [title]
    return [head, title[len(head) :]]


def _numbered(rows: list[dict]) -> list[dict]:
    return [{"no": index, **row} for index, row in enumerate(rows, start=1)]


# ---- rankings ------------------------------------------------------------------------------


def ranking_rows(snapshot: list[dict]) -> list[dict]:
    rows = []
    for row in snapshot:
        adjustment = Decimal(row["bonus"]) - Decimal(row["deduction"])
        rows.append(
            {
                "rank": row["rank"],
                "unit": row["unit"],
                "unit_code": row["unit_code"],
                "total": row["total"],
                "grade": row["grade"],
                "veto": bool(row["veto"]),
                "grade_text": _("%(grade)s（一票否决）") % {"grade": row["grade"]}
                if row["veto"]
                else row["grade"],
                "adjustment": numbers.signed(adjustment),
                "gap": row["gap"],
                "scores": [c["score"] for c in row["components"]],
            }
        )
    return rows


def _summary(rows: list[dict], label: str) -> str:
    counts = [(g, sum(1 for r in rows if r["grade"] == g)) for g in GRADES]
    parts = "、".join(f"{grade}{n}个" for grade, n in counts if n)
    vetoes = sum(1 for r in rows if r["veto"])
    text = _("%(label)s参评单位共%(n)s个，其中%(parts)s") % {
        "label": label,
        "n": len(rows),
        "parts": parts,
    }
    if vetoes:
        text += _("（含一票否决%(n)s个）") % {"n": vetoes}
    text += "。"
    if rows:
        text += _("%(unit)s以%(total)s分位列第一。") % {
            "unit": rows[0]["unit"],
            "total": rows[0]["total"],
        }
    return text


def unassessed_sentence(unassessed: list[dict]) -> str:
    """One sentence on the units with nothing to assess (not ranked, no grade); "" for none."""
    names = [row["unit"] for row in unassessed]
    if not names:
        return ""
    if len(names) == 1:
        return _("%(unit)s本期没有考核指标和到期节点，不参加排名。") % {"unit": names[0]}
    return _("%(units)s等%(n)s个单位本期没有考核指标和到期节点，不参加排名。") % {
        "units": "、".join(names),
        "n": len(names),
    }


def _commendation(excellent: list[str], has_bonuses: bool, lagging: dict | None = None) -> str:
    """The praise of the 优秀 units, qualified for any of them that still has items 严重滞后 in
    the same bulletin (praise beside four lagging items would read as a contradiction)."""
    if not excellent:
        text = _("本期无考核等次为优秀的单位。")
    elif len(excellent) == 1:
        text = _("对考核等次为优秀的%(unit)s予以通报表扬。") % {"unit": excellent[0]}
    else:
        text = _("对考核等次为优秀的%(units)s等%(n)s个单位予以通报表扬。") % {
            "units": "、".join(excellent),
            "n": len(excellent),
        }
    lagging = lagging or {}
    text += "".join(_lagging_caveat(unit, lagging.get(unit, [])) for unit in excellent)
    if has_bonuses:
        text += _("经审定，下列单位获得加分：")
    return text


def _lagging_caveat(unit: str, own: list[dict]) -> str:
    """“甲镇考核等次为优秀，但仍有4项指标严重滞后，须加快推进。”, or "" when none lags."""
    if not own:
        return ""
    kinds = {row["kind"] for row in own}
    if kinds == {ItemType.INDICATOR}:
        what = _("%(n)d项指标") % {"n": len(own)}
    elif kinds == {ItemType.TASK}:
        what = _("%(n)d项任务") % {"n": len(own)}
    else:
        what = _("%(n)d项目标任务") % {"n": len(own)}
    return _("%(unit)s考核等次为优秀，但仍有%(what)s严重滞后（见“存在的问题”），须加快推进。") % {
        "unit": unit,
        "what": what,
    }


# ---- lagging items, notices, listings and bonuses ------------------------------------------


def _figures(expected, actual, places: int) -> tuple[str, str]:
    """Both figures to the item's display precision (goals.precision) — unless rounding would
    make a lagging value look met (0.83起 and 1起 both "1起"): then to two places, trailing zeros
    dropped (0.83起, 1起)."""
    shown = figure(expected, places), figure(actual, places)
    if None in (expected, actual) or shown[0] != shown[1] or Decimal(expected) == Decimal(actual):
        return shown
    finer = numbers.plain(expected, places=2), numbers.plain(actual, places=2)
    return finer if finer[0] != finer[1] else shown


def _detail(expected, actual, measure: str, places: int, since, direction: str = "") -> str:
    """“序时目标3,000人，实际完成2,400人，自2026年5月12日起严重滞后”: the figures as `_figures`
    gives them; an indicator where less is better (逆向, e.g. 事故起数) reads “序时目标不超过0.83起，
    实际为1起” — nobody “completes” an accident."""
    e, a = _figures(expected, actual, places)
    negative = direction == Direction.NEGATIVE
    parts = []
    if expected is not None:
        text = _("序时目标不超过%(v)s%(m)s") if negative else _("序时目标%(v)s%(m)s")
        parts.append(text % {"v": e, "m": measure})
    if actual is not None:
        text = _("实际为%(v)s%(m)s") if negative else _("实际完成%(v)s%(m)s")
        parts.append(text % {"v": a, "m": measure})
    if since is not None:
        parts.append(_("自%(day)s起严重滞后") % {"day": plain_date(since)})
    return "，".join(parts) or _("严重滞后")


def lagging_rows(unit_codes: list[str], year: int, cutoff) -> list[dict]:
    """Assignments still 严重滞后 that already were by the result's cut-off (a spell that began
    after it belongs to the next bulletin)."""
    rows = (
        Assignment.objects.filter(SCORED_ROLES, unit__code__in=unit_codes, status=Status.RED)
        .filter(item__plan__year=year, red_since__lte=cutoff)
        .exclude(item__plan__state=PlanState.DRAFT)
        .order_by("unit__code", "item__sort_key", "id")
        .values_list(
            "unit__name", "unit__code", "item__code", "item__name", "item__type", "expected", "actual",
            "item__measure_unit", "item__decimal_places", "item__direction", "red_since",
        )
    )  # fmt: skip
    return _numbered(
        [
            {
                "unit": unit,
                "unit_code": unit_code,
                "item": f"{code} {name}",
                "kind": kind,
                "detail": _detail(e, a, measure, display_places(places, measure), since, direction),
            }
            for unit, unit_code, code, name, kind, e, a, measure, places, direction, since in rows
        ]
    )


def overdue_notice_rows(unit_codes: list[str], day) -> list[dict]:
    rows = (
        SupervisionNotice.objects.filter(
            unit__code__in=unit_codes, state__in=OPEN_STATES, response_due__lt=day
        )
        .order_by("response_due", "id")
        .values_list("unit__name", "number", "title", "response_due", "state")
    )
    return _numbered(
        [
            {
                "unit": unit,
                "number": number or _("未编号"),
                "title": title,
                "due": plain_date(due),
                "state": str(NoticeState(state).label),
            }
            for unit, number, title, due, state in rows
        ]
    )


def listing_rows(unit_codes: list[str], period: AssessmentPeriod) -> list[dict]:
    rows = (
        BulletinListing.objects.filter(
            unit__code__in=unit_codes, dated__range=(period.start, period.end)
        )
        .order_by("dated", "id")
        .values_list("unit__name", "notice__number", "notice__title", "dated", "ordinal")
    )
    return _numbered(
        [
            {
                "unit": unit,
                "number": number or _("未编号"),
                "title": title,
                "dated": plain_date(dated),
                "ordinal": ordinal,
            }
            for unit, number, title, dated, ordinal in rows
        ]
    )


def bonus_rows(scheme_code: str, period_code: str, unit_codes: list[str]) -> list[dict]:
    rows = (
        ScoreItem.objects.filter(
            scheme_code=scheme_code,
            period=period_code,
            kind=ItemKind.BONUS,
            approved=True,
            unit__code__in=unit_codes,
        )
        .order_by("unit__code", "id")
        .values_list("unit__name", "reason", "points")
    )
    return _numbered(
        [
            {"unit": u, "reason": reason, "points": numbers.plain(p, places=2)}
            for u, reason, p in rows
        ]
    )


# ---- the whole context ---------------------------------------------------------------------


def _lagging_by_unit(rows: list[dict], lagging: list[dict]) -> dict[str, list[dict]]:
    """The lagging items of each ranked unit, under its name as published (matched by code)."""
    by_code: dict[str, list[dict]] = {}
    for row in lagging:
        by_code.setdefault(row["unit_code"], []).append(row)
    return {row["unit"]: by_code.get(row["unit_code"], []) for row in rows}


def appeal_note(result, issued_on=None) -> str:
    """The appeal sentence with the actual last day of the window (DESIGN.md 3.10 appeals); a
    bulletin issued after that day does not invite appeals by a date already past."""
    deadline = appeal_deadline(result)
    if issued_on is not None and deadline < issued_on:
        return _("本期考核结果的申诉期已于%(day)s届满。") % {"day": plain_date(deadline)}
    return _("对考核结果有异议的，请于%(day)s前通过平台提出申诉，逾期不再受理。") % {
        "day": plain_date(deadline)
    }


def _texts(scheme, result, rows: list[dict], issuer: str) -> dict:
    label = period_label(result.period)
    category = scheme.category.name
    intro = _(
        "根据《%(scheme)s》，%(issuer)s对%(category)s%(n)s个参评单位%(label)s的目标任务"
        "推进情况进行了量化考核（数据截至%(cutoff)s，结果第%(rev)s版）。现将考核结果通报如下："
    ) % {
        "scheme": scheme.name,
        "issuer": issuer,
        "category": category,
        "n": len(rows),
        "label": label,
        "cutoff": plain_date(result.cutoff),
        "rev": result.result_revision,
    }
    title = _("关于%(label)s%(scheme)s结果的通报") % {"label": label, "scheme": scheme.name}
    return {
        "title": title,
        "title_lines": title_lines(title, _("关于%(label)s") % {"label": label}),
        "addressee": _("%(category)s各参评单位：") % {"category": category},
        "period_label": label,
        "category": category,
        "intro": intro,
        "summary": _summary(rows, label) + unassessed_sentence(result.unassessed),
        "table_note": _(
            "注：各组成项得分保留两位小数，合计可能与总分略有出入；总分相同的单位名次并列；"
            "一票否决的单位排在其他单位之后，等次为不合格。"
        ),
    }


def _components(snapshot: list[dict]) -> list[dict]:
    first = snapshot[0]["components"] if snapshot else []
    return [{"name": c["name"], "points": numbers.plain(c["points"], places=2)} for c in first]


def bulletin_context(issue: BulletinIssue) -> dict:
    """Everything the template may use, as plain strings, numbers, lists and dicts."""
    result = issue.result
    scheme = result.scheme
    period = parse(result.period, scheme.period_type)
    codes = [row["unit_code"] for row in result.snapshot]
    issuer = issuer_name()
    rows = ranking_rows(result.snapshot)
    bonuses = bonus_rows(result.scheme_code, result.period, codes)
    excellent = [r["unit"] for r in rows if r["grade"] == engine.EXCELLENT]
    lagging = lagging_rows(codes, period.year, result.cutoff)
    return {
        "organ": _("%(issuer)s文件") % {"issuer": issuer},
        "issuer": issuer,
        "number": issue.number,
        "issued_on": chinese_date(issue.issued_on),
        "issued_on_plain": plain_date(issue.issued_on),
        "scheme_name": scheme.name,
        "scheme_code": result.scheme_code,
        "scheme_version": result.scheme_version,
        "result_revision": result.result_revision,
        "period": result.period,
        "cutoff": plain_date(result.cutoff),
        "unit_count": len(rows),
        **_texts(scheme, result, rows, issuer),
        "components": _components(result.snapshot),
        "rows": rows,
        "excellent_units": excellent,
        "commendation": _commendation(excellent, bool(bonuses), _lagging_by_unit(rows, lagging)),
        "bonuses": bonuses,
        "lagging": lagging,
        "appeal_deadline": plain_date(appeal_deadline(result)),
        "appeal_note": appeal_note(result, issue.issued_on),
        "overdue_notices": overdue_notice_rows(codes, issue.issued_on),
        "listings": listing_rows(codes, period),
    }


# ---- pages ---------------------------------------------------------------------------------


def published_periods() -> list[dict]:
    """The latest published revision of every scheme and period, newest period first, with
    the bulletin already issued for it (two queries whatever the number of results)."""
    latest: dict[tuple[str, str], dict] = {}
    for row in Result.objects.order_by("-period", "scheme_code", "-result_revision").values(
        "id", "scheme_code", "period", "result_revision", "published_at", "scheme__name"
    ):
        latest.setdefault((row["scheme_code"], row["period"]), row)
    numbers = dict(
        BulletinIssue.objects.filter(result_id__in=[r["id"] for r in latest.values()]).values_list(
            "result_id", "number"
        )
    )
    return [
        {**row, "period_label": period_label(row["period"]), "number": numbers.get(row["id"])}
        for row in latest.values()
    ]


def issues():
    return BulletinIssue.objects.select_related("result__scheme", "issued_by").order_by(
        "-issued_at", "-id"
    )


# ---- templates -----------------------------------------------------------------------------


def active_template() -> BulletinTemplate | None:
    """The office's own template in use, or None for the built-in one."""
    return BulletinTemplate.objects.filter(active=True).select_related("uploaded_by").first()


def template_bytes(row: BulletinTemplate | None) -> bytes:
    """The template's content; an uploaded one is re-verified against its hash."""
    if row is None:
        return BUILTIN_TEMPLATE.read_bytes()
    try:
        with default_storage.open(row.file.name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValidationFailed.on(
            "template",
            _("通报模板“%(name)s”的文件缺失，请重新上传或恢复内置模板")
            % {"name": row.original_name},
        ) from exc
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ValidationFailed.on(
            "template",
            _("通报模板“%(name)s”的文件校验不符（可能被改动），请重新上传或恢复内置模板")
            % {"name": row.original_name},
        )
    return data


def issue_document(issue: BulletinIssue) -> bytes:
    """The .docx of an issued bulletin from the active template; an official document, so in
    the site's language (Chinese) whatever the interface language of the user asking."""
    with translation.override(settings.LANGUAGE_CODE):
        context = bulletin_context(issue)
    return render.render(template_bytes(active_template()), context)


def issue_filename(issue: BulletinIssue) -> str:
    return f"{issue.number}.docx"


def sample_context() -> dict:
    """A context of the real shape (three units, one of them vetoed, a name with &) against
    which an uploaded template must render before it is accepted."""
    components = [("指标完成", "50"), ("节点完成", "30"), ("督办情况", "20")]
    rows = [
        ("1", "乙镇", "98.00", "优秀", False, ["50.00", "30.00", "20.00"], "−2.00"),
        ("2", "甲镇 & 开发区", "90.92", "优秀", False, ["46.67", "26.25", "17.00"], "+1.00"),
        ("3", "丙镇", "72.00", "不合格", True, ["25.00", "30.00", "17.00"], "—"),
    ]
    issuer = _("赶超市督查室")
    return {
        "organ": _("赶超市督查室文件"), "issuer": issuer, "number": "赶督通〔2026〕1号",
        "title": _("关于2026年第二季度乡镇季度考核结果的通报"),
        "title_lines": [_("关于2026年第二季度"), _("乡镇季度考核结果的通报")],
        "addressee": _("乡镇各参评单位："), "issued_on": "二〇二六年七月十日",
        "issued_on_plain": "2026年7月10日", "scheme_name": _("乡镇季度考核"),
        "scheme_code": "TOWNS", "scheme_version": 1, "result_revision": 1, "period": "2026-Q2",
        "period_label": "2026年第二季度", "category": _("乡镇"), "cutoff": "2026年7月7日",
        "unit_count": 3, "intro": _("根据考核方案，现将考核结果通报如下："),
        "summary": _("参评单位共3个。"), "table_note": _("注：……"),
        "commendation": _("对考核等次为优秀的乙镇、甲镇 & 开发区等2个单位予以通报表扬。"),
        "components": [{"name": n, "points": p} for n, p in components],
        "rows": [
            {"rank": int(rank), "unit": unit, "unit_code": f"T0{rank}", "total": total,
             "grade": grade, "veto": veto, "grade_text": f"{grade}（一票否决）" if veto else grade,
             "adjustment": adjustment, "gap": "0.00", "scores": scores}
            for rank, unit, total, grade, veto, scores, adjustment in rows
        ],
        "excellent_units": ["乙镇", "甲镇 & 开发区"],
        "bonuses": [{"no": 1, "unit": "甲镇 & 开发区", "reason": _("省级表彰"), "points": "1"}],
        "lagging": [
            {"no": 1, "unit": "丙镇", "item": "4 事项", "kind": "task", "detail": _("严重滞后")}
        ],
        "appeal_deadline": "2026年7月17日",
        "appeal_note": _("对考核结果有异议的，请于2026年7月17日前通过平台提出申诉，逾期不再受理。"),
        "overdue_notices": [
            {"no": 1, "unit": "丙镇", "number": "赶督〔2026〕2号", "title": _("督办单"),
             "due": "2026年6月1日", "state": _("已签发待回复")}
        ],
        "listings": [
            {"no": 1, "unit": "丙镇", "number": "赶督〔2026〕2号", "title": _("督办单"),
             "dated": "2026年6月1日", "ordinal": 1}
        ],
    }  # fmt: skip


def template_check(data: bytes, name: str) -> None:
    """Refuse an uploaded template that is no .docx or does not render in the sandbox."""
    render.check_template(data, name, sample_context())
