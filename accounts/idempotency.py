"""One object per create form, however often it is submitted.

Create forms carry a one-time token (``{% form_token %}``). ``@once_per_form`` runs
the view and the token's insert in one transaction: a second POST with the same token
(a double tap, a resent request) waits for the first to commit, finds the token taken
and creates nothing. A form that came back with errors keeps no token, so the corrected
form can be sent again; a re-rendered form gets a fresh token anyway.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import SubmittedForm

FIELD = "form_token"


def _token(request):
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _result_url(response):
    return response.headers.get("HX-Redirect") or response.headers.get("Location") or ""


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
            if response.status_code >= 400:
                # Nothing was saved; let the corrected form use a token again.
                transaction.set_rollback(True)
            else:
                SubmittedForm.objects.filter(token=token).update(result_url=_result_url(response))
            return response

    return wrapped
