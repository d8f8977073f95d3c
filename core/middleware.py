"""Middleware every page passes through: room on the frame stack, database outages,
NUL bytes, caching for signed-in users, htmx fragments, messages on htmx pages, the
user's language and the firm scope."""

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_scopes import scopes_disabled

from core.headroom import with_headroom
from core.tenancy import firm_scope

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class HeadroomMiddleware:
    """Answers the request from a frame with room below it (core/headroom.py), so that
    rendering a page's rows does not map and unmap a chunk of CPython's frame stack
    for each call. First in MIDDLEWARE: everything after it runs in that room."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return with_headroom(self.get_response, request)


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


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user (pages, htmx
    fragments, exports, redirects, errors), and on the answer that signs one in or
    out: a shared computer's browser cache or a proxy must not keep a firm's data.

    Place it after DatabaseUnavailableMiddleware (the user is loaded by then) and after
    WhiteNoiseMiddleware, so static files keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response


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


class HtmxMessagesMiddleware:
    """Shows the request's messages at once on a page that htmx updates in place.

    An htmx answer is a fragment, so base.html's live region (``#messages``) is not in
    it and a message such as "Timene er lagret." would wait for the next full page.
    This appends the pending messages as an out-of-band swap of the region's content
    (the region itself stays, so screen readers announce the change).

    Messages stay for the next page when htmx will not swap this answer: a redirect,
    a client redirect (HX-Redirect, HX-Location, HX-Refresh), a 204, or an error
    status htmx leaves unswapped (svenn.js swaps 409 and 422 like a 200).

    Place it after MessageMiddleware: its answer must be handled before
    MessageMiddleware stores what is left for the next request.
    """

    CLIENT_REDIRECTS = ("HX-Redirect", "HX-Location", "HX-Refresh")
    SWAPPED_ERRORS = (409, 422)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._swaps_in_place(request, response):
            pending = messages.get_messages(request)
            if len(pending):
                region = render_to_string("_messages.html", {"messages": pending})
                oob = f'<div id="messages" hx-swap-oob="innerHTML">{region}</div>'
                response.content += oob.encode(response.charset)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
        return response

    def _swaps_in_place(self, request, response):
        status = response.status_code
        return (
            getattr(request, "htmx", False)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and ((200 <= status < 300 and status != 204) or status in self.SWAPPED_ERRORS)
            and not any(response.has_header(h) for h in self.CLIENT_REDIRECTS)
        )


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
        with firm_scope(company_id):
            return self.get_response(request)
