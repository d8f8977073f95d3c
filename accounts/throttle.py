"""Counting attempts: failed logins (django-axes) and password resets, per e-mail
address in its normalised spelling and per client address.

The counts live in PostgreSQL, not in a cache: every gunicorn worker of every app
server must see the same count, and one statement (an upsert) counts atomically, so
parallel requests cannot slip past a limit the way a read-then-write cache can.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Throttle, normalise_email

WINDOW_SECONDS = 60 * 60  # limits are per clock hour


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


def allow(scope, value, *, limit):
    """Count one attempt of ``value`` (an address, an e-mail) under ``scope`` in the
    current hour; False once it is more than ``limit`` in that hour. Counts of earlier
    hours are deleted on the way."""
    seconds = int(timezone.now().timestamp()) // WINDOW_SECONDS * WINDOW_SECONDS
    start = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    key = salted_hmac(f"accounts.throttle.{scope}", value, algorithm="sha256").hexdigest()
    table = Throttle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE window_start < %s", [start])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [key, start],
        )
        (count,) = cursor.fetchone()
    return count <= limit


def password_reset_allowed(request, email):
    """May this request e-mail a reset link? At most PASSWORD_RESET_CLIENT_LIMIT
    requests per client address and PASSWORD_RESET_EMAIL_LIMIT e-mails per address
    an hour; a refused request is not counted against the e-mail address."""
    return allow(
        "password_reset.client",
        client_address(request),
        limit=settings.PASSWORD_RESET_CLIENT_LIMIT,
    ) and allow(
        "password_reset.email",
        normalise_email(email),
        limit=settings.PASSWORD_RESET_EMAIL_LIMIT,
    )
