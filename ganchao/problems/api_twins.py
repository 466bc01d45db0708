"""Each page action of 问题台账 and its API twin: merged from the view modules' API_TWINS."""

from ganchao.problems.views import finding, problem, sheet

PAGE_API_TWINS = {
    **problem.API_TWINS,
    **sheet.API_TWINS,
    **finding.API_TWINS,
}
