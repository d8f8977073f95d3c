from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import _unicode_ci_compare
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField, PhoneField
from core.validators import clean_org_number

from .models import TimerRounding, User, normalise_email
from .permissions import Role


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail or password."),
        "inactive": _("This account is inactive."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also sends the link to invited users, who have no usable password until they
    choose one (Django's form skips them), and writes in the user's own language."""

    def get_users(self, email):
        users = User.objects.filter(email=normalise_email(email), is_active=True)
        # Django's own last check: the address given is the user's, Unicode-normalised.
        return (user for user in users if _unicode_ci_compare(email, user.email))

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class UserCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = PhoneField(label=_("Phone"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise ValidationError(_("A user with this e-mail already exists."))
        return email


class UserUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(label=_("Phone"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    hourly_cost = MoneyField(
        label=_("Cost per hour"),
        required=False,
        help_text=_("What an hour of this employee costs the firm, in NOK: for the margin."),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneField(label=_("Phone"))
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )


class CompanyForm(forms.Form):
    """The firm's own settings ("Firma")."""

    name = forms.CharField(label=_("Firm name"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("9 digits, for example 123 456 785."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_org_number(self):
        value = self.cleaned_data["org_number"].strip()
        return clean_org_number(value) if value else ""


class FirmPricesForm(forms.Form):
    """The firm's prices and invoicing on "Firma"."""

    hourly_rate = MoneyField(
        label=_("Hourly price"),
        required=False,
        help_text=_("NOK excl. MVA. A customer's or a project's own price comes first."),
    )
    rate_per_km = MoneyField(
        label=_("Rate per km"),
        required=False,
        help_text=_("NOK excl. MVA, for driving on a job (“Kjøring”)."),
    )
    moderators_may_invoice = forms.BooleanField(
        label=_("Moderators may mark an invoice basis as invoiced"), required=False
    )


class FirmTimerForm(forms.Form):
    """How the firm's timers round the time they count, on "Firma"."""

    timer_rounding = forms.TypedChoiceField(
        label=_("Round the timer's time"),
        choices=TimerRounding.choices,
        coerce=int,
        help_text=_(
            "To the nearest step when a timer is stopped, and at least one step: with 15 "
            "minutes, 7 minutes are logged as 0,25 hours and 23 minutes as 0,5."
        ),
    )
