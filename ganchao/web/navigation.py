"""The side navigation, declared as data: each entry shows only to the roles it serves and only
for sections that exist."""

import copy
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ganchao.orgs.choices import Role


@dataclass
class NavEntry:
    label: str
    url_name: str = ""
    # callable(scope) -> bool, reading the scope's roles only (navigation() keeps the entries
    # per role set)
    visible: object = None
    children: list["NavEntry"] = field(default_factory=list)


def staff(scope):
    """Business sections: every staff user but the administrators (三员分立, LEGAL_RULES C5)."""
    return scope.is_staff_user


def directory(scope):
    """The home page, messages, units, leaders and the calendar: staff and the system and
    security administrators."""
    return scope.reads_directory


def office_or_leader(scope):
    return scope.has(Role.OFFICE, Role.LEADER)


def office(scope):
    return scope.has(Role.OFFICE)


def unit_user(scope):
    """Users who report for their units (联络员, 单位负责人)."""
    return scope.has(Role.LIAISON, Role.UNIT_HEAD)


def admins(scope):
    return scope.has(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def system_admin(scope):
    return scope.has(Role.SYSTEM_ADMIN)


def security_admin(scope):
    return scope.has(Role.SECURITY_ADMIN)


def administrators(scope):
    """The three administrators: each may approve another's password reset (三员分立)."""
    return scope.has(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)


def auditor(scope):
    return scope.has(Role.AUDITOR)


def law_staff(scope):
    """依法干: the office, leaders, legality reviewers, legal advisers and the units' staff."""
    return scope.has(
        Role.OFFICE,
        Role.LEADER,
        Role.LEGALITY_REVIEWER,
        Role.LEGAL_ADVISER,
        Role.LIAISON,
        Role.UNIT_HEAD,
    )


def reviewers_or_office(scope):
    """The legality reviewers' desk: the reviewers and the office."""
    return scope.has(Role.LEGALITY_REVIEWER, Role.OFFICE)


def enforcement_staff(scope):
    """行政执法: officers and the agencies' staff, legality reviewers, the office and leaders."""
    return scope.has(
        Role.ENFORCEMENT_OFFICER,
        Role.UNIT_HEAD,
        Role.LIAISON,
        Role.LEGALITY_REVIEWER,
        Role.OFFICE,
        Role.LEADER,
    )


def enforcement_officer(scope):
    """立案: the enforcement officers (an agency's head and liaison file from the desk)."""
    return scope.has(Role.ENFORCEMENT_OFFICER)


def exceptions_readers(scope):
    """The report of every override or exception for the level above (A15)."""
    return scope.has(Role.OFFICE, Role.LEADER, Role.LEGALITY_REVIEWER)


NAV = [
    NavEntry(_("首页"), "web:home", directory),
    NavEntry(_("我的消息"), "notifications:inbox", directory),
    NavEntry(
        _("盯着干"),
        children=[
            NavEntry(_("我的工作台"), "goals:workbench", unit_user),
            NavEntry(_("目标体系"), "goals:tree", staff),
            NavEntry(_("领导视图"), "goals:leader_view", office_or_leader),
            NavEntry(_("提醒与催办"), "supervision:alert_list", staff),
            NavEntry(_("进展审核"), "goals:review_queue", office),
            NavEntry(_("目标调整审批"), "goals:adjustment_list", office),
            NavEntry(_("目标表导入导出"), "goals:goals_sheets", office),
        ],
    ),
    NavEntry(
        _("领着干"),
        children=[
            NavEntry(_("督办事项"), "supervision:matter_list", staff),
            NavEntry(_("我的待办"), "supervision:matter_inbox", unit_user),
            NavEntry(_("写批示 / 新建事项"), "supervision:matter_new", office_or_leader),
            NavEntry(_("督办台"), "ladder:desk", office),
            NavEntry(_("督办记分卡"), "supervision:scorecard_units", staff),
            NavEntry(_("督办单"), "ladder:notice_list", staff),
            NavEntry(_("约谈"), "ladder:talk_list", office_or_leader),
            NavEntry(_("调研督导"), "visits:visit_list", staff),
            NavEntry(_("督导与指导"), "visits:leader_list", office_or_leader),
            NavEntry(_("基层负担监测"), "visits:burden", office),
        ],
    ),
    NavEntry(
        _("比着干"),
        children=[
            NavEntry(_("考核排行榜"), "assessment:league", staff),
            NavEntry(_("我的考核"), "assessment:my_scorecard", unit_user),
            NavEntry(_("对标一流"), "assessment:benchmark_list", staff),
            NavEntry(_("考核申诉"), "assessment:appeal_list", staff),
            NavEntry(_("考核方案"), "assessment:scheme_list", staff),
            NavEntry(_("考核通报"), "assessment:bulletin_list", office),
            NavEntry(_("公开门户"), "portal:index", office),
        ],
    ),
    NavEntry(
        _("沉到一线"),
        # 问题台账, 服务企业, 重点项目, 量力而行 (DESIGN.md 3.14); a section without entries is
        # not shown.
        children=[
            NavEntry(_("问题台账"), "problems:ledger", staff),
            NavEntry(_("新建问题"), "problems:new", staff),
            NavEntry(_("问题台账导入导出"), "problems:sheet", office),
            NavEntry(_("企业服务"), "enterprises:list", staff),
            NavEntry(_("专员工作台"), "enterprises:desk", staff),
            NavEntry(_("企业诉求"), "enterprises:appeal_list", staff),
            NavEntry(_("服务记分卡"), "enterprises:scorecard", staff),
            NavEntry(_("重点项目"), "projects:board", staff),
            NavEntry(_("挂图作战"), "projects:gantt", staff),
            NavEntry(_("量力而行"), "fiscal:overview", staff),
        ],
    ),
    NavEntry(
        _("依法干"),
        children=[
            NavEntry(_("决策事项目录"), "decisions:catalogue_list", law_staff),
            NavEntry(_("重大行政决策"), "decisions:list", law_staff),
            NavEntry(_("合法性审查"), "decisions:review_desk", reviewers_or_office),
            NavEntry(_("决策会议"), "decisions:meeting_list", law_staff),
            NavEntry(_("专家库"), "decisions:expert_pools", law_staff),
            NavEntry(_("法律顾问"), "decisions:adviser_list", law_staff),
            NavEntry(_("法律顾问咨询"), "decisions:adviser_opinion_list", law_staff),
            NavEntry(_("决策例外情况报告"), "decisions:exceptions", exceptions_readers),
            NavEntry(_("重大行政决策设置"), "decisions:settings", office),
        ],
    ),
    NavEntry(
        _("行政执法"),
        children=[
            NavEntry(_("案件工作台"), "enforcement:desk", enforcement_staff),
            NavEntry(_("立案"), "enforcement:case_new", enforcement_officer),
            NavEntry(_("全部案件"), "enforcement:case_list", enforcement_staff),
            NavEntry(_("法制审核"), "enforcement:review_desk", reviewers_or_office),
            NavEntry(_("执法公示任务"), "enforcement:publication_tasks", enforcement_staff),
            NavEntry(_("执法监督"), "enforcement:dashboard", enforcement_staff),
            NavEntry(_("投诉举报"), "enforcement:complaint_list", enforcement_staff),
            NavEntry(_("执法检查"), "enforcement:inspection_list", enforcement_staff),
            NavEntry(_("年度执法数据"), "enforcement:annual_report_list", enforcement_staff),
            NavEntry(_("执法主体"), "enforcement:agency_list", enforcement_staff),
            NavEntry(_("执法事项"), "enforcement:matter_list", enforcement_staff),
            NavEntry(_("执法人员"), "enforcement:officer_list", enforcement_staff),
            NavEntry(_("决定书模板"), "enforcement:document_template", office),
            NavEntry(_("行政执法设置"), "enforcement:settings", office),
        ],
    ),
    NavEntry(
        _("单位与领导"),
        children=[
            NavEntry(_("单位目录"), "orgs:unit_tree", directory),
            NavEntry(_("领导分工"), "orgs:leader_list", directory),
        ],
    ),
    NavEntry(
        _("系统管理"),
        children=[
            NavEntry(_("用户管理"), "orgs:user_list", admins),
            NavEntry(_("密码重置审批"), "orgs:reset_list", administrators),
            NavEntry(_("单位表导入导出"), "orgs:unit_import", system_admin),
            NavEntry(_("工作日历"), "workcal:calendar", directory),
            NavEntry(_("发送失败的消息"), "notifications:failed", system_admin),
            # The system administrator's configuration pages of business sections it does not
            # see (三员分立): the office finds them in those sections.
            NavEntry(_("重大行政决策设置"), "decisions:settings", system_admin),
            NavEntry(_("决定书模板"), "enforcement:document_template", system_admin),
            NavEntry(_("行政执法设置"), "enforcement:settings", system_admin),
            NavEntry(_("安全策略"), "accounts:policy", security_admin),
        ],
    ),
    NavEntry(
        _("安全审计"),
        children=[
            NavEntry(_("审计日志"), "audit:event_list", auditor),
            NavEntry(_("审计链校验"), "audit:verify", auditor),
        ],
    ),
]


@dataclass(frozen=True)
class Navigation:
    """The side navigation of one page: its sections (each leaf with label, url and whether it
    is the current page's entry) and the same rendered as the layout's list items."""

    sections: list[dict]
    html: str


# Entries hold for a role set and language (and URL prefix), the active mark for a page: both
# are kept per process so a page neither reverses some 40 URL names nor renders the list
# again. Bounded: the role sets in use × languages × (leaves + 1); cleared when full.
_VISIBLE: dict[tuple, tuple[list[dict], list[str]]] = {}
_RENDERED: dict[tuple, Navigation] = {}
CACHE_SIZE = 2048


def _visible(scope, key: tuple) -> tuple[list[dict], list[str]]:
    """The entries `scope`'s roles see (labels translated, addresses reversed) and the leaves'
    addresses in order."""
    found = _VISIBLE.get(key)
    if found is None:
        sections = [e for e in (_entry(item, scope) for item in NAV) if e]
        found = (sections, [leaf["url"] for leaf in _leaves(sections)])
        _remember(_VISIBLE, key, found)
    return found


def _entry(item: NavEntry, scope) -> dict | None:
    if item.children or not item.url_name:
        children = [c for c in (_entry(child, scope) for child in item.children) if c]
        return {"label": str(item.label), "children": children} if children else None
    if not item.visible(scope):
        return None
    return {"label": str(item.label), "url": reverse(item.url_name), "active": False}


def _leaves(sections: list[dict]) -> list[dict]:
    return [leaf for section in sections for leaf in (section.get("children") or [section])]


def _remember(cache: dict, key: tuple, value) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value


def navigation(scope, current_path: str) -> Navigation:
    """The navigation of the page at `current_path` for `scope` (which depends on its roles
    only, never on its units)."""
    urlconf = get_urlconf(settings.ROOT_URLCONF)
    key = (scope.roles, scope.anonymous, get_language(), get_script_prefix(), urlconf)
    sections, urls = _visible(scope, key)
    active = _active_leaf(urls, current_path)
    found = _RENDERED.get((key, active))
    if found is None:
        marked = copy.deepcopy(sections)
        if active is not None:
            _leaves(marked)[active]["active"] = True
        # The template's output, without the file's closing line break (the layout places it).
        html = mark_safe(render_to_string("web/_nav.html", {"nav": marked}).rstrip("\n"))
        found = Navigation(marked, html)
        _remember(_RENDERED, (key, active), found)
    return found


def _active_leaf(urls: list[str], current_path: str) -> int | None:
    """Only the entry whose address is the longest prefix of the current page is active (the
    first of equals)."""
    best = None
    for index, url in enumerate(urls):
        matches = current_path == url or (url != "/" and current_path.startswith(url))
        if matches and (best is None or len(url) > len(urls[best])):
            best = index
    return best
