"""Counting failed logins (django-axes) per e-mail address, in its normalised
spelling, and per client address."""

from django.conf import settings

from .models import normalise_email


def client_address(request):
    """The client's IP address. Behind ``TRUSTED_PROXY_COUNT`` proxies (a load balancer)
    it is the address the outermost of them saw: the entry that many places from the
    right of X-Forwarded-For. Entries further left are whatever the client sent."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_username(request, credentials=None):
    """What django-axes counts failed logins under (AXES_USERNAME_CALLABLE): the
    e-mail as the login looks the user up, so ``PT@demo.no`` is ``pt@demo.no``."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_email(username) if username else username
