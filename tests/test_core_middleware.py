"""HtmxMessagesMiddleware: messages reach a page htmx updates in place at once, and
wait for the next page when htmx will not swap the answer."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.test import RequestFactory
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from core.middleware import HtmxMessagesMiddleware

OOB = '<div id="messages" hx-swap-oob="innerHTML">'


def answer(response, *, htmx=True):
    """Run ``response`` through the middleware for a request with one pending
    message; return the response and the request's message storage."""
    request = RequestFactory().post("/", headers={"HX-Request": "true"} if htmx else {})
    request.htmx = HtmxDetails(request)
    request._messages = CookieStorage(request)
    messages.success(request, "Timene er lagret.")
    response = HtmxMessagesMiddleware(lambda request: response)(request)
    return response, request._messages


def test_an_htmx_fragment_gets_the_message_in_the_live_region_at_once():
    response, pending = answer(HttpResponse("<form>…</form>"))
    html = response.content.decode()
    assert html.startswith("<form>…</form>")
    assert OOB in html and "Timene er lagret." in html and 'role="status"' in html
    assert pending.used  # shown now, so not kept for the next page


def test_the_content_length_follows_the_added_message():
    response = HttpResponse("<p>x</p>")
    response["Content-Length"] = "8"
    response, _ = answer(response)
    assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.parametrize("status", [409, 422])
def test_a_refused_form_that_htmx_swaps_shows_its_message_too(status):
    response, _ = answer(HttpResponse("<form>…</form>", status=status))
    assert OOB in response.content.decode()


@pytest.mark.parametrize(
    "response",
    [
        HttpResponseRedirect("/customers/"),
        HttpResponseClientRedirect("/customers/"),
        HttpResponseClientRefresh(),
        HttpResponse(headers={"HX-Location": "/customers/"}),
        HttpResponse(status=204),
        HttpResponse("<h1>Ikke funnet</h1>", status=404),
        JsonResponse({"ok": True}),
    ],
    ids=["redirect", "hx-redirect", "hx-refresh", "hx-location", "204", "404", "json"],
)
def test_the_message_waits_for_the_next_page_when_htmx_does_not_swap(response):
    response, pending = answer(response)
    assert OOB.encode() not in response.content
    assert not pending.used and len(pending) == 1


def test_a_whole_page_is_left_alone():
    response, pending = answer(HttpResponse("<html>…</html>"), htmx=False)
    assert OOB.encode() not in response.content and not pending.used


def test_an_htmx_answer_without_messages_is_unchanged():
    request = RequestFactory().get("/", headers={"HX-Request": "true"})
    request.htmx = HtmxDetails(request)
    request._messages = CookieStorage(request)
    response = HtmxMessagesMiddleware(lambda request: HttpResponse("<p>x</p>"))(request)
    assert response.content == b"<p>x</p>"
