"""View helpers shared by every app: service errors to 404/403, role checks, paging."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from ganchao.common.errors import Forbidden, NotFound
from ganchao.orgs.scoping import scope_of


def scoped(view):
    """Turn NotFound into 404 and Forbidden into 403 for page views."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def require_roles(*roles):
    """Pages for some roles only; everyone else gets 404, as for an object out of scope."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not scope_of(request.user).has(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_staff(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_of(request.user).is_staff_user:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def require_directory(view):
    """Pages of the unit directory, leaders and the calendar: every staff user and the system
    and security administrators (who read no business data, LEGAL_RULES C5); 404 otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_of(request.user).reads_directory:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request, queryset, per_page: int = 50, *, count: int | None = None):
    """The requested page; `count`, when the caller has counted the rows already (with other
    figures in one aggregate), saves the paginator its own COUNT query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def query_int(raw, *, digits: int = 9) -> int | None:
    """A whole number typed in a query string or form (ASCII digits only, at most `digits` of
    them), or None: `"²".isdigit()` is true but int("²") fails, and a 30-digit id overflows a
    database integer."""
    text = str(raw or "").strip()
    if len(text) > digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
