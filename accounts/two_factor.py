"""Two-factor sign-in: a TOTP app and single-use recovery codes (django-otp).

A user's authenticator app is a confirmed ``TOTPDevice``; their recovery codes are the
tokens of one ``StaticDevice``. Sign-in with a confirmed app takes two steps: the
password, then a code. Between them the session holds a *pending* sign-in (whose
password was right, when, and where to go next), never the user's id as signed in.

Wrong codes are throttled by django-otp per device: after n wrong codes in a row the
next is checked only 2^(n-1) seconds later (OTP_TOTP_THROTTLE_FACTOR), right or wrong.
"""

import base64
import re
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core.history import Change, entries, steps

from . import notifications, security_log
from . import permissions as perms
from .models import User, UserEvent

RECOVERY_CODES = 10
APP_CODE = re.compile(r"[0-9]{6}")
# StaticToken.random_token(): 5 random bytes in lower-case base32.
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
PENDING = "two_factor_pending"
ENROLMENT = "two_factor_enrolment"
DEVICE_NAME = "Svenn"


def normalise_code(value):
    """A code as typed: spaces and hyphens (from grouping) dropped, lower case."""
    return re.sub(r"[\s-]", "", value or "").lower()


# Reads


def has_two_factor(user):
    """Whether sign-in asks ``user`` for a code: they have a confirmed app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user):
    """Whether ``user`` may not work without two-factor sign-in: platform staff where
    the admin requires it, and Administrators and Moderators of a firm that does."""
    if user.is_staff and settings.ADMIN_REQUIRE_2FA:
        return True
    return bool(user.company_id and user.role in perms.MANAGERS and user.company.require_two_factor)


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def resets_of(user):
    """The Administrators' resets of ``user``'s two-factor sign-in, newest first, from
    the user's history: who and when."""
    events = UserEvent.objects.filter(pgh_obj_id=user.pk).order_by("pgh_id")

    def describe(step):
        if step.changed("two_factor_reset_at") and step.after["two_factor_reset_at"]:
            return Change(_("Two-factor authentication reset"))
        return None

    return entries(steps(events, ["two_factor_reset_at"]), describe)


@dataclass
class Enrolment:
    """What the set-up page shows: the secret as a QR code and as text."""

    device: TOTPDevice

    @property
    def secret(self):
        """The base32 secret in groups of four, for typing into an app by hand."""
        text = base64.b32encode(self.device.bin_key).decode()
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

    @property
    def qr_svg(self):
        """The app's set-up link as an inline SVG QR code (no image library needed).
        Its only input is the link django-otp builds, drawn as path data."""
        image = qrcode.make(
            self.device.config_url,
            image_factory=qrcode.image.svg.SvgPathFillImage,
            box_size=10,
            border=2,
        )
        return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def enrolment_for(request):
    """The app the signed-in user is setting up. Its secret waits in the session, kept
    across page loads so a scanned code stays valid, and becomes a device only when a
    code from the app confirms it: opening the page writes nothing."""
    key = request.session.get(ENROLMENT)
    if key is None:
        key = request.session[ENROLMENT] = random_hex(20)
    return Enrolment(TOTPDevice(user=request.user, name=DEVICE_NAME, key=key, confirmed=False))


# Checking a code


class CodeRefused(ValidationError):
    """A wrong code; ``locked_until`` is set when codes are throttled (429)."""

    def __init__(self, message, locked_until=None):
        super().__init__(message, code="throttled" if locked_until else "invalid")
        self.locked_until = locked_until


def _wrong_code():
    return CodeRefused(_("Wrong code. Check the app and try again."))


def _locked_message(until):
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return _("Too many wrong codes. Wait %(seconds)s seconds and try again with a new code.") % {
        "seconds": seconds
    }


