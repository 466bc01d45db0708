"""The cockpit's (驾驶舱) compact list of lagging and blocked key projects."""

from django import template

from ganchao.projects import selectors

register = template.Library()


@register.inclusion_tag("projects/partials/cockpit.html", takes_context=True)
def lagging_projects_panel(context, limit: int = 8):
    request = context.get("request")
    if request is None:
        return {"rows": [], "count": 0}
    # The projects of the plan the cockpit shows, not every year's of every city.
    rows, count, total = selectors.lagging_rows(request.user, limit=limit, plan=context.get("plan"))
    return {"rows": rows, "count": count, "any": total > 0}
