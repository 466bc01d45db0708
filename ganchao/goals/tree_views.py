"""Read pages of 盯着干: the goal tree (目标体系), the leader view (领导视图) and the 驾驶舱 shown on
the home page of the office and leaders. Views parse the query, call selectors and render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ganchao.common.views import paginate, query_int, require_staff, scoped
from ganchao.goals import dashboards, tree_selectors
from ganchao.goals.choices import Status
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def _int(value) -> int | None:
    # Bounded: ?leader=99999999999999999999 overflowed the database integer (a 500).
    return query_int(value)


def item_url(item_id: int) -> str:
    """The item's page (the workflow's detail page; the tree row anchor when it is absent)."""
    try:
        return reverse("goals:item_detail", args=[item_id])
    except NoReverseMatch:
        return f"{reverse('goals:tree')}#item-{item_id}"


def add_item_links(rows: list[dict], key: str = "item_id") -> list[dict]:
    """Give each row the address of its item page (the URL pattern reversed once, not once per
    row: a city's tree is 300–400 rows)."""
    marker = 987654321
    pattern = item_url(marker)
    head, _, tail = pattern.partition(str(marker))
    for row in rows:
        row["url"] = f"{head}{row[key]}{tail}"
    return rows


def _plan_context(request) -> dict:
    plan, plans = tree_selectors.plan_page(
        actor=request.user, plan_id=_int(request.GET.get("plan"))
    )
    return {"plan": plan, "plans": tree_selectors.plan_choices(actor=request.user, plans=plans)}


@login_required
@require_staff
@scoped
def goal_tree(request):
    context = _plan_context(request)
    status = request.GET.get("status", "")
    filters = {
        "category": request.GET.get("category", "").strip(),
        "unit_code": request.GET.get("unit", "").strip(),
        "leader_id": _int(request.GET.get("leader")),
        "status": status if status in Status.values else "",
        "q": request.GET.get("q", "").strip(),
    }
    plan = context["plan"]
    if plan is not None:
        rows = tree_selectors.tree_page_rows(actor=request.user, plan=plan, **filters)
        context.update(
            rows=add_item_links(rows, "id"),
            item_count=sum(1 for r in rows if not r["is_goal"]),
            options=tree_selectors.tree_filter_options(plan=plan),
        )
    context["filters"] = filters
    context["filtered"] = any(filters.values())
    return render(request, "goals/tree.html", context)


@login_required
@scoped
def leader_view(request):
    scope = scope_of(request.user)
    if not (scope.reads_all or scope.has(Role.LEADER)):
        raise Http404
    leaders = tree_selectors.leaders_for_actor(actor=request.user)
    wanted = _int(request.GET.get("leader"))
    leader = next((x for x in leaders if x["id"] == wanted), leaders[0] if leaders else None)
    context = _plan_context(request) | {"leaders": leaders, "leader": leader}
    if leader and context["plan"]:
        rows = tree_selectors.leader_assignments(
            actor=request.user, leader_id=leader["id"], plan=context["plan"]
        )
        page = paginate(request, rows, per_page=50)
        page.object_list = add_item_links([tree_selectors.leader_row(r) for r in page.object_list])
        context.update(page=page, counts=tree_selectors.leader_counts(rows))
    return render(request, "goals/leader_view.html", context)


def dashboard_context(request) -> dict:
    """The 驾驶舱 of the office and leaders: figures, chart data and the links behind them.

    A principal leader sees the whole city, with "我分管的" (?mine=1) narrowing every figure to
    their own areas; the tree links then carry the same leader filter."""
    context = _plan_context(request)
    plan = context["plan"]
    principal = scope_of(request.user).is_principal
    mine = principal and request.GET.get("mine") == "1"
    context.update(can_filter_mine=principal, mine=mine)
    if plan is None:
        return context
    leader_id = request.user.leader_id if mine else None
    data = dashboards.dashboard(
        actor=request.user, plan=plan, today=timezone.localdate(), leader_id=leader_id
    )
    tree = reverse("goals:tree")
    context.update(data)
    context["tree_url"] = f"{tree}?plan={plan.pk}" + (f"&leader={leader_id}" if mine else "")
    context["charts"] = _chart_payload(data, context["tree_url"])
    if scope_of(request.user).has(Role.OFFICE):
        from ganchao.visits import burden

        summary = burden.burden_summary(actor=request.user, year=timezone.localdate().year)
        context["burden_chart"] = burden.chart_data(summary)
    return context


def _chart_payload(data: dict, tree_url: str) -> dict:
    """Plain JSON for the ECharts on the page; every point carries the address of its rows."""
    counts = data["summary"]["counts"]
    return {
        "status": [
            {
                "name": c["label"],
                "value": c["n"],
                "light": c["light"],
                "status": c["status"],
                "url": f"{tree_url}&status={c['status']}",
            }
            for c in counts
        ],
        "trend": {
            "months": [m["label"] for m in data["series"]],
            "ratio": [
                None if m["ratio"] is None else round(float(m["ratio"]) * 100, 1)
                for m in data["series"]
            ],
            "punctual": [
                None if m["punctual"] is None else round(float(m["punctual"]) * 100, 1)
                for m in data["series"]
            ],
        },
        "lagging": [{**u, "url": f"{tree_url}&unit={u['code']}"} for u in data["lagging"]],
        "heatmap": data["heatmap"]
        | {"urls": [f"{tree_url}&unit={u['code']}" for u in data["heatmap"]["units"]]},
    }
