"""One object per create form, however often it is submitted.

Create forms carry a one-time token (``{% form_token %}``). ``@once_per_form`` runs
the view and the token's insert in one transaction: a second POST with the same token
(a double tap, a resent request) waits for the first to commit, finds the token taken
and creates nothing. The view calls ``saved(request, url)`` when it created its object;
otherwise (errors, a re-rendered form) the token is given back, so the corrected form
can be sent again.
"""

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SubmittedForm

FIELD = "form_token"
KEEP = timedelta(days=1)


def _token(request):
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def saved(request, url=""):
    """Tell @once_per_form that this request created its object (shown at ``url``)."""
    request.form_saved_url = str(url)


def _already_saved(request, token):
    """The answer to a repeated form: nothing new is made."""
    if request.htmx:
        # The first response already updated the page.
        return HttpResponse(status=204)
    previous = SubmittedForm.objects.filter(token=token, user=request.user).first()
    messages.info(request, _("This form was already saved."))
    return redirect(previous.result_url if previous and previous.result_url else request.path)


def once_per_form(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SubmittedForm.objects.create(token=token, user=request.user)
            except IntegrityError:
                return _already_saved(request, token)
            response = view(request, *args, **kwargs)
            mine = SubmittedForm.objects.filter(token=token)
            url = getattr(request, "form_saved_url", None)
            if url is None or response.status_code >= 400:
                mine.delete()  # nothing was made: the token may be used again
            else:
                mine.update(result_url=url)
                # A token only matters while a repeat can arrive: keep a day of them.
                SubmittedForm.objects.filter(
                    user=request.user, created_at__lt=timezone.now() - KEEP
                ).delete()
            return response

    return wrapped
