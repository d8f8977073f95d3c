import logging
from smtplib import SMTPException

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.idempotency import once_per_form, saved
from core.pages import after_write, form_status, page, save

from . import notifications, security_log, selectors, services, throttle
from . import permissions as perms
from .forms import (
    CompanyForm,
    FirmPricesForm,
    FirmTimerForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    UserCreateForm,
    UserUpdateForm,
)
from .otp_views import TwoFactorLoginMixin
from .security_log import Kind
from .sessions import end_sessions

logger = logging.getLogger(__name__)


class UnprocessableOnInvalid:
    """Django's auth views as our form views are: GET and POST only, and an invalid
    POST answers 422."""

    http_method_names = ["get", "post"]

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class LoginView(TwoFactorLoginMixin, UnprocessableOnInvalid, auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); an expired session may still log out. The
    browser is told to drop what the site keeps on the phone (the service worker's
    pages, the writes waiting for the connection), so the next user of the same phone
    reads nothing of this one's; offline.js clears them first where it runs."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(UnprocessableOnInvalid, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session (a new key)
        end_sessions(form.user, keep=self.request.session.session_key)
        messages.success(self.request, _("Your password has been changed."))
        security_log.record(Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        notifications.sign_in_changed(form.user, Kind.PASSWORD_CHANGED)
        return response


class PasswordResetView(UnprocessableOnInvalid, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Past the limits nothing is sent, and the answer is the one every address
        gets, known or not."""
        if throttle.password_reset_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(UnprocessableOnInvalid, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        user = form.user
        # A welcome link sets the first password: nothing to warn about.
        had_password = user.has_usable_password()
        response = super().form_valid(form)
        # Whoever holds the e-mailed link acts as the user.
        security_log.record(Kind.PASSWORD_RESET, request=self.request, user=user, actor=user)
        end_sessions(user)
        if had_password:
            notifications.sign_in_changed(user, Kind.PASSWORD_RESET)
        return response


@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"name": user.name, "phone": user.phone_display, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        # Confirm in the language just chosen: the next page is shown in it.
        with translation.override(user.language):
            message = _("Your profile has been saved.")
        return after_write(request, reverse("accounts:profile"), message)
    return page(request, "accounts/profile.html", None, {"form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.COMPANY_MANAGE)
def company_settings(request):
    """ "Firma": the firm's name and organisation number (Administrator)."""
    company = request.user.company
    form = _company_form(company, request.POST or None)
    if request.method == "POST" and form.is_valid():
        firm = {"company": company, "by": request.user, **form.cleaned_data}
        if save(form, services.company_update, **firm) is not None:
            return after_write(request, reverse("accounts:firm"), _("The firm has been saved."))
    return _firm_page(request, form, _prices_form(company), _timer_form(company))


def _company_form(company, data=None):
    initial = {"name": company.name, "org_number": company.org_number_display}
    return CompanyForm(data, initial=initial)


def _prices_form(company, data=None):
    initial = {
        "hourly_rate": company.hourly_rate,
        "rate_per_km": company.rate_per_km,
        "moderators_may_invoice": company.moderators_may_invoice,
    }
    return FirmPricesForm(data, initial=initial)


def _timer_form(company, data=None):
    return FirmTimerForm(data, initial={"timer_rounding": company.timer_rounding})


def _firm_page(request, form, prices, timer):
    """ "Firma" with its forms; the one that was sent keeps what was typed."""
    context = {"form": form, "prices": prices, "timer_form": timer}
    status = form_status(form, prices, timer)
    return page(request, "accounts/firm.html", None, context, status=status)


@require_POST
@perms.role_required(perms.COMPANY_MANAGE)
def firm_prices(request):
    """The firm's prices, a form of its own on "Firma"."""
    company = request.user.company
    prices = _prices_form(company, request.POST)
    if prices.is_valid():
        values = {"company": company, "by": request.user, **prices.cleaned_data}
        if save(prices, services.company_prices_update, **values) is not None:
            return after_write(request, reverse("accounts:firm"), _("The prices have been saved."))
    return _firm_page(request, _company_form(company), prices, _timer_form(company))


@require_POST
@perms.role_required(perms.COMPANY_MANAGE)
def firm_timer(request):
    """The rounding of the firm's timers, a form of its own on "Firma"."""
    company = request.user.company
    timer = _timer_form(company, request.POST)
    if timer.is_valid():
        values = {"company": company, "by": request.user, **timer.cleaned_data}
        if save(timer, services.company_timer_update, **values) is not None:
            message = _("The timer's rounding has been saved.")
            return after_write(request, reverse("accounts:firm"), message)
    return _firm_page(request, _company_form(company), _prices_form(company), timer)


@require_http_methods(["GET"])
@perms.role_required(perms.USERS_MANAGE)
def user_list(request):
    users = selectors.users_of_company()
    return render(request, "accounts/user_list.html", {"users": users})


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.USERS_MANAGE)
@once_per_form
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            company=request.user.company, by=request.user, **form.cleaned_data
        )
        saved(request, reverse("accounts:users"))
        try:
            services.user_send_welcome(request=request, user=user, by=request.user)
        except (SMTPException, OSError):
            logger.exception("Welcome e-mail to user %s failed", user.pk)
            messages.error(
                request,
                _(
                    "%(name)s has been added, but the e-mail could not be sent. "
                    "They can use “Forgot your password?” on the login page."
                )
                % {"name": user.name},
            )
        else:
            messages.success(
                request,
                _("%(name)s has been added and e-mailed a link to set a password.")
                % {"name": user.name},
            )
        return after_write(request, reverse("accounts:users"))
    context = {"form": form}
    return page(request, "accounts/user_form.html", None, context, status=form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.USERS_MANAGE)
def user_update(request, pk):
    user = selectors.get_company_user(pk)
    initial = {
        "name": user.name,
        "phone": user.phone_display,
        "role": user.role,
        "hourly_cost": user.hourly_cost,
    }
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {"user": user, "by": request.user, **form.cleaned_data}
        if save(form, services.user_update, **changes) is not None:
            message = _("%(name)s has been saved.") % {"name": user.name}
            return after_write(request, reverse("accounts:users"), message)
    context = {"form": form, "subject": user}
    return page(request, "accounts/user_form.html", None, context, status=form_status(form))


@require_POST
@perms.role_required(perms.USERS_MANAGE)
def user_set_active(request, pk):
    user = selectors.get_company_user(pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=user, by=request.user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_write(request, reverse("accounts:users"))
    if active:
        message = _("%(name)s is active again.") % {"name": user.name}
    else:
        message = _("%(name)s has been deactivated.") % {"name": user.name}
    return after_write(request, reverse("accounts:users"), message)
