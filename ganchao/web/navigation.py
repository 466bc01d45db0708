"""The side navigation, declared as data: each entry shows only to the roles it serves and only
for sections that exist."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganchao.orgs.choices import Role


@dataclass
class NavEntry:
    label: str
    url_name: str = ""
    visible: object = None  # callable(scope) -> bool
    children: list["NavEntry"] = field(default_factory=list)


def staff(scope):
    return scope.is_staff_user


def admins(scope):
    return scope.has(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def system_admin(scope):
    return scope.has(Role.SYSTEM_ADMIN)


def auditor(scope):
    return scope.has(Role.AUDITOR)


NAV = [
    NavEntry(_("首页"), "web:home", staff),
    NavEntry(
        _("单位与领导"),
        children=[
            NavEntry(_("单位目录"), "orgs:unit_tree", staff),
            NavEntry(_("领导分工"), "orgs:leader_list", staff),
        ],
    ),
    NavEntry(
        _("系统管理"),
        children=[
            NavEntry(_("用户管理"), "orgs:user_list", admins),
            NavEntry(_("单位表导入导出"), "orgs:unit_import", system_admin),
            NavEntry(_("工作日历"), "workcal:calendar", staff),
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


def build_nav(scope, current_path: str) -> list[dict]:
    def entry(item: NavEntry) -> dict | None:
        if item.children:
            children = [c for c in (entry(child) for child in item.children) if c]
            return {"label": item.label, "children": children} if children else None
        if not item.visible(scope):
            return None
        return {"label": item.label, "url": reverse(item.url_name), "active": False}

    sections = [e for e in (entry(item) for item in NAV) if e]
    _mark_active(sections, current_path)
    return sections


def _mark_active(sections: list[dict], current_path: str) -> None:
    """Only the entry whose address is the longest prefix of the current page is active."""
    leaves = [leaf for section in sections for leaf in (section.get("children") or [section])]
    matching = [
        leaf
        for leaf in leaves
        if current_path == leaf["url"]
        or (leaf["url"] != "/" and current_path.startswith(leaf["url"]))
    ]
    if matching:
        max(matching, key=lambda leaf: len(leaf["url"]))["active"] = True
