"""Sessions in PostgreSQL that know their user (SESSION_ENGINE), and how long they last.

- Idle: a session expires SESSION_IDLE_TIMEOUT after it was last saved (Django's
  SESSION_COOKIE_AGE). Working pushes the expiry on, but the row is written at most
  once every SESSION_REFRESH_INTERVAL rather than on every request.
- Absolute: SESSION_ABSOLUTE_TIMEOUT after logging in the user is logged out, however
  busy. The login time is kept in the session; a session without one was not made by
  logging in and counts as expired.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Session

LOGIN_AT = "login_at"  # seconds since the epoch
REFRESHED_AT = "refreshed_at"


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session


def end_sessions(user, *, keep=None):
    """Log ``user`` out everywhere, except in the session with the key ``keep``."""
    Session.objects.filter(user=user).exclude(session_key=keep).delete()


def _now():
    return int(timezone.now().timestamp())


def record_login(sender, request, user, **kwargs):
    """On user_logged_in: the absolute lifetime starts now."""
    request.session[LOGIN_AT] = _now()


class SessionLifetimeMiddleware:
    """Logs out a session past its absolute lifetime (with a message on the login
    page) and pushes a working session's idle expiry on, at most once an interval.

    Place it after MessageMiddleware (for the message). LoginRequiredMiddleware, which
    acts later in process_view, then sends the logged-out request to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session, now = request.session, _now()
            logged_in_at = session.get(LOGIN_AT)
            if logged_in_at is None or now - logged_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            elif now - session.get(REFRESHED_AT, logged_in_at) >= settings.SESSION_REFRESH_INTERVAL:
                session[REFRESHED_AT] = now  # saves the session, with a new expiry
        return self.get_response(request)
