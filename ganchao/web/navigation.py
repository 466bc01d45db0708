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
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        return {"label": item.label, "url": url, "active": active}

    return [e for e in (entry(item) for item in NAV) if e]
