"""Plain-text output of the demo commands: the seed summary and the accounts table."""

import unicodedata

from ganchao.demodata.assessment_writer import summary_lines
from ganchao.demodata.decisions_writer import summary_lines as decision_lines
from ganchao.demodata.enforcement_writer import summary_lines as enforcement_lines
from ganchao.demodata.generator import DEMO_PASSWORD, SCALE_LABELS
from ganchao.demodata.grassroots_writer import summary_lines as grassroots_lines
from ganchao.demodata.services import AUDIT_TABLES, SeedResult
from ganchao.goals.choices import ItemType
from ganchao.orgs.choices import UnitType


def seed_summary(result: SeedResult, seconds: float) -> list[str]:
    data, lines = result.dataset, []
    if result.reset_tables:
        lines.append(f"已清空原有业务数据（{len(result.reset_tables)} 张表），所有用户需重新登录。")
        lines.append(f"审计日志也已清空（{'、'.join(AUDIT_TABLES)}），审计链从 #1 重新开始。")
        if result.retired_checkpoints:
            lines.append(f"原审计检查点文件已改名为 {result.retired_checkpoints}")
    counts, types = data.counts(), result.unit_types
    by_type = "、".join(
        f"{UnitType(kind).label} {types[kind]}" for kind in UnitType.values if types.get(kind)
    )
    lines += [
        f"已生成演示数据：{SCALE_LABELS[data.scale]}，种子 {data.seed}，基准日 {data.as_of.isoformat()}",
        f"  单位 {counts['units']} 个（{by_type}）",
        f"  单位类别 {counts['categories']} 个，市级领导 {counts['leaders']} 名，"
        f"分管关系 {counts['leader_areas']} 条",
        f"  演示账号 {counts['users']} 个，统一密码 {DEMO_PASSWORD}（演示账号免强制改密）",
        *plan_summary(result),
        *matter_summary(result),
        *(summary_lines(result.assessment) if result.assessment else []),
        *decision_lines(result.decisions),
        *enforcement_lines(result.enforcement),
        *grassroots_lines(result.grassroots),
        f"  审计事件 #{result.audit_seq}（seed.load），用时 {seconds:.1f} 秒",
    ]
    return lines


def plan_summary(result: SeedResult) -> list[str]:
    """The plans' lines of the seed summary (盯着干)."""
    plans = result.plans
    counts = plans.counts
    if not counts["plans"]:
        return []
    kinds = {kind: counts[str(kind)] for kind in ItemType}
    return [
        f"  {plans.year} 年度计划 {counts['plans']} 个：目标 {kinds[ItemType.GOAL]} 个、"
        f"指标 {kinds[ItemType.INDICATOR]} 个、任务 {kinds[ItemType.TASK]} 个、"
        f"节点 {counts['milestones']} 个",
        f"  任务分解 {counts['assignments']} 条，进展报送 {counts['progress_reports']} 条"
        f"（节点完成 {counts['milestone_completions']} 条）",
        "  红黄绿灯已按基准日计算"
        if result.statuses_computed
        else "  红黄绿灯将在下一次 ganchao tick 时计算",
    ]


def matter_summary(result: SeedResult) -> list[str]:
    """The matters' lines of the seed summary (领着干)."""
    c = result.matters.counts
    if not c["matters"]:
        return []
    return [
        f"  督办事项 {c['matters']} 件（交办与转办 {c['matter_hops']} 条，反馈 {c['matter_feedbacks']} 条，"
        f"延期 {c['matter_extensions']} 条，办理记录 {c['matter_events']} 条，催办 {c['alerts']} 条）",
        f"  督办单 {c['notices_issued']} 份（书面回复 {c['notice_responses']} 份），"
        f"不予督办的督办建议 {c['proposals_dismissed']} 条，通报 {c['bulletins']} 条，约谈 {c['talks']} 次",
        f"  调研督导 {c['field_visits']} 次（发现问题 {c['findings']} 个，指导事项 {c['guidance']} 条，"
        f"要求事项 {c['demands']} 条），下发要求登记 {c['burden_requests']} 条",
    ]


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [
        max(display_width(str(cell)) for cell in column)
        for column in zip(headers, *rows, strict=True)
    ]
    rule = "  ".join("-" * width for width in widths)
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(), rule]
    for row in rows:
        lines.append("  ".join(pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    return lines