def _refusal(device, code):
    """None when ``device`` accepts ``code``, else why not (a CodeRefused to raise once
    the transaction has kept the count: every wrong code is counted)."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        if why and why.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            return CodeRefused(_locked_message(why["locked_until"]), why["locked_until"])
        return CodeRefused(_("Codes cannot be checked right now. Try again later."))
    if not device.verify_token(code):
        return _wrong_code()
    return None


def verify_code(*, user, code):
    """The confirmed device of ``user`` that accepts ``code``: the app for six digits,
    else the recovery codes (a recovery code works once). Raises CodeRefused."""
    code = normalise_code(code)
    model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        # Locked, so two requests cannot both use one code or both skip the throttle.
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        refused = _refusal(device, code) if device else _wrong_code()
    if refused:
        raise refused
    return device


def confirm_code_or_password(*, user, value):
    """For turning it off or making new codes: the user's password or a current code."""
    if value and user.check_password(value):
        return
    code = normalise_code(value)
    if not (APP_CODE.fullmatch(code) or RECOVERY_CODE.fullmatch(code)):
        raise CodeRefused(_("Wrong password or code."))
    verify_code(user=user, code=code)


# Writes


def _new_recovery_codes(user):
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enable(*, request, code):
    """Confirm the app being set up with a code from it, sign the session in as
    verified, and return new recovery codes (shown once). Raises CodeRefused."""
    user, device = request.user, enrolment_for(request).device
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = normalise_code(code)
    if not (APP_CODE.fullmatch(code) and totp.verify(int(code), device.tolerance)):
        raise _wrong_code()
    # The code that confirmed the app does not also sign in.
    device.last_t, device.confirmed = totp.t(), True
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        codes = _new_recovery_codes(user)
    del request.session[ENROLMENT]
    otp_login(request, device)
    security_log.record(security_log.Kind.TWO_FACTOR_ENABLED, request=request, user=user)
    notifications.sign_in_changed(user, security_log.Kind.TWO_FACTOR_ENABLED)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user):
    """New recovery codes for a user with the app; the old ones stop working."""
    if not has_two_factor(user):
        raise ValidationError(_("Two-factor authentication is not on."))
    return _new_recovery_codes(user)


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_disable(*, user):
    """The user turns it off: their app and recovery codes are removed."""
    _remove_devices(user)
    security_log.record(security_log.Kind.TWO_FACTOR_DISABLED, user=user, actor=user)
    notifications.sign_in_changed(user, security_log.Kind.TWO_FACTOR_DISABLED)


@transaction.atomic
def two_factor_reset(*, user, by):
    """An Administrator removes the app and codes of a user of their firm (a lost
    phone); the user's history records it with who did it."""
    if user.company_id != by.company_id or not by.has_perm(perms.USERS_MANAGE):
        raise PermissionDenied
    if not (has_two_factor(user) or StaticDevice.objects.filter(user=user).exists()):
        raise ValidationError(
            _("%(name)s does not use two-factor authentication.") % {"name": user.name}
        )
    _remove_devices(user)
    user.two_factor_reset_at = timezone.now()
    user.save(update_fields=["two_factor_reset_at"])
    security_log.record(security_log.Kind.TWO_FACTOR_RESET, user=user, actor=by)
    notifications.sign_in_changed(user, security_log.Kind.TWO_FACTOR_RESET)
    return user


# The sign-in between its two steps


def login_pending(request, user, *, next_url):
    """The password was right and ``user`` has an app: remember that, not the user."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "since": time.time(),
        "next": next_url,
    }


def pending_login(request):
    """(user, next URL) of a sign-in waiting for its code, or None when there is none
    or it is older than TWO_FACTOR_LOGIN_TIMEOUT (then it is forgotten)."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    # The id is the server's own, put in the session by a right password; no firm's
    # scope is open yet, as the request is not signed in.
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or time.time() - pending["since"] > settings.TWO_FACTOR_LOGIN_TIMEOUT:
        del request.session[PENDING]
        return None
    user.backend = pending["backend"]
    return user, pending["next"]


def login_complete(request, user, device):
    """Sign ``user`` in, verified by ``device``: the session now holds their id."""
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=user.backend)
    otp_login(request, device)


@transaction.atomic
def company_require_two_factor(*, company, by, required):
    """Whether ``by``'s firm requires two-factor sign-in of its Administrators and
    Moderators (those without it are sent to set it up); ``by`` must use it already."""
    if company.pk != by.company_id or not by.has_perm(perms.COMPANY_MANAGE):
        raise PermissionDenied
    if required and not has_two_factor(by):
        # Or the requirement would at once send its own author to set it up.
        raise ValidationError(_("Turn on two-factor authentication for yourself first."))
    company.require_two_factor = bool(required)
    company.save(update_fields=["require_two_factor"])
    return company
