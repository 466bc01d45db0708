"""The decision catalogue (决策事项目录, A1) and the module's settings.

A catalogue is one version of a decision organ's year: `draft` (items added, edited, removed)
→ `approved` (the party committee's approval date and 文号 recorded) → `published`. A new
version of the same year copies the latest version's items and records its 调整说明. Only the
office manages catalogues; every signed-in staff user reads them."""

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, FieldError, Forbidden, ValidationFailed
from ganchao.common.excel import ExcelBook, ExcelFileError
from ganchao.decisions.choices import EXCLUDED_CATEGORIES, CatalogueState, Category
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import Catalogue, CatalogueItem, DecisionSettings
from ganchao.decisions.services.base import now, require_office
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

__all__ = [
    "catalogue_approve",
    "catalogue_create",
    "catalogue_item_add",
    "catalogue_items_import",
    "catalogue_item_remove",
    "catalogue_item_update",
    "catalogue_publish",
    "decision_settings_update",
]

ITEM_FIELDS = ("title", "category", "undertaking_unit", "planned_quarter", "description")
SETTINGS_FIELDS = (
    "catalogue_mode",
    "min_consultation_days",
    "hearing_materials_days",
    "min_review_working_days",
    "review_limit_working_days",
)


def _target(catalogue) -> Target:
    return Target("decisioncatalogue", str(catalogue.pk), str(catalogue)[:300])


def _record(actor, catalogue, action, changes=None, reason=""):
    audit_record(
        actor=actor,
        action=action,
        target=_target(catalogue),
        changes=changes or {},
        reason=reason,
    )


def _lock(catalogue) -> Catalogue:
    return (
        Catalogue.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=catalogue.pk)
    )


def _require_draft(catalogue) -> None:
    if catalogue.state != CatalogueState.DRAFT:
        raise Conflict(
            _("目录当前状态为“%(state)s”，事项不能再修改；如需调整，请新建一个版本")
            % {"state": CatalogueState(catalogue.state).label}
        )


def _check_category(category: str) -> None:
    if category not in Category.values:
        raise ValidationFailed.on("category", _("请选择决策事项类别"))
    if category in EXCLUDED_CATEGORIES:
        raise ProcedureBlocked.rule(
            "A1",
            _("宏观调控、政府立法和突发事件应急处置决策不列入重大行政决策事项目录（%(category)s）")
            % {"category": Category(category).label},
        )


