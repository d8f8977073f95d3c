"""The error pages (handler403/404/500 in svenn.urls, CSRF_FAILURE_VIEW in settings) and
the pages of a job (core.jobs)."""

import sys

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from . import jobs
from .middleware import DATABASE_ERRORS, database_unavailable_response
from .pages import page

# The jobs of one user on a page of "Mine jobber"; a day's jobs fit on one.
JOBS_PAGE_SIZE = 25


def permission_denied(request, exception=None):
    """ "Ingen tilgang", with the refusal's reason where it has one written for the user
    (``user_message``: an entry handed in or approved), else the role message."""
    reason = getattr(exception, "user_message", None)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


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


@require_GET
def job(request, pk):
    """A job's page: its progress while it runs (an htmx poll every second, which the
    answer for a finished job stops with 286), then its file or its summary."""
    job = jobs.get_job_for_user(request, pk)
    context = {"job": job, "kind": jobs.kind_of(job)}
    status = 286 if request.htmx and job.is_finished else 200
    return page(request, "core/job.html", "status", context, status=status)


@require_GET
def job_file(request, pk):
    job = jobs.get_job_for_user(request, pk, with_file=True)
    if not job.has_file:
        raise Http404
    jobs.kind_of(job).downloaded(request, job)
    response = HttpResponse(bytes(job.result), content_type=job.result_type)
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    return response


@require_GET
def my_jobs(request):
    """The user's own jobs ("Mine jobber"), newest first. While one waits or runs, htmx
    asks for the list again every few seconds; the answer once none does stops it
    (286), as on a job's page."""
    jobs_page = Paginator(jobs.jobs_of_user(request.user), JOBS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(job, jobs.kind_of(job)) for job in jobs_page]
    running = any(not job.is_finished for job, _kind in rows)
    context = {"page": jobs_page, "rows": rows, "running": running}
    status = 286 if request.htmx and not running else 200
    return page(request, "core/my_jobs.html", "list", context, status=status)
