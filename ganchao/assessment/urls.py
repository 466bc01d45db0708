"""Pages of 比着干 (the assessment). Each part keeps its own route module."""

from ganchao.assessment import urls_appeals, urls_bulletins, urls_inputs, urls_pages

app_name = "assessment"

urlpatterns = (
    urls_pages.urlpatterns
    + urls_inputs.urlpatterns
    + urls_appeals.urlpatterns
    + urls_bulletins.urlpatterns
)
