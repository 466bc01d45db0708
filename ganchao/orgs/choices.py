"""Unit types, the allowed parent of each, and roles (DESIGN.md 3.4 and part 1 "Users")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DEPARTMENT = "department", _("部门")
    TOWN = "town", _("镇")
    STREET = "street", _("街道")
    PARK = "park", _("园区")
    DISTRICT = "district", _("区")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


# The sheet's Chinese words, fixed by the contract whatever the interface language.
UNIT_TYPE_BY_WORD = {
    "省": UnitType.PROVINCE,
    "市": UnitType.CITY,
    "部门": UnitType.DEPARTMENT,
    "镇": UnitType.TOWN,
    "街道": UnitType.STREET,
    "园区": UnitType.PARK,
    "区": UnitType.DISTRICT,
    "村": UnitType.VILLAGE,
    "社区": UnitType.COMMUNITY,
    "网格": UnitType.GRID,
}
WORD_BY_UNIT_TYPE = {value: word for word, value in UNIT_TYPE_BY_WORD.items()}

ROOT_TYPES = {UnitType.PROVINCE, UnitType.CITY}
ALLOWED_PARENTS: dict[str, set[str]] = {
    UnitType.CITY: {UnitType.PROVINCE},
    UnitType.DEPARTMENT: {UnitType.CITY, UnitType.DISTRICT},
    UnitType.TOWN: {UnitType.CITY, UnitType.DISTRICT},
    UnitType.STREET: {UnitType.CITY, UnitType.DISTRICT},
    UnitType.PARK: {UnitType.CITY, UnitType.DISTRICT},
    UnitType.DISTRICT: {UnitType.CITY, UnitType.DISTRICT},
    UnitType.VILLAGE: {UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DISTRICT},
    UnitType.COMMUNITY: {UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DISTRICT},
    UnitType.GRID: {UnitType.VILLAGE, UnitType.COMMUNITY},
}
# Grassroots units: the ones the burden meter and the town/village views are about.
GRASSROOTS_TYPES = {
    UnitType.TOWN,
    UnitType.STREET,
    UnitType.PARK,
    UnitType.VILLAGE,
    UnitType.COMMUNITY,
}


def parent_allowed(child_type: str, parent_type: str | None) -> bool:
    if parent_type is None:
        return child_type in ROOT_TYPES
    return parent_type in ALLOWED_PARENTS.get(child_type, set())


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    OFFICE = "office", _("督查室")
    LEADER = "leader", _("市级领导")
    UNIT_HEAD = "unit_head", _("单位负责人")
    LIAISON = "liaison", _("单位联络员")
    LEGALITY_REVIEWER = "legality_reviewer", _("法制审核人员")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("执法人员")
    COMMISSIONER = "commissioner", _("企业服务专员")


# 三员分立: no account may combine two of these.
EXCLUSIVE_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
