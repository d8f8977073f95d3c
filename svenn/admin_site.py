"""The Django admin's site: platform staff need a second factor (ADMIN_REQUIRE_2FA)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class AdminSite(admin.AdminSite):
    """With ADMIN_REQUIRE_2FA (on whenever DEBUG is off) a staff session opens the admin
    only when its sign-in included a code from the user's app (django-otp's verified
    session, as OTPAdminSite checks it). The admin's own form asks for a password only,
    so staff sign in through the site's sign-in, which asks for the code."""

    site_header = "Svenn"
    site_title = "Svenn admin"

    def has_permission(self, request):
        verified = not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        return super().has_permission(request) and verified

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if not settings.ADMIN_REQUIRE_2FA or request.user.is_authenticated:
            # A signed-in user who may not enter is told so on the admin's page.
            return super().login(request, extra_context)
        index = reverse("admin:index", current_app=self.name)
        return redirect_to_login(request.GET.get("next", index), settings.LOGIN_URL)