def catalogue_create(*, actor, owner, year: int, title: str = "", adjustment_note: str = ""):
    """A new version of the owner's catalogue for the year (第1版, or the next version: it
    copies the latest version's items and needs an 调整说明)."""
    require_office(actor)
    if owner is None:
        raise ValidationFailed.on("owner", _("请选择决策机关"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", _("年度应为2000至2100之间的整数"))
    title = (title or "").strip() or _("%(owner)s%(year)s年度重大行政决策事项目录") % {
        "owner": owner.name,
        "year": year,
    }
    adjustment_note = (adjustment_note or "").strip()
    with transaction.atomic():
        previous = (
            Catalogue.objects.select_for_update(of=("self",))
            .filter(owner=owner, year=year)
            .order_by("-number")
            .first()
        )
        if previous is not None:
            if previous.state == CatalogueState.DRAFT:
                raise Conflict(
                    _("本年度第%(number)s版目录尚未公布，请直接修改该版本")
                    % {"number": previous.number}
                )
            if not adjustment_note:
                raise ValidationFailed.on("adjustment_note", _("调整目录须写明调整说明"))
        catalogue = Catalogue.objects.create(
            owner=owner,
            year=year,
            number=previous.number + 1 if previous else 1,
            title=title[:200],
            adjustment_note=adjustment_note,
            created_by=actor,
        )
        if previous is not None:
            CatalogueItem.objects.bulk_create(
                [
                    CatalogueItem(
                        catalogue=catalogue,
                        seq=item.seq,
                        title=item.title,
                        category=item.category,
                        undertaking_unit_id=item.undertaking_unit_id,
                        planned_quarter=item.planned_quarter,
                        description=item.description,
                    )
                    for item in previous.items.all()
                ]
            )
        _record(
            actor,
            catalogue,
            "decision.catalogue_create",
            {
                "number": {
                    "before": previous.number if previous else None,
                    "after": catalogue.number,
                }
            },
            reason=adjustment_note,
        )
    return catalogue


def _clean_item(fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValidationFailed.on(name, _("不能修改该字段"))
        if isinstance(value, str):
            value = value.strip()
        out[name] = value
    if "title" in out:
        if not out["title"]:
            raise ValidationFailed.on("title", _("请填写决策事项名称"))
        out["title"] = out["title"][:200]
    if "category" in out:
        _check_category(out["category"])
    if "planned_quarter" in out:
        out["planned_quarter"] = (out["planned_quarter"] or "")[:40]
    if "description" in out:
        out["description"] = out["description"] or ""
    return out


def catalogue_item_add(
    *,
    actor,
    catalogue,
    title: str,
    category: str,
    undertaking_unit=None,
    planned_quarter: str = "",
    description: str = "",
) -> CatalogueItem:
    """A matter added to a draft catalogue (A1: the excluded categories are refused)."""
    require_office(actor)
    fields = _clean_item(
        {
            "title": title or "",
            "category": category or "",
            "undertaking_unit": undertaking_unit,
            "planned_quarter": planned_quarter or "",
            "description": description or "",
        }
    )
    with transaction.atomic():
        catalogue = _lock(catalogue)
        _require_draft(catalogue)
        last = catalogue.items.order_by("-seq").values_list("seq", flat=True).first() or 0
        item = CatalogueItem.objects.create(catalogue=catalogue, seq=last + 1, **fields)
        _record(
            actor,
            catalogue,
            "decision.catalogue_item_add",
            {"item": {"before": None, "after": f"{item.seq}. {item.title}"}},
        )
    return item


def catalogue_item_update(*, actor, item, **fields) -> CatalogueItem:
    require_office(actor)
    fields = _clean_item(fields)
    with transaction.atomic():
        catalogue = _lock(item.catalogue)
        _require_draft(catalogue)
        item = CatalogueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        changes = {}
        for name, value in fields.items():
            old = getattr(item, name)
            if old != value:
                changes[name] = {"before": str(old or ""), "after": str(value or "")}
            setattr(item, name, value)
        item.save()
        _record(actor, catalogue, "decision.catalogue_item_update", changes)
    return item


def catalogue_item_remove(*, actor, item) -> None:
    require_office(actor)
    with transaction.atomic():
        catalogue = _lock(item.catalogue)
        _require_draft(catalogue)
        item = CatalogueItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        if item.decisions.exists():
            raise Conflict(_("已有决策事项引用该目录事项，不能删除"))
        label = f"{item.seq}. {item.title}"
        item.delete()
        _record(
            actor,
            catalogue,
            "decision.catalogue_item_remove",
            {"item": {"before": label, "after": None}},
        )


def catalogue_approve(*, actor, catalogue, party_approved_on, party_approval_doc: str):
    """draft → approved: the party committee agreed (date and 文号 both required, A1)."""
    require_office(actor)
    doc = (party_approval_doc or "").strip()
    if party_approved_on is None:
        raise ValidationFailed.on("party_approved_on", _("请填写党委同意日期"))
    if not doc:
        raise ValidationFailed.on("party_approval_doc", _("请填写党委同意文号"))
    with transaction.atomic():
        catalogue = _lock(catalogue)
        _require_draft(catalogue)
        if not catalogue.items.exists():
            raise ValidationFailed.on("items", _("目录中还没有决策事项"))
        catalogue.state = CatalogueState.APPROVED
        catalogue.party_approved_on = party_approved_on
        catalogue.party_approval_doc = doc[:100]
        catalogue.version += 1
        catalogue.save()
        _record(
            actor,
            catalogue,
            "decision.catalogue_approve",
            {
                "state": {"before": CatalogueState.DRAFT, "after": CatalogueState.APPROVED},
                "party_approval_doc": {"before": "", "after": catalogue.party_approval_doc},
            },
        )
    return catalogue


def catalogue_publish(*, actor, catalogue):
    """approved → published. A1: never without the party committee's approval record."""
    require_office(actor)
    with transaction.atomic():
        catalogue = _lock(catalogue)
        if catalogue.state == CatalogueState.PUBLISHED:
            raise Conflict(_("该目录已公布"))
        if (
            catalogue.state != CatalogueState.APPROVED
            or not catalogue.party_approved_on
            or not catalogue.party_approval_doc
        ):
            raise ProcedureBlocked.rule(
                "A1", _("目录须经同级党委同意后才能公布（缺少党委同意记录）")
            )
        catalogue.state = CatalogueState.PUBLISHED
        catalogue.published_at = now()
        catalogue.version += 1
        catalogue.save()
        _record(
            actor,
            catalogue,
            "decision.catalogue_publish",
            {"state": {"before": CatalogueState.APPROVED, "after": CatalogueState.PUBLISHED}},
        )
    return catalogue


SHEET_HEADERS = ["序号", "决策事项", "类别", "拟承办单位", "计划完成时间", "事项说明"]


def _sheet_category(text: str) -> str:
    by_label = {str(label): value for value, label in Category.choices}
    return by_label.get(text, text if text in Category.values else "")


def _sheet_rows(data: bytes, filename: str) -> list[dict]:
    """The items of a 决策事项目录 sheet, or ValidationFailed naming each bad cell."""
    try:
        table = ExcelBook.open(data, filename).find_table(["决策事项", "类别"])
        sheet_rows = table.rows() if table is not None else []
    except ExcelFileError as exc:
        raise ValidationFailed.on("file", exc.message) from None
    if table is None:
        raise ValidationFailed.on("file", _("找不到含“决策事项”“类别”两列的工作表"))
    units = {}
    rows = []
    for row in sheet_rows:
        title = row.text("决策事项")[:200]
        if not title:
            row.fail("决策事项", _("请填写决策事项名称"))
        category = _sheet_category(row.text("类别"))
        if not category:
            row.fail("类别", _("请选择决策事项类别"))
        elif category in EXCLUDED_CATEGORIES:
            row.fail("类别", _("【A1】宏观调控、政府立法和突发事件应急处置决策不列入目录"))
        unit_text = row.text("拟承办单位")
        unit = None
        if unit_text:
            if unit_text not in units:
                units[unit_text] = (
                    Unit.objects.filter(code=unit_text).first()
                    or Unit.objects.filter(name=unit_text, active=True).first()
                )
            unit = units[unit_text]
            if unit is None:
                row.fail("拟承办单位", _("找不到该单位（请填单位编码或全称）"))
        rows.append(
            {
                "title": title,
                "category": category,
                "undertaking_unit": unit,
                "planned_quarter": row.text("计划完成时间")[:40],
                "description": row.text("事项说明"),
            }
        )
    if table.errors:
        errors = sorted(table.errors, key=lambda e: e.sort_key())
        raise ValidationFailed(
            _("导入文件有%(n)s处错误，没有导入任何事项") % {"n": len(errors)},
            [FieldError("file", str(e)) for e in errors],
        )
    if not rows:
        raise ValidationFailed.on("file", _("文件中没有决策事项"))
    return rows


def catalogue_items_import(*, actor, catalogue, data: bytes, filename: str = "") -> int:
    """The items of a sheet added to a draft catalogue, all or none (excluded categories are
    refused as in A1). Returns the number added."""
    require_office(actor)
    rows = _sheet_rows(data, filename)
    with transaction.atomic():
        catalogue = _lock(catalogue)
        _require_draft(catalogue)
        last = catalogue.items.order_by("-seq").values_list("seq", flat=True).first() or 0
        CatalogueItem.objects.bulk_create(
            [
                CatalogueItem(catalogue=catalogue, seq=last + n, **row)
                for n, row in enumerate(rows, start=1)
            ]
        )
        _record(
            actor,
            catalogue,
            "decision.catalogue_import",
            {"items": {"before": last, "after": last + len(rows)}},
            reason=filename[:200],
        )
    return len(rows)


def may_manage_settings(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE, Role.SYSTEM_ADMIN)


def decision_settings_update(*, actor, **fields) -> DecisionSettings:
    """The local parameters (catalogue mode, day counts): office or system administrator."""
    if not may_manage_settings(actor):
        raise Forbidden(_("只有政府办公室（督查室）或系统管理员可以修改重大行政决策设置"))
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise ValidationFailed.on(name, _("不能修改该字段"))
        if name == "catalogue_mode":
            if not isinstance(value, bool):
                raise ValidationFailed.on(name, _("请选择是否启用目录管理模式"))
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
            raise ValidationFailed.on(name, _("天数应为1至365之间的整数"))
    with transaction.atomic():
        obj, _created = DecisionSettings.objects.select_for_update(of=("self",)).get_or_create(pk=1)
        changes = {}
        for name, value in fields.items():
            old = getattr(obj, name)
            if old != value:
                changes[name] = {"before": old, "after": value}
            setattr(obj, name, value)
        obj.save()
        audit_record(
            actor=actor,
            action="decision.settings_update",
            target=Target("decisionsettings", "1", str(_("重大行政决策设置"))),
            changes=changes,
        )
    return obj


register("decision.catalogue_create", _("新建决策事项目录版本"))
register("decision.catalogue_item_add", _("增加目录事项"))
register("decision.catalogue_item_update", _("修改目录事项"))
register("decision.catalogue_item_remove", _("删除目录事项"))
register("decision.catalogue_import", _("导入目录事项"))
register("decision.catalogue_approve", _("登记党委同意目录"))
register("decision.catalogue_publish", _("公布决策事项目录"))
register("decision.settings_update", _("修改重大行政决策设置"))
