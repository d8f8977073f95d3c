"""The one save protocol every form page follows (docs/architecture.md, "A page").

A form view reads the same in every app::

    obj = get_x_for_user(request, pk)                 # 404 outside the firm
    form = XForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        if save(form, services.x_update, x=obj, by=request.user, **form.cleaned_data):
            return after_write(request, obj.get_absolute_url(), _("Saved."))
    return page(request, "x/detail.html", "form", {"form": form}, status=form_status(form))

- ``save`` runs the service; a StaleVersion becomes ``conflict`` (409: who saved,
  what differs, the input kept and the saved version carried, so "Lagre" again
  saves), a ValidationError goes next to its field (422).

- ``page`` renders the whole page, or for an htmx request the named partial.
- ``form_status`` is 200 for a fresh or valid form, 422 when invalid, 409 after
  ``conflict`` (a stale version) or ``refuse`` (the object changed state).
- ``after_write`` adds the message and redirects, or answers htmx with a client
  redirect or with a swap of the response the view made (``swap=``).
- Messages reach an htmx page at once: core.middleware.HtmxMessagesMiddleware puts
  them in the page's live region.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from .models import StaleVersion

# The error code of a form refused because its object changed since it was read (409).
CONFLICT = "conflict"
VERSION_FIELD = "version"


def page(request, template, partial, context, *, status=200):
    """``template`` for a page load, ``template#partial`` for an htmx request."""
    name = f"{template}#{partial}" if request.htmx and partial else template
    return render(request, name, context, status=status)


def form_status(*forms):
    """The status of an answer that shows ``forms`` (forms or formsets) again: 200
    when none is bound or all are valid, 409 when one is in conflict, else 422."""
    bound = [form for form in forms if form is not None and form.is_bound]
    if any(_in_conflict(form) for form in bound):
        return 409
    if not all(form.is_valid() for form in bound):
        return 422
    return 200


def _in_conflict(form):
    errors = getattr(form, "errors", None)
    if not hasattr(errors, "as_data"):
        return False  # a formset: the version lives on its form
    return any(error.code == CONFLICT for error in errors.as_data().get(NON_FIELD_ERRORS, []))


def form_errors(form, error):
    """Put a service's ValidationError on the form: on its field where the form has
    one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save(form, write, **arguments):
    """Run the service ``write(**arguments)`` for a valid form and return what it
    returns; or None, with the reason on the form: a StaleVersion becomes ``conflict``
    (409), a ValidationError goes next to its field (422)."""
    try:
        return write(**arguments)
    except StaleVersion as stale:
        conflict(form, stale)
    except ValidationError as error:
        form_errors(form, error)
    return None


def conflict(form, stale):
    """Someone saved the object since this form was read: say who and what differs,
    keep the user's input, and carry the saved version, so "Lagre" again saves."""
    form.add_error(None, ValidationError(stale.message_for(form), code=CONFLICT))
    form.data = form.data.copy()
    form.data[form.add_prefix(VERSION_FIELD)] = stale.current.version


def refuse(form, message):
    """The object changed state since the form was read (approved, finished): a 409
    that says why and keeps the user's input."""
    form.add_error(None, ValidationError(message, code=CONFLICT))


def navigate(request, url):
    """Send the browser to ``url``: a redirect, or for htmx a client redirect (htmx
    would follow a redirect itself and swap the whole page in as a fragment)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def safe_next(request, url, default):
    """``url`` where it is a path of this site, else ``default``: never another site (an
    open redirect), and only a path, since redirect() reads a bare word ("a b") as a URL
    name and fails to find it."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return default


def id_from(value):
    """An id from the address or a posted field: the whole number it is, else None,
    which finds nothing (a 404), never a 500: not "²", which ``isdigit`` lets through
    and ``int`` refuses. One past a column's range finds nothing too (Django 5.2)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def after_write(request, url, message=None, *, swap=None, target=None, close_dialog=False):
    """The answer to a successful write.

    A plain form follows a redirect to ``url``. htmx swaps what ``swap()`` renders (a
    function, called for htmx only) into ``target`` when given, else navigates to
    ``url``.
    """
    if message:
        messages.success(request, message)
    if not request.htmx or swap is None:
        return navigate(request, url)
    swap = swap()
    if target:
        swap = reswap(retarget(swap, target), "outerHTML")
    if close_dialog:
        swap = trigger_client_event(swap, "closeDialog")
    return swap
