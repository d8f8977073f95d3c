"""Middleware every page passes through: database outages, NUL bytes, htmx fragments,
the user's language and the firm scope."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_scopes import scope, scopes_disabled

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response():
    """A static "try again shortly" page. It renders without a request context, so
    nothing on it touches the database that just failed."""
    response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 instead of 500 while the database cannot be reached.

    Place it right after AuthenticationMiddleware: it loads the session and the user
    itself, so a database outage there is caught before any later middleware or view
    touches ``request.user``; outages inside a view come through process_exception.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.user.is_authenticated  # noqa: B018 - loads session and user now
        except DATABASE_ERRORS:
            return database_unavailable_response()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response()
        return None


class RejectNulInQueryMiddleware:
    """A NUL byte in a query string answers 400: PostgreSQL cannot compare text with
    one, and no search box, filter or page number ever needs it. (Forms reject NUL in
    POSTed fields themselves, with a message next to the field.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in "".join([key, *values]) for key, values in request.GET.lists()):
            return HttpResponseBadRequest("NUL bytes are not allowed in the address.")
        return self.get_response(request)


class HtmxPageOrFragmentMiddleware:
    """Lets every view answer ``request.htmx`` with a fragment, safely:

    - htmx restoring history after a cache miss asks for the whole page, so that
      request is treated as an ordinary one (no fragment without the layout);
    - every response varies on HX-Request, so a cache never serves a fragment for
      a page or the other way round.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("HTTP_HX_HISTORY_RESTORE_REQUEST") == "true":
            request.META.pop("HTTP_HX_REQUEST", None)
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        return response


# No firm has this id: a user without a firm is scoped to nothing, never to everything
# (django-scopes treats a scope value of None as "no filter").
NO_COMPANY = 0


class UserLanguageMiddleware:
    """The language is the user's own choice (profile), else Norwegian bokmål.

    The browser's Accept-Language header is deliberately ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language:
            language = user.language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class CompanyScopeMiddleware:
    """Scopes every query on a firm-owned model to the request user's firm.

    A query on a scoped model outside a scope raises ScopeError instead of leaking
    another firm's rows. The Django admin is for platform staff, who see all firms.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            with scopes_disabled():
                return self.get_response(request)
        user = request.user
        company_id = (user.company_id if user.is_authenticated else None) or NO_COMPANY
        request.company_id = company_id
        with scope(company=company_id):
            return self.get_response(request)


class HtmxMessagesMiddleware:
    """Messages reach an htmx page at once, in its live region (``#messages``).

    A view adds its message and answers with a fragment; this appends the pending
    messages as an out-of-band swap of the live region's content, so screen readers
    announce them. Redirects of any kind keep the messages for the page they lead to.
    """

    REDIRECT_HEADERS = ("HX-Redirect", "HX-Location", "HX-Refresh")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._takes_messages(request, response):
            return response
        pending = list(get_messages(request))
        if pending:
            html = render_to_string("_messages.html", {"messages": pending})
            response.content += (f'<div id="messages" hx-swap-oob="innerHTML">{html}</div>').encode(
                response.charset
            )
        return response

    def _takes_messages(self, request, response):
        return (
            getattr(request, "htmx", False)
            and not response.streaming
            and response.status_code not in (204, 304)
            and not 300 <= response.status_code < 400
            and response.get("Content-Type", "").startswith("text/html")
            and not any(header in response for header in self.REDIRECT_HEADERS)
        )
