"""The panels of the case page, in procedure order: (kind, template, view module). Each view
module's panel_context(request, case, facts) supplies its panel's context."""

from ganchao.enforcement.views import disclosure, document, oversight, procedure, records, review

PANELS = [
    ("records", "enforcement/panels/records.html", records),
    ("procedure", "enforcement/panels/procedure.html", procedure),
    ("review", "enforcement/panels/review.html", review),
    ("document", "enforcement/panels/document.html", document),
    ("disclosure", "enforcement/panels/disclosure.html", disclosure),
    ("oversight", "enforcement/panels/oversight.html", oversight),
]


def panel_contexts(request, case, facts) -> list[tuple[str, str, dict]]:
    """[(kind, template, context)] for the case page."""
    return [
        (kind, template, module.panel_context(request, case, facts))
        for kind, template, module in PANELS
    ]
