"""The inbox, its unread badge (polled in the background), the user's notification settings
(muted kinds) and the failed-deliveries page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.common.errors import GanchaoError
from ganchao.common.views import paginate, scoped
from ganchao.notifications import selectors, services


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.inbox(actor=request.user, unread_only=unread_only))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
def settings_page(request):
    """Which kinds the user hears of by e-mail, the group robot and the badge."""
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.notification_settings_set(
                actor=request.user, muted=request.POST.getlist("muted")
            )
        except GanchaoError as exc:
            error, status = exc.message, 422
        else:
            messages.success(request, _("消息提醒设置已保存"))
            return redirect("notifications:settings")
    rows = selectors.notification_settings(actor=request.user)
    context = {"rows": rows, "error": error}
    return render(request, "notifications/settings.html", context, status=status)


@login_required
def badge(request):
    """Polled every 60 s with `X-Ganchao-Background: 1`, so it never counts as activity."""
    count = selectors.unread_count(actor=request.user)
    return render(request, "notifications/_badge.html", {"unread": count})


@login_required
@require_POST
@scoped
def mark_read(request, pk: int):
    notification = services.notification_mark_read(actor=request.user, notification_id=pk)
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")


@login_required
@scoped
def failed(request):
    page = paginate(request, selectors.failed_deliveries(actor=request.user))
    return render(request, "notifications/failed.html", {"page": page})
