"""Each page action and its API twin: merged from the view modules' API_TWINS."""

from ganchao.decisions.views import (
    advisers,
    after,
    catalogue,
    core,
    experts,
    meeting,
    participation,
    review,
)

PAGE_API_TWINS = {
    **core.API_TWINS,
    **catalogue.API_TWINS,
    **participation.API_TWINS,
    **experts.API_TWINS,
    **review.API_TWINS,
    **advisers.API_TWINS,
    **meeting.API_TWINS,
    **after.API_TWINS,
}
