"""The public ranking (no sign-in): only scheme periods the office has released and not
withdrawn, showing rank, unit, total and grade through plain-row selectors; 404 otherwise."""

from django.shortcuts import render

from ganchao.assessment import league
from ganchao.common.views import scoped


def public_index(request):
    return render(request, "assessment/public_index.html", {"releases": league.public_releases()})


@scoped
def public_ranking(request, code: str, period: str):
    ranking = league.public_ranking(code, period)
    return render(request, "assessment/public_ranking.html", {"ranking": ranking})
