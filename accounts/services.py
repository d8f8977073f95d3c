"""Writes on firms and users. Keyword-only, validated, one transaction each."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.validators import clean_org_number

from . import permissions as perms
from . import security_log
from .models import Company, User, normalise_email
from .permissions import Role
from .security_log import Kind
from .sessions import end_sessions


@transaction.atomic
def company_update(*, company, by, name, org_number):
    """Rename ``by``'s firm and set its organisation number (stored as 9 digits, or
    empty). Invalid input raises ValidationError by field and saves nothing."""
    if company.pk != by.company_id or not by.has_perm(perms.COMPANY_MANAGE):
        raise PermissionDenied
    current = Company.objects.select_for_update().get(pk=company.pk)
    current.name = (name or "").strip()
    org_number = (org_number or "").strip()
    if org_number:
        try:
            org_number = clean_org_number(org_number)
        except ValidationError as error:
            raise ValidationError({"org_number": error.messages}) from error
    current.org_number = org_number
    current.full_clean(exclude=["created_at"])
    current.save(update_fields=["name", "org_number"])
    return current


@transaction.atomic
def company_prices_update(*, company, by, hourly_rate, moderators_may_invoice, rate_per_km=None):
    """The firm's default hourly price and its rate per km for driving (None: none),
    and whether its Moderators may mark a basis as invoiced
    (accounts.permissions.FIRM_CHOICES)."""
    if company.pk != by.company_id or not by.has_perm(perms.COMPANY_MANAGE):
        raise PermissionDenied
    current = Company.objects.select_for_update().get(pk=company.pk)
    current.hourly_rate = hourly_rate
    current.rate_per_km = rate_per_km
    current.moderators_may_invoice = bool(moderators_may_invoice)
    current.full_clean(exclude=["created_at"])
    current.save(update_fields=["hourly_rate", "rate_per_km", "moderators_may_invoice"])
    return current


@transaction.atomic
def company_timer_update(*, company, by, timer_rounding):
    """What the firm's stopped timers round their time to (accounts.models.TimerRounding)."""
    if company.pk != by.company_id or not by.has_perm(perms.COMPANY_MANAGE):
        raise PermissionDenied
    current = Company.objects.select_for_update().get(pk=company.pk)
    current.timer_rounding = timer_rounding
    current.full_clean(exclude=["created_at"])
    current.save(update_fields=["timer_rounding"])
    return current


def _other_active_admins(user):
    return User.in_company.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def user_create(*, company, by, email, name, role=Role.EMPLOYEE, phone="", language="nb"):
    """Add a user to ``company`` without a usable password; they set one from the link
    they are e-mailed."""
    user = User(
        email=normalise_email(email),
        name=name,
        phone=phone,
        role=role,
        language=language,
        company=company,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    security_log.record(Kind.USER_CREATED, user=user, actor=by, detail={"role": role})
    return user


def set_password_link(request, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return request.build_absolute_uri(path)


def user_send_welcome(*, request, user, by):
    """E-mail the new user a link to choose a password, in their own language."""
    with override(user.language):
        context = {"user": user, "by": by, "link": set_password_link(request, user)}
        send_mail(
            subject=_("Welcome to Svenn"),
            message=render_to_string("accounts/email/welcome.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


@transaction.atomic
def user_update(*, user, by, name, phone, role, hourly_cost=None):
    """Change a user's card; ``hourly_cost`` (None: not set) only by whoever may see
    costs (accounts.permissions.COSTS)."""
    if hourly_cost != user.hourly_cost and not by.has_perm(perms.COSTS):
        raise PermissionDenied
    if user.pk == by.pk and role != Role.ADMIN:
        raise ValidationError({"role": _("You cannot take the Administrator role from yourself.")})
    if user.role == Role.ADMIN and role != Role.ADMIN and not _other_active_admins(user):
        raise ValidationError({"role": _("The firm must keep at least one Administrator.")})
    old_role = user.role
    user.name, user.phone, user.role, user.hourly_cost = name, phone, role, hourly_cost
    user.full_clean()
    user.save(update_fields=["name", "phone", "role", "hourly_cost"])
    if role != old_role:
        detail = {"old": old_role, "new": role}
        security_log.record(Kind.ROLE_CHANGED, user=user, actor=by, detail=detail)
        # They log in again to work in the new role.
        end_sessions(user)
    return user


@transaction.atomic
def user_set_active(*, user, by, active):
    """Deactivate or reactivate a user. Their data stays; they just cannot log in, and
    a session they had open does not come back when they are reactivated."""
    if not active and user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not active and user.role == Role.ADMIN and not _other_active_admins(user):
        raise ValidationError(_("The firm must keep at least one Administrator."))
    was_active, user.is_active = user.is_active, active
    user.save(update_fields=["is_active"])
    if active != was_active:
        kind = Kind.USER_REACTIVATED if active else Kind.USER_DEACTIVATED
        security_log.record(kind, user=user, actor=by)
    if not active:
        end_sessions(user)
    return user


def user_update_profile(*, user, name, phone, language):
    user.name, user.phone, user.language = name, phone, language
    user.full_clean()
    user.save(update_fields=["name", "phone", "language"])
    return user
