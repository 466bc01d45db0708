"""Pages of the administrator password-reset approvals (accounts.reset_approval): the list of
requests with the approve and reject forms, for the three administrators. The request itself
is made on the user's page (orgs.views.user_action, "reset-request")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.accounts import reset_approval
from ganchao.common.errors import GanchaoError
from ganchao.common.views import paginate, require_roles, scoped
from ganchao.orgs.choices import EXCLUSIVE_ROLES

DECISIONS = {
    "approve": reset_approval.reset_request_approve,
    "reject": reset_approval.reset_request_reject,
}


@login_required
@require_roles(*EXCLUSIVE_ROLES)
@scoped
def reset_list(request):
    state = request.GET.get("state", "pending")
    state = state if state in reset_approval.State.values else ""
    page = paginate(request, reset_approval.reset_requests(actor=request.user, state=state))
    rows = [{"request": r, "may_decide": reset_approval.may_decide(request.user, r)} for r in page]
    return render(
        request,
        "accounts/reset_list.html",
        {"page": page, "rows": rows, "state": state, "states": reset_approval.State.choices},
    )


@login_required
@require_roles(*EXCLUSIVE_ROLES)
@require_POST
@scoped
def reset_decide(request, pk: int, verb: str):
    """Approve or reject one request with the note typed next to it."""
    if verb not in DECISIONS:
        raise Http404
    try:
        if verb == "approve":
            reset_approval.reset_request_approve(
                actor=request.user, request_id=pk, note=request.POST.get("note", "")
            )
        else:
            reset_approval.reset_request_reject(
                actor=request.user, request_id=pk, note=request.POST.get("note", "")
            )
    except GanchaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已批准：临时密码已生效，该账号下次登录时须修改密码，原接口令牌已作废。")
            if verb == "approve"
            else _("已驳回该申请，账号密码保持不变。"),
        )
    return redirect("orgs:reset_list")
