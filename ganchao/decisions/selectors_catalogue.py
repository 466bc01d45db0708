"""Reads of the decision catalogues (every signed-in staff user reads them), the catalogue
item picker and the decision organs."""

from django.db.models import Count
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.decisions.choices import EXCLUDED_CATEGORIES, CatalogueState
from ganchao.decisions.models import Catalogue, CatalogueItem
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import ancestor_paths, scope_of

ORGAN_TYPES = (UnitType.CITY, UnitType.DISTRICT)


def _reads(actor) -> bool:
    return scope_of(actor).is_staff_user


def catalogue_list(actor, *, year: int | None = None, owner_id: int | None = None):
    if not _reads(actor):
        return Catalogue.objects.none()
    rows = Catalogue.objects.select_related("owner").annotate(item_count=Count("items"))
    if year:
        rows = rows.filter(year=year)
    if owner_id:
        rows = rows.filter(owner_id=owner_id)
    return rows.order_by("-year", "owner__path", "-number")


def catalogue_get(actor, pk) -> Catalogue:
    try:
        if not _reads(actor):
            raise Catalogue.DoesNotExist
        return Catalogue.objects.select_related("owner", "created_by").get(pk=pk)
    except (Catalogue.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("决策事项目录不存在")) from None


def catalogue_items(catalogue):
    return catalogue.items.select_related("undertaking_unit").order_by("seq")


def catalogue_item_get(actor, catalogue, item_id) -> CatalogueItem:
    try:
        return catalogue.items.select_related("catalogue").get(pk=item_id)
    except (CatalogueItem.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("目录事项不存在")) from None


def published_items(actor, *, year: int | None = None):
    """The items of published catalogues a decision may be proposed against (the picker)."""
    if not _reads(actor):
        return CatalogueItem.objects.none()
    rows = CatalogueItem.objects.filter(catalogue__state=CatalogueState.PUBLISHED).exclude(
        category__in=EXCLUDED_CATEGORIES
    )
    if year:
        rows = rows.filter(catalogue__year=year)
    return rows.select_related("catalogue", "catalogue__owner", "undertaking_unit").order_by(
        "-catalogue__year", "catalogue__owner__path", "-catalogue__number", "seq"
    )


def organs(actor):
    """The decision organs the actor may act for (市 and 区 governments in scope)."""
    scope = scope_of(actor)
    return (
        Unit.objects.filter(type__in=ORGAN_TYPES, active=True)
        .filter(scope.units_q())
        .order_by("path")
    )


def organ_of(actor) -> Unit | None:
    """The actor's own city or district: the nearest organ above (or at) their unit."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        return None
    paths = ancestor_paths(unit.path)
    return Unit.objects.filter(type__in=ORGAN_TYPES, path__in=paths).order_by("-path").first()


def catalogue_sheet(catalogue) -> bytes:
    """The catalogue's items as an .xlsx with the headers the import reads."""
    from ganchao.common.exports import new_workbook, workbook_bytes, write_table
    from ganchao.decisions.services.catalogue import SHEET_HEADERS

    book = new_workbook()
    ws = book.create_sheet(_("决策事项目录"))
    rows = [
        [
            item.seq,
            item.title,
            item.get_category_display(),
            item.undertaking_unit.code if item.undertaking_unit else "",
            item.planned_quarter,
            item.description,
        ]
        for item in catalogue_items(catalogue)
    ]
    write_table(ws, SHEET_HEADERS, rows, text_columns=["拟承办单位"], wrap_columns=["事项说明"])
    return workbook_bytes(book)
