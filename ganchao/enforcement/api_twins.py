"""Each page action and its API twin: merged from the view modules' API_TWINS."""

from ganchao.enforcement.views import (
    core,
    directory,
    disclosure,
    document,
    oversight,
    procedure,
    records,
    review,
)

PAGE_API_TWINS = {
    **core.API_TWINS,
    **directory.API_TWINS,
    **records.API_TWINS,
    **review.API_TWINS,
    **procedure.API_TWINS,
    **document.API_TWINS,
    **disclosure.API_TWINS,
    **oversight.API_TWINS,
}
