"""PDF documents made on the server from a Django template, by WeasyPrint (which needs
Pango: the Makefile installs it).

A document may load the app's own static files (its print stylesheet, a font) and
nothing else: ``StaticOnly`` refuses every other URL, so text a user typed that ever
reached the HTML as markup (an ``<img src=http://...>`` in a customer's name) could not
make the server fetch anything, inside the network or out of it.
"""

import functools
import gc
import mimetypes
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import strip_spaces_between_tags
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF = "application/pdf"
# The address the document's relative URLs are read against: a name that cannot resolve
# (RFC 2606), so a URL is either this app's static file or refused.
BASE_URL = "https://svenn.invalid/"
USER_AGENT_CSS = "css/pdf-ua.css"


class Refused(ValueError):
    """A URL outside the app's static files."""


def static_path(url):
    """The file of the app's static ``url`` (``BASE_URL`` + ``STATIC_URL`` + name), or
    None for any other URL."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    prefix = settings.STATIC_URL
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(prefix) or parts.query:
        return None
    name = unquote(parts.path[len(prefix) :])
    if not name or ".." in name.split("/"):
        return None
    found = finders.find(name)  # development and tests: the files in static/
    if found is None and staticfiles_storage.exists(name):  # production: collected, hashed
        found = staticfiles_storage.path(name)
    return found


class StaticOnly(URLFetcher):
    """WeasyPrint's fetcher for the app's static files only; ``fetched`` and ``refused``
    keep the URLs it was asked for."""

    def __init__(self):
        super().__init__(allow_redirects=False)
        self.fetched, self.refused = [], []

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            self.refused.append(url)
            raise Refused(f"Not one of the app's static files: {url}")
        self.fetched.append(url)
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


@functools.cache
def user_agent_stylesheet():
    """static/css/pdf-ua.css, parsed once per process."""
    with open(finders.find(USER_AGENT_CSS), encoding="utf-8") as file:
        return CSS(string=file.read())


class Document(HTML):
    """WeasyPrint's HTML with the app's own user-agent stylesheet (static/css/pdf-ua.css,
    which says why) in place of its html5_ua.css. ``_ua_stylesheets`` is the hook
    WeasyPrint's own test suite overrides for the same; tests/test_invoicing_pdf.py fails
    if it goes."""

    def _ua_stylesheets(self, forms=False):
        return [user_agent_stylesheet()]


@contextmanager
def without_cycle_collector():
    """Python's cycle collector held off: WeasyPrint makes millions of short-lived
    objects, freed by their reference counts, and the collector's passes over them (and
    over the rest of the process) were a tenth of a long PDF's time. The peak memory of
    a 2,000-line basis is the same with it or without it (191 MB against 188 MB)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def pdf_bytes(html, *, fetcher=None):
    """The PDF of ``html``, its URLs read by ``fetcher`` (a new ``StaticOnly``)."""
    fetcher = fetcher or StaticOnly()
    with without_cycle_collector():
        return Document(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(template, context):
    """The PDF of ``template`` rendered with ``context`` (autoescaped, as any page).
    The whitespace between tags goes first: a long table has thousands of such text
    nodes, each a box WeasyPrint would build and then drop."""
    return pdf_bytes(strip_spaces_between_tags(render_to_string(template, context)))


def pdf_response(data, filename):
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
