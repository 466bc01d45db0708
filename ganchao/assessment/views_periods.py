"""The period page of a scheme (office and leaders): the draft computed now against the latest
published revision, publication of the next revision, the revisions with what changed, and
the public release toggle (公开/撤回)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganchao.assessment import league, permissions, release_services, selectors, services
from ganchao.assessment.models import PublicRelease, Result
from ganchao.assessment.periods import mismatch_message, parse
from ganchao.assessment.snapshot import differences
from ganchao.common.errors import GanchaoError
from ganchao.common.views import paginate, scoped

FIELD_LABELS = {
    "rank": "排名",
    "total": "总分",
    "grade": "等次",
    "veto": "一票否决",
    "bonus": "加分",
    "deduction": "扣分",
}


def _value(value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "—" if value in (None, "") else str(value)


def describe(changes: list[dict], rows: list[dict]) -> list[str]:
    """Differences in words: "甲镇 指标完成 46.67 → 50.00"."""
    names = {c["code"]: c["name"] for row in rows for c in row["components"]}
    lines = []
    for change in changes:
        field = change["field"]
        if field in ("added", "removed", "unassessed"):
            word = {
                "added": _("新增参加考核"),
                "removed": _("不再参加考核"),
                "unassessed": _("本期无考核内容，不参加排名"),
            }[field]
            lines.append(f"{change['unit']} {word}")
            continue
        if field.startswith("component:"):
            label = names.get(field.partition(":")[2], field.partition(":")[2])
        else:
            label = _(FIELD_LABELS.get(field, field))
        was, now = _value(change.get("before")), _value(change.get("after"))
        lines.append(f"{change['unit']} {label} {was} → {now}")
    return lines


def _scheme_period(request, code: str, period: str):
    if not permissions.sees_drafts(request.user):
        raise Http404
    scheme = selectors.scheme_get(code)
    span = parse(period, scheme.period_type)
    return scheme, span


def _revisions(scheme_code: str, period: str) -> list[dict]:
    rows = (
        Result.objects.filter(scheme_code=scheme_code, period=period)
        .select_related("published_by")
        .order_by("-result_revision")
    )
    return [
        {
            "revision": r.result_revision,
            "scheme_version": r.scheme_version,
            "published_at": r.published_at,
            "published_by": r.published_by.display_name if r.published_by else _("系统"),
            "cutoff": r.cutoff,
            **_capped("changes", describe(r.differences, r.snapshot)),
        }
        for r in rows
    ]


SHOWN_CHANGES = 30  # a province category can change hundreds of ranks at once


def _capped(name: str, lines: list[str]) -> dict:
    """The first lines of a list of changes, with how many there are in all."""
    return {name: lines[:SHOWN_CHANGES], f"{name}_total": len(lines),
            f"{name}_more": max(0, len(lines) - SHOWN_CHANGES)}  # fmt: skip


@login_required
@scoped
def period_detail(request, code: str, period: str):
    scheme, span = _scheme_period(request, code, period)
    if span is None:
        messages.error(request, mismatch_message(period, scheme.period_type))
        return redirect("assessment:scheme_detail", scheme.code)
    draft = selectors.draft_outcome(scheme, span)
    rows, cutoff = draft.rows, draft.cutoff
    published = selectors.latest_result(scheme.code, span.code)
    pending = differences(published.snapshot, rows) if published else []
    page = paginate(request, rows, per_page=100)
    context = {
        "scheme": scheme,
        "period": span,
        "rows": league.toned(page.object_list),
        "page": page,
        "cutoff": cutoff,
        "unassessed": draft.unassessed,  # 本期无考核内容: listed under the draft's table
        "published": published,
        **_capped("pending", describe(pending, rows)),
        "revisions": _revisions(scheme.code, span.code),
        "release": PublicRelease.objects.filter(scheme_code=scheme.code, period=span.code).first(),
        "manages": permissions.manages_assessment(request.user),
        "running": span.end >= timezone.localdate(),
        "not_started": span.start > timezone.localdate(),
    }
    return render(request, "assessment/period_detail.html", context)


def _office_post(request, code: str, period: str):
    if not permissions.manages_assessment(request.user):
        raise Http404
    scheme, span = _scheme_period(request, code, period)
    if span is None:
        raise Http404
    return scheme, span


@login_required
@require_POST
@scoped
def result_publish(request, code: str, period: str):
    scheme, span = _office_post(request, code, period)
    try:
        result, changes = services.result_publish(
            actor=request.user, scheme=scheme, period=span.code,
            early=request.POST.get("early") == "1",
        )  # fmt: skip
    except GanchaoError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:period_detail", scheme.code, span.code)
    if result is None:
        messages.info(request, _("当前计算结果与最新发布的版本相同，未生成新版本。"))
        return redirect("assessment:period_detail", scheme.code, span.code)
    text = _("已发布第%(n)d版结果。") % {"n": result.result_revision}
    if changes:
        text += _("与上一版相比有 %(n)d 处变化，见下方列表。") % {"n": len(changes)}
    messages.success(request, text)
    return redirect("assessment:revision_detail", scheme.code, span.code, result.result_revision)


@login_required
@require_POST
@scoped
def result_release(request, code: str, period: str):
    scheme, span = _office_post(request, code, period)
    try:
        release_services.result_release(
            actor=request.user, scheme_code=scheme.code, period=span.code
        )
    except GanchaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已在公开排名页面公开本期结果（最新发布版本）。"))
    return redirect("assessment:period_detail", scheme.code, span.code)


@login_required
@require_POST
@scoped
def result_withdraw(request, code: str, period: str):
    scheme, span = _office_post(request, code, period)
    release_services.result_withdraw(actor=request.user, scheme_code=scheme.code, period=span.code)
    messages.success(request, _("已撤回公开，公开排名页面不再显示本期结果。"))
    return redirect("assessment:period_detail", scheme.code, span.code)


@login_required
@scoped
def revision_detail(request, code: str, period: str, revision: int):
    if not permissions.sees_rankings(request.user):
        raise Http404
    scheme = selectors.scheme_get(code)
    result = (
        Result.objects.select_related("published_by")
        .filter(scheme_code=scheme.code, period=period, result_revision=revision)
        .first()
    )
    if result is None:
        raise Http404
    context = {
        "scheme": scheme,
        "result": result,
        "rows": league.toned(result.snapshot),
        "changes": describe(result.differences, result.snapshot),
        "may_draft": permissions.sees_drafts(request.user),
    }
    return render(request, "assessment/revision_detail.html", context)
