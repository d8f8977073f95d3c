"""Reads that may come from a replica.

When DATABASE_REPLICA_URL is set (alias ``replica``), a view marked ``@replica_reads``
(a report or an export: it shows what was saved and holds no form that posts back
what it read) reads from the replica. Everything else reads from the primary, and
every write goes there. A replica lags its primary a little, so a user who just
wrote is kept on the primary for REPLICA_PIN_SECONDS: their write sets a short
cookie (``PrimaryAfterWriteMiddleware``), and while it lasts their reports read the
primary too, on any app server. The cookie only chooses the database a user's own
firm's data is read from, so a changed cookie gains nothing.
"""

import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "svenn_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reading_replica = ContextVar("reading_replica", default=False)


def replica_configured():
    return REPLICA in connections


def pinned_to_primary(request):
    try:
        until = int(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    return until > time.time()


def replica_reads(view):
    """The view's reads may come from the replica: GET and HEAD of a user who has not
    written within REPLICA_PIN_SECONDS. A streamed answer reads there as it streams."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or not replica_configured()
            or pinned_to_primary(request)
        ):
            return view(request, *args, **kwargs)
        token = _reading_replica.set(True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _reading_replica.reset(token)
        if response.streaming:
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapped


def _streamed_from_replica(chunks):
    # Set around each step only: between steps (and if the client goes away) the
    # thread reads from the primary again.
    iterator = iter(chunks)
    while True:
        token = _reading_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_replica.reset(token)
        yield chunk


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_configured():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Explicit: Django would otherwise save an object where it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class PrimaryAfterWriteMiddleware:
    """After a request that may have written (any method but GET, HEAD and OPTIONS),
    the user's reads come from the primary for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
