"""Model fields for Norwegian numbers: each carries its rule, so a card form, the
Django admin and a service that calls ``full_clean()`` all apply the same one."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.forms import widgets as forms_widgets
from stdnum.no import orgnr

from . import forms
from .validators import (
    E164,
    clean_phone,
    validate_date_in_range,
    validate_org_number,
    validate_phone,
    validate_postal_code,
)


class DateField(models.DateField):
    """A date within the days the app knows (core.validators), for the forms and the
    Django admin alike."""

    default_validators = [validate_date_in_range]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.DateField, **kwargs})


class DecimalField(models.DecimalField):
    """A number read by core.forms.DecimalField in every form of it, the Django admin's
    too: a decimal comma, and no exponent or length that overflows."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.DecimalField, **kwargs})


class PostalCodeField(models.CharField):
    """Four ASCII digits ("0150")."""

    default_validators = [validate_postal_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # A number pad on a phone; no autofill, since it is never the user's own address.
        attrs = {"inputmode": "numeric", "autocomplete": "off"}
        return super().formfield(**{"widget": forms_widgets.TextInput(attrs=attrs), **kwargs})


class PhoneNumberField(models.CharField):
    """A phone number, stored in E.164 ("+4741234567"); typed without a country code
    it is Norwegian."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # Also runs on every save and lookup, so it normalises and never raises:
        # an invalid number is left for the validator to refuse.
        value = super().to_python(value)
        if not value or E164.fullmatch(value):
            # Already as clean_phone writes it (every save and lookup of a stored
            # number): parsed again only by the validator, where it is validated.
            return value
        try:
            return clean_phone(value)
        except ValidationError:
            return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.PhoneField, **kwargs})


class OrgNumberField(models.CharField):
    """A Norwegian organisation number, stored as its 9 digits; typed with spaces
    ("923 609 016") as the registers write it."""

    default_validators = [validate_org_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return orgnr.compact(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": 20, **kwargs})


MONEY_DIGITS, MONEY_DECIMALS = 10, 2


class MoneyField(DecimalField):
    """An amount in NOK, two decimals, never negative (a price, a cost, a rate):
    "950,00". Up to 99 999 999,99, so no sum of a document's lines overflows a
    Decimal or the database."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMALS)
        kwargs.setdefault("validators", [MinValueValidator(Decimal(0))])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.MoneyField, **kwargs})
