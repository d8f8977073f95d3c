"""Validation and formatting of Norwegian numbers shared by every app."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr


def clean_org_number(value):
    """Return the 9 digits of a valid Norwegian organisation number, or raise."""
    try:
        return orgnr.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("Enter a valid Norwegian organisation number (9 digits)."), code="invalid_orgnr"
        ) from error


def validate_org_number(value):
    if value:
        clean_org_number(value)


def format_org_number(value):
    """'123456785' -> '123 456 785' (as the Brønnøysund registers write it)."""
    return orgnr.format(value) if value else ""


def clean_phone(value):
    """Return a phone number in E.164; numbers without a country code are Norwegian."""
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value):
    """E.164 -> '+47 412 34 567' style, national grouping."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
