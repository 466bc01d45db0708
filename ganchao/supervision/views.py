"""Pages of the escalation ladder: the office's alert list, one alert, a unit's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.common.views import paginate, require_staff, scoped
from ganchao.orgs.scoping import scope_of
from ganchao.supervision import selectors, services
from ganchao.supervision.choices import Level


@login_required
@require_staff
def alert_list(request):
    params = request.GET
    alerts = selectors.alert_list(
        actor=request.user,
        level=params.get("level", ""),
        unit=params.get("unit", "").strip(),
        status=params.get("status", ""),
    )
    page = paginate(request, alerts)
    return render(
        request,
        "supervision/alert_list.html",
        {"page": page, "filters": params, "levels": Level.choices[:2]},
    )


@login_required
@scoped
def alert_detail(request, pk: int):
    alert = selectors.alert_get(actor=request.user, pk=pk)
    can_answer = (
        alert.level == Level.URGE
        and alert.responded_at is None
        and scope_of(request.user).covers_path(alert.unit.path, write=True)
    )
    return render(
        request,
        "supervision/alert_detail.html",
        {"alert": alert, "can_answer": can_answer, "error": None},
    )


@login_required
@require_POST
@scoped
def alert_respond(request, pk: int):
    try:
        services.alert_respond(
            actor=request.user, alert_id=pk, response=request.POST.get("response", "")
        )
    except (ValidationFailed, Conflict) as exc:
        alert = selectors.alert_get(actor=request.user, pk=pk)
        context = {"alert": alert, "can_answer": True, "error": exc.message}
        return render(request, "supervision/alert_detail.html", context, status=422)
    messages.success(request, _("书面说明已提交。"))
    return redirect("supervision:alert_detail", pk=pk)
