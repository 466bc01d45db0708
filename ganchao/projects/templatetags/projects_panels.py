"""The cockpit's (驾驶舱) compact list of lagging and blocked key projects."""

from django import template

from ganchao.projects import selectors

register = template.Library()


@register.inclusion_tag("projects/partials/cockpit.html", takes_context=True)
def lagging_projects_panel(context, limit: int = 8):
    request = context.get("request")
    if request is None:
        return {"rows": [], "count": 0}
    rows, count = selectors.lagging_rows(request.user, limit=limit)
    return {"rows": rows, "count": count, "any": selectors.projects_visible(request.user).exists()}
