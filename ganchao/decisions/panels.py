"""The panels of the decision page, in procedure order: (kind, template, view module). Each
view module's panel_context(request, decision, facts) supplies its panel's context."""

from ganchao.decisions.views import advisers, after, experts, meeting, participation, review

PANELS = [
    ("participation", "decisions/panels/participation.html", participation),
    ("experts", "decisions/panels/experts.html", experts),
    ("review", "decisions/panels/review.html", review),
    ("advisers", "decisions/panels/advisers.html", advisers),
    ("meeting", "decisions/panels/meeting.html", meeting),
    ("after", "decisions/panels/after.html", after),
]


def panel_contexts(request, decision, facts) -> list[tuple[str, str, dict]]:
    """[(kind, template, context)] for the decision page."""
    return [
        (kind, template, module.panel_context(request, decision, facts))
        for kind, template, module in PANELS
    ]
