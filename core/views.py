"""The error pages (handler403/404/500 in svenn.urls, CSRF_FAILURE_VIEW in settings)."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from .middleware import DATABASE_ERRORS, database_unavailable_response


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """A write without a valid CSRF token: nearly always a form left open until its
    token went stale (a new login elsewhere, cleared cookies). It says so, instead of
    the role message of a permission refusal, which would send the user asking for
    access they already have."""
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """Static, without the request context: whatever failed (the database, too) is not
    asked again. Django calls this while handling the exception, so a database outage
    that escaped DatabaseUnavailableMiddleware still gets the 503 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response()
    return HttpResponseServerError(render_to_string("errors/500.html"))
