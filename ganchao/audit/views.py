"""The auditor's audit log, object histories, and chain verification."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ganchao.audit import selectors
from ganchao.audit.changes import change_rows, object_title, reason_text
from ganchao.audit.models import AuditVerifyRun
from ganchao.audit.registry import ACTIONS, OBJECT_TYPES, label, object_type_label
from ganchao.audit.services import audit_verify_run
from ganchao.common.views import paginate, require_roles, scoped
from ganchao.orgs.choices import Role


def _day(value: str, *, end: bool = False):
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if end:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _rows(page):
    return [
        {
            "event": e,
            "action_label": label(e.action),
            "type_label": object_type_label(e.object_type),
            "changes": change_rows(e.changes, object_type=e.object_type) if e.changes else [],
            "reason": reason_text(e.reason),
            # a number to find the object by; a scan's pseudo-object ("scan") has none
            "object_ref": f"#{e.object_id}" if str(e.object_id or "").isdigit() else "",
        }
        for e in page
    ]


@login_required
@scoped
def event_list(request):
    params = request.GET
    events = selectors.event_list(
        actor=request.user,
        since=_day(params.get("since", "")),
        until=_day(params.get("until", ""), end=True),
        user=params.get("user", "").strip(),
        unit=params.get("unit", "").strip(),
        object_type=params.get("object_type", "").strip(),
        object_id=params.get("object_id", "").strip(),
        action=params.get("action", ""),
        q=params.get("q", "").strip(),
    )
    page = paginate(request, events, per_page=50)
    actions = sorted(
        ((code, str(text)) for code, text in ACTIONS.items()), key=lambda item: item[0]
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "rows": _rows(page),
            "filters": params,
            "actions": actions,
            "object_types": sorted(
                ((code, str(text)) for code, text in OBJECT_TYPES.items()), key=lambda i: i[1]
            ),
            "last_run": selectors.latest_verify_run(actor=request.user),
        },
    )


@login_required
@scoped
def object_history(request, object_type: str, object_id: str):
    events = selectors.object_history(
        actor=request.user, object_type=object_type, object_id=object_id
    )
    page = paginate(request, events, per_page=50)
    name = selectors.object_name(events, object_id)
    type_label = object_type_label(object_type)
    return render(
        request,
        "audit/object_history.html",
        {
            "page": page,
            "rows": _rows(page),
            "object_name": object_title(name, type_label, object_id),
            "type_label": type_label,
            "object_id": object_id,
        },
    )


@login_required
@require_roles(Role.AUDITOR)
def verify(request):
    result = None
    if request.method == "POST":
        result, _run = audit_verify_run(source=AuditVerifyRun.Source.PAGE, actor=request.user)
    runs = selectors.verify_runs(actor=request.user)[:20]
    return render(request, "audit/verify.html", {"result": result, "runs": runs})
