"""URLs for the login-flow test: the real ones plus a stand-in second-factor step."""

from django.urls import path

from config.urls import urlpatterns as real_urlpatterns
from ganchao.accounts import login_flow


def second_factor(request):
    assert login_flow.pending_user(request) is not None
    return login_flow.step_passed(request, "second_factor")


urlpatterns = [*real_urlpatterns, path("step/", second_factor, name="second_factor")]
