from django.contrib.auth import views as auth_views
from django.urls import path

from . import otp_views, security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("firm/", views.company_settings, name="firm"),
    path("firm/prices/", views.firm_prices, name="firm_prices"),
    path("firm/timer/", views.firm_timer, name="firm_timer"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_update, name="user_update"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("security-log/", security_views.security_log_list, name="security_log"),
    # Two-factor sign-in (accounts/otp_views.py).
    path("login/code/", otp_views.login_code, name="login_code"),
    path("two-factor/", otp_views.two_factor_page, name="two_factor"),
    path("two-factor/setup/", otp_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/codes/", otp_views.two_factor_codes, name="two_factor_codes"),
    path("two-factor/off/", otp_views.two_factor_disable, name="two_factor_disable"),
    path("firm/two-factor/", otp_views.firm_two_factor, name="firm_two_factor"),
    path(
        "users/<int:pk>/two-factor/reset/",
        otp_views.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
]
