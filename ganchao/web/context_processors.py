from django.conf import settings

import ganchao
from ganchao.common.prepared import Prepared
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.web.navigation import navigation


def _root_names():
    from ganchao.orgs.models import Unit

    return (
        Unit.objects.filter(parent__isnull=True).order_by("path").values_list("name", flat=True)[:1]
    )


# Every page's header: compiled once per process (common.prepared), read on every request.
_ROOT_NAME = Prepared("orgs.Unit", _root_names)


def root_unit_name() -> str:
    """The name the installation serves (the root unit: a city or a province)."""
    found = _ROOT_NAME.fetch()
    return (found[0] if found else None) or str(settings.GANCHAO_CITY_NAME)


def shell(request):
    """What the layout needs: city name, navigation, the user's roles, calendar warning."""
    user = getattr(request, "user", None)
    data = {"city_name": root_unit_name(), "version": ganchao.__version__}
    if user is None or not user.is_authenticated:
        return {"shell": data}
    scope = scope_of(user)
    nav = navigation(scope, request.path)
    data |= {
        "nav": nav.sections,
        "nav_html": nav.html,
        "role_labels": [str(Role(r).label) for r in Role.values if r in scope.roles],
        # Administrators read no business data (三员分立): their settings pages link no list.
        "reads_business": not scope.is_admin_only,
        **calendar_banner(scope),
    }
    return {"shell": data}


def calendar_banner(scope) -> dict:
    """The "holidays not yet entered" banner and header badge, for those who can enter them
    (with a link to the calendar); everyone else sees a note beside each provisional deadline."""
    from ganchao.workcal.permissions import can_edit_calendar
    from ganchao.workcal.selectors import provisional_years
    from ganchao.workcal.texts import provisional_warning

    if not can_edit_calendar(scope):
        return {}
    years = provisional_years()
    if not years:
        return {}
    return {"calendar_warning": provisional_warning(years), "calendar_year": years[-1]}
