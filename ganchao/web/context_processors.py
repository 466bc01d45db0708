from django.conf import settings

import ganchao
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.web.navigation import build_nav


def root_unit_name() -> str:
    """The name the installation serves (the root unit: a city or a province)."""
    from ganchao.orgs.models import Unit

    name = Unit.objects.filter(parent__isnull=True).values_list("name", flat=True).first()
    return name or str(settings.GANCHAO_CITY_NAME)


def shell(request):
    """What the layout needs: city name, navigation, the user's roles, calendar warning."""
    user = getattr(request, "user", None)
    data = {"city_name": root_unit_name(), "version": ganchao.__version__}
    if user is None or not user.is_authenticated:
        return {"shell": data}
    scope = scope_of(user)
    from ganchao.workcal.selectors import calendar_warning

    data |= {
        "nav": build_nav(scope, request.path),
        "role_labels": [str(Role(r).label) for r in Role.values if r in scope.roles],
        "calendar_warning": calendar_warning(),
    }
    return {"shell": data}
