from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from ganchao.web import views as web_views

urlpatterns = [
    path("", include("ganchao.web.urls")),
    path("accounts/", include("ganchao.accounts.urls")),
    path("orgs/", include("ganchao.orgs.urls")),
    path("audit/", include("ganchao.audit.urls")),
    path("calendar/", include("ganchao.workcal.urls")),
    path("supervision/", include("ganchao.supervision.urls")),
    path("ladder/", include("ganchao.ladder.urls")),
    path("notifications/", include("ganchao.notifications.urls")),
    path("goals/", include("ganchao.goals.urls")),
    path("visits/", include("ganchao.visits.urls")),
    path("assessment/", include("ganchao.assessment.urls")),
    path("decisions/", include("ganchao.decisions.urls")),
    path("enforcement/", include("ganchao.enforcement.urls")),
    path("problems/", include("ganchao.problems.urls")),
    path("enterprises/", include("ganchao.enterprises.urls")),
    path("projects/", include("ganchao.projects.urls")),
    path("fiscal/", include("ganchao.fiscal.urls")),
    path("public/", include("ganchao.portal.urls")),
    path("imports/", include("ganchao.common.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = web_views.error_403
handler404 = web_views.error_404
handler500 = web_views.error_500

urlpatterns += [
    path("favicon.ico", RedirectView.as_view(url="/static/ganchao/favicon.svg", permanent=True)),
]
