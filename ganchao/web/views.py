"""The shell's own pages: home (overview), about, and error pages in the layout."""

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse

import ganchao
from ganchao.common.views import scoped
from ganchao.goals import dashboards, tree_selectors, tree_views
from ganchao.orgs import selectors as org_selectors
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.web import todo


@login_required
@scoped
def home(request):
    """The 驾驶舱 for the office and leaders; for everyone else their unit's assignments."""
    scope = scope_of(request.user)
    if scope.is_auditor_only:
        return redirect("audit:event_list")
    if scope.has(Role.OFFICE, Role.LEADER):
        return render(request, "goals/dashboard.html", tree_views.dashboard_context(request))
    context = {
        "overview": org_selectors.unit_overview(actor=request.user),
        "my_unit": request.user.unit,
        "leaders": org_selectors.leader_overview(actor=request.user),
        "todo": todo.my_todo(request.user),
    }
    plan = tree_selectors.plan_for_page(actor=request.user)
    if plan is not None and scope.own_paths:
        context["plan"] = plan
        context["goals"] = dashboards.unit_summary(actor=request.user, plan=plan)
        context["tree_url"] = f"{reverse('goals:tree')}?plan={plan.pk}"
        tree_views.add_item_links(context["goals"]["worst"])
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
