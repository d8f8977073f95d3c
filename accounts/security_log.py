"""The firm's security log ("Sikkerhetslogg"): the one way to record a security event.

    security_log.record(Kind.ROLE_CHANGED, actor=by, user=user, detail={"old": ..., "new": ...})

``record(kind, *, request=None, user=None, actor=None, company=None, detail={})`` writes one
``SecurityEvent`` row:

- ``user`` is whom the event concerns, ``actor`` who did it (left out: the request's
  signed-in user, else nobody, as at a failed sign-in); ``company`` is the firm whose
  log gets the row, by default the user's (or the actor's). An event without a firm
  (platform staff, an e-mail that belongs to no firm user) is written to the
  application log (logger ``accounts.security``) only.
- ``request`` gives the client address (the address django-axes counts failed sign-ins
  by, ``axes.helpers.get_client_ip_address``) and the user agent. Left out, the request
  being answered is used (``RequestMiddleware``), so a service called from a view
  records the address without being handed the request.
- ``detail`` is a small dict of plain values (the e-mail typed at a failed sign-in, the
  old and new role, an export's filter). Keys that name a secret are refused.

The kinds are ``Kind`` (``accounts.models.SecurityEventKind``); a new one is a line
there and a ``record`` call where it happens. Sign-ins, sign-outs, failed sign-ins and
lockouts are recorded by the signal receivers below, from Django and django-axes.
"""

import datetime
import logging
from contextvars import ContextVar

import pgtrigger
from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .models import SecurityEvent, SecurityEventKind, normalise_email
from .permissions import Role

Kind = SecurityEventKind
logger = logging.getLogger("accounts.security")

USER_AGENT_LENGTH = SecurityEvent._meta.get_field("user_agent").max_length
DETAIL_TEXT_LENGTH = 200
# A detail never holds a credential; a key that names one is a programming error.
SECRET_WORDS = ("password", "passord", "token", "secret", "session", "link", "otp", "key")
# Events without a firm that an operator should see in the application log.
WARNINGS = {Kind.SIGN_IN_FAILED, Kind.LOCKED_OUT}

_current_request = ContextVar("security_log_request", default=None)


class RequestMiddleware:
    """Makes the request being answered the default ``request`` of ``record``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _clean_detail(detail):
    cleaned = {}
    for key, value in (detail or {}).items():
        if any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"A security log detail names a secret: {key!r}")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise TypeError(f"A security log detail holds plain values only: {key!r}")
        cleaned[key] = value[:DETAIL_TEXT_LENGTH] if isinstance(value, str) else value
    return cleaned


def _client(request):
    if request is None:
        return None, ""
    address = get_client_ip_address(request) or None
    agent = request.META.get("HTTP_USER_AGENT", "")
    return address, agent[:USER_AGENT_LENGTH]


def record(kind, *, request=None, user=None, actor=None, company=None, detail=None):
    """Write one event to its firm's security log (see the module's description);
    returns the row, or None for an event without a firm."""
    kind = Kind(kind)
    request = request if request is not None else _current_request.get()
    if actor is None and request is not None:
        signed_in = getattr(request, "user", None)
        actor = signed_in if signed_in is not None and signed_in.is_authenticated else None
    if company is None:
        company = getattr(user or actor, "company", None)
    address, agent = _client(request)
    detail = _clean_detail(detail)
    if company is None:
        level = logging.WARNING if kind in WARNINGS else logging.INFO
        logger.log(
            level,
            "Security event %s of no firm: user %s, from %s",
            kind.value,
            getattr(user or actor, "pk", None),
            address,
        )
        return None
    event = SecurityEvent(
        company=company,
        kind=kind,
        actor=actor,
        user=user,
        ip_address=address,
        user_agent=agent,
        detail=detail,
    )
    # save(), not objects.create(): a sign-in happens before the firm's scope is open.
    event.save()
    return event


def prune(*, before):
    """Delete every firm's events older than ``before``; returns how many.

    The one deletion the append-only trigger lets through: ``pgtrigger.ignore`` sets
    the setting the trigger reads (``pgtrigger.ignore``) for this transaction's
    statements only, so every other UPDATE or DELETE is still refused."""
    with (
        scopes_disabled(),
        transaction.atomic(),
        pgtrigger.ignore(f"{SecurityEvent._meta.label}:append_only"),
    ):
        deleted, _rows = SecurityEvent.objects.filter(at__lt=before).delete()
    return deleted


def _firm_user(email):
    """The firm user an e-mail typed at sign-in belongs to, or None."""
    email = normalise_email(email)
    if not email:
        return None
    return (
        get_user_model()
        .objects.filter(email=email, company__isnull=False)
        .select_related("company")
        .first()
    )


def _record_attempt(kind, request, email):
    """A failed sign-in or lockout: in the firm log of the user the e-mail belongs to."""
    user = _firm_user(email)
    if user is None:
        # No firm to log it in; never the typed text, which may be a password.
        address, _agent = _client(request)
        logger.warning("Security event %s for no firm user, from %s", kind.value, address)
        return None
    return record(kind, request=request, user=user, detail={"email": normalise_email(email)})


@receiver(user_logged_in, dispatch_uid="security_log_signed_in")
def _signed_in(sender, request, user, **kwargs):
    record(Kind.SIGNED_IN, request=request, user=user, actor=user)


@receiver(user_logged_out, dispatch_uid="security_log_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGNED_OUT, request=request, user=user, actor=user)


@receiver(user_login_failed, dispatch_uid="security_log_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the e-mail is read.
    _record_attempt(Kind.SIGN_IN_FAILED, request, credentials.get("username"))


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request, username, **kwargs):
    _record_attempt(Kind.LOCKED_OUT, request, username)


def _date(value):
    try:
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value


def _export_summary(detail):
    parts = [str(detail.get("format", "")).upper()]
    for name, label in EXPORT_FILTERS.items():
        value = detail.get(name)
        if value:
            shown = _date(value) if name.startswith("date_") else STATUS_NAMES.get(value, value)
            parts.append(f"{label} {shown}")
    return " · ".join(part for part in parts if part)


def describe(event):
    """The event's detail as one line of the page, in the reader's language."""
    detail = event.detail or {}
    if event.kind == Kind.ROLE_CHANGED:
        old, new = (ROLE_NAMES.get(detail.get(k), detail.get(k)) for k in ("old", "new"))
        return f"{old} → {new}"
    if event.kind == Kind.USER_CREATED:
        return str(ROLE_NAMES.get(detail.get("role"), detail.get("role", "")))
    if event.kind == Kind.EXPORTED:
        return _export_summary(detail)
    return " · ".join(str(value) for value in detail.values() if value not in (None, ""))


ROLE_NAMES = dict(Role.choices)
# The status of exported hours, and the tab of an exported customer list.
STATUS_NAMES = {
    "approved": _("approved"),
    "open": _("not approved"),
    "active": _("active"),
    "inactive": _("inactive"),
}
# The filters an export names in its detail, as the page labels them.
EXPORT_FILTERS = {
    "date_from": _("from"),
    "date_to": _("to"),
    "user": _("employee"),
    "customer": _("customer"),
    "project": _("project"),
    "status": _("status"),
    "customers": _("customers"),
    "search": _("search"),
}
