"""Sends a user who must use two-factor sign-in (accounts.two_factor.required_for) to
set it up, or to give a code, before any other page."""

from urllib.parse import urlencode

from django.urls import reverse

from core.pages import navigate

from . import two_factor

# The pages such a user may still open: setting it up, giving the code, logging out.
ALLOWED = {"accounts:two_factor_setup", "accounts:login_code", "accounts:logout"}


class TwoFactorRequiredMiddleware:
    """After LoginRequiredMiddleware and OTPMiddleware. A verified session (signed in
    with a code) costs no query; the firm's setting is read for managers only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in ALLOWED or not two_factor.required_for(user):
            return None
        if two_factor.has_two_factor(user):
            query = urlencode({"next": request.get_full_path()})
            url = f"{reverse('accounts:login_code')}?{query}"
        else:
            url = reverse("accounts:two_factor_setup")
        return navigate(request, url)
