"""Forms of two-factor sign-in: a code from the app (or a recovery code), and the
password-or-code that confirms turning it off."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .two_factor import APP_CODE, RECOVERY_CODE, normalise_code

CODE_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}


class AppCodeForm(forms.Form):
    """The six digits the app shows, to confirm it is set up."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("Six digits."),
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not APP_CODE.fullmatch(code):
            raise ValidationError(_("Enter the six digits the app shows."))
        return code


class LoginCodeForm(forms.Form):
    """The second step of signing in: a code from the app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Six digits from the app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={**CODE_ATTRS, "autofocus": True}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not (APP_CODE.fullmatch(code) or RECOVERY_CODE.fullmatch(code)):
            raise ValidationError(
                _("Enter the six digits from the app or a recovery code (eight characters).")
            )
        return code


class ConfirmForm(forms.Form):
    """Turning two-factor sign-in off or making new recovery codes asks again."""

    confirm = forms.CharField(
        label=_("Your password or a code from the app"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class FirmTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for Administrators and Moderators"),
        required=False,
    )
