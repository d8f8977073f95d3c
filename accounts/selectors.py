"""Reads of users, always within the request user's firm (scoped manager)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import SecurityEvent, User


def users_of_company():
    """Every user of the current firm, active first, for user management."""
    return User.in_company.order_by("-is_active", "name")


def active_users():
    """The firm's active users: the ones that appear in pickers."""
    return User.in_company.filter(is_active=True).order_by("name")


def get_company_user(pk):
    """A user of the current firm; another firm's user is a 404."""
    return get_object_or_404(User.in_company.all(), pk=pk)


def security_events(*, kind=None, user=None):
    """The firm's security log, newest first: events of one kind, or that ``user`` did
    or that concern them."""
    events = SecurityEvent.objects.select_related("actor", "user")
    if kind:
        events = events.filter(kind=kind)
    if user is not None:
        events = events.filter(Q(user=user) | Q(actor=user))
    return events.order_by("-at", "-id")
