from django.urls import path

from ganchao.accounts import views, views_mfa

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/second-factor/", views_mfa.second_factor_view, name="second_factor"),
    path(
        "login/second-factor/enrol/", views_mfa.second_factor_enrol_view, name="second_factor_enrol"
    ),
    path("login/second-factor/done/", views_mfa.second_factor_done_view, name="second_factor_done"),
    path("me/mfa/enrol/", views_mfa.mfa_enrol_view, name="mfa_enrol"),
    path("me/mfa/recovery-codes/", views_mfa.mfa_recovery_codes_view, name="mfa_recovery_codes"),
    path("me/mfa/disable/", views_mfa.mfa_disable_view, name="mfa_disable"),
    path("users/<int:user_id>/mfa/reset/", views_mfa.mfa_reset_view, name="mfa_reset"),
    path("password/", views.password_change_view, name="password_change"),
    path("me/", views.profile_view, name="profile"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("policy/", views.policy_view, name="policy"),
]
