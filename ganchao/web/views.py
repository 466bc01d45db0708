"""The shell's own pages: home (overview), about, and error pages in the layout."""

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader

import ganchao
from ganchao.orgs import selectors as org_selectors
from ganchao.orgs.scoping import scope_of


@login_required
def home(request):
    scope = scope_of(request.user)
    if scope.is_auditor_only:
        return redirect("audit:event_list")
    context = {
        "overview": org_selectors.unit_overview(actor=request.user),
        "my_unit": request.user.unit,
        "leaders": org_selectors.leader_rows(actor=request.user)[:12],
    }
    return render(request, "web/home.html", context)


@login_required
def about(request):
    return render(
        request,
        "web/about.html",
        {
            "version": ganchao.__version__,
            "django_version": django.get_version(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "data_dir": settings.DATA_DIR if scope_of(request.user).has("system_admin") else None,
        },
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # The database may be what failed: render without context processors.
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"shell": {"city_name": settings.GANCHAO_CITY_NAME}})
    )


def raise_404(request):
    raise Http404
