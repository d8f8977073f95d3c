"""Two-factor sign-in: the code step of signing in, turning it on and off, recovery
codes, the firm's requirement and an Administrator's reset (accounts/two_factor.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core.pages import after_write, form_status, safe_next

from . import permissions as perms
from . import security_log, selectors, two_factor
from .otp_forms import AppCodeForm, ConfirmForm, FirmTwoFactorForm, LoginCodeForm
from .two_factor import CodeRefused


class TwoFactorLoginMixin:
    """The login view's first step: for a user with an app, the right password leads
    to the code step instead of signing in."""

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        two_factor.login_pending(self.request, user, next_url=self.get_success_url())
        return redirect("accounts:login_code")


def _refuse(form, field, refused):
    """Put a refused code next to ``field``: 429 while codes are throttled, else 422."""
    form.add_error(field, refused)
    return 429 if refused.locked_until else 422


@login_not_required
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of signing in; also a signed-in user's step up to a verified
    session where one is required (the admin, a firm's requirement)."""
    if request.user.is_authenticated:
        if request.user.is_verified() or not two_factor.has_two_factor(request.user):
            return redirect(settings.LOGIN_REDIRECT_URL)
        user, next_url = request.user, request.GET.get("next", "")
    else:
        waited = two_factor.PENDING in request.session
        pending = two_factor.pending_login(request)
        if pending is None:
            if waited:
                messages.error(request, _("The sign-in took too long. Log in again."))
            return redirect(settings.LOGIN_URL)
        user, next_url = pending
    form = LoginCodeForm(request.POST or None)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
        except CodeRefused as refused:
            status = _refuse(form, "code", refused)
            security_log.record(
                security_log.Kind.SIGN_IN_FAILED, user=user, actor=user, detail={"step": "code"}
            )
        else:
            if request.user.is_authenticated:
                otp_login(request, device)
            else:
                two_factor.login_complete(request, user, device)
            if isinstance(device, StaticDevice):
                security_log.record(security_log.Kind.RECOVERY_CODE_USED, user=user, actor=user)
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)s are left.") % {"left": left},
                )
            return redirect(safe_next(request, next_url, resolve_url(settings.LOGIN_REDIRECT_URL)))
    return render(request, "accounts/two_factor/login_code.html", {"form": form}, status=status)


def _manage(request, *, off=None, renew=None, status=200):
    user = request.user
    context = {
        "enabled": two_factor.has_two_factor(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "off_form": off or ConfirmForm(prefix="off"),
        "renew_form": renew or ConfirmForm(prefix="renew"),
    }
    return render(request, "accounts/two_factor/manage.html", context, status=status)


def _show_codes(request, codes):
    """The recovery codes, once: they are stored only as the check needs them."""
    response = render(request, "accounts/two_factor/codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def two_factor_page(request):
    """ "Tofaktorautentisering" on the profile: on or off, and the recovery codes."""
    return _manage(request)


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if two_factor.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    form = AppCodeForm(request.POST or None)
    status = form_status(form)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enable(request=request, code=form.cleaned_data["code"])
        except CodeRefused as refused:
            status = _refuse(form, "code", refused)
        else:
            messages.success(request, _("Two-factor authentication is on."))
            return _show_codes(request, codes)
    context = {
        "form": form,
        "enrolment": two_factor.enrolment_for(request),
        "required": two_factor.required_for(request.user),
    }
    return render(request, "accounts/two_factor/setup.html", context, status=status)


@require_POST
def two_factor_codes(request):
    """New recovery codes; the old ones stop working."""
    form = ConfirmForm(request.POST, prefix="renew")
    status = form_status(form)
    if form.is_valid():
        try:
            two_factor.confirm_code_or_password(
                user=request.user, value=form.cleaned_data["confirm"]
            )
            codes = two_factor.recovery_codes_renew(user=request.user)
        except CodeRefused as refused:
            status = _refuse(form, "confirm", refused)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:two_factor")
        else:
            return _show_codes(request, codes)
    return _manage(request, renew=form, status=status)


@require_POST
def two_factor_disable(request):
    form = ConfirmForm(request.POST, prefix="off")
    status = form_status(form)
    if form.is_valid():
        try:
            two_factor.confirm_code_or_password(
                user=request.user, value=form.cleaned_data["confirm"]
            )
        except CodeRefused as refused:
            status = _refuse(form, "confirm", refused)
        else:
            two_factor.two_factor_disable(user=request.user)
            message = _("Two-factor authentication is off.")
            return after_write(request, reverse("accounts:two_factor"), message)
    return _manage(request, off=form, status=status)


@require_POST
@perms.role_required(perms.COMPANY_MANAGE)
def firm_two_factor(request):
    """The firm's requirement, a checkbox on "Firma" (always a valid form)."""
    form = FirmTwoFactorForm(request.POST)
    form.is_valid()
    required = form.cleaned_data["require_two_factor"]
    try:
        two_factor.company_require_two_factor(
            company=request.user.company, by=request.user, required=required
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, reverse("accounts:firm"))
    if required:
        message = _("Administrators and Moderators must now use two-factor authentication.")
    else:
        message = _("Two-factor authentication is no longer required.")
    return after_write(request, reverse("accounts:firm"), message)


@require_POST
@perms.role_required(perms.USERS_MANAGE)
def user_two_factor_reset(request, pk):
    """A lost phone: the user signs in with their password alone and sets it up again."""
    user = selectors.get_company_user(pk)
    try:
        two_factor.two_factor_reset(user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The two-factor authentication of %(name)s has been reset.") % {"name": user.name},
        )
    return after_write(request, reverse("accounts:user_update", args=[user.pk]))
