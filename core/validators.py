"""Validation and formatting of Norwegian numbers shared by every app."""

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

# The days the app knows: every date field, filter and week in an address lies in
# them. Far wider than any firm's hours, and far enough inside Python's dates (years
# 1 to 9999) that a week or a day around any of them still exists.
FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2099, 12, 31)


def date_in_range(value):
    return FIRST_DATE <= value <= LAST_DATE


def validate_date_in_range(value):
    """The one date rule: model fields (so the Django admin too), forms and filters."""
    if value is not None and not date_in_range(value):
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": f"{FIRST_DATE:%d.%m.%Y}", "last": f"{LAST_DATE:%d.%m.%Y}"},
        )


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


def is_postal_code(value):
    """Four ASCII digits ("0150"); "²³⁴⁵" and other Unicode digits are not."""
    return bool(re.fullmatch(r"[0-9]{4}", value))


def validate_postal_code(value):
    """The one postal-code rule: model fields, the card forms and the Django admin use it."""
    if value and not is_postal_code(value):
        raise ValidationError(_("A postal code has 4 digits."), code="invalid_postal_code")


def format_org_number(value):
    """'123456785' -> '123 456 785' (as the Brønnøysund registers write it)."""
    return orgnr.format(value) if value else ""


# Numbers clean_phone found valid, as typed and as it wrote them. A number typed into a
# form is cleaned by the form field and checked again by the model field's validator,
# and an import reads thousands: the second look need not parse it again.
_VALID_PHONES = {}
_VALID_PHONES_KEPT = 10_000


def clean_phone(value):
    """Return a phone number in E.164; numbers without a country code are Norwegian."""
    if value in _VALID_PHONES:
        return _VALID_PHONES[value]
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    cleaned = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(_VALID_PHONES) >= _VALID_PHONES_KEPT:
        _VALID_PHONES.clear()
    _VALID_PHONES[value] = _VALID_PHONES[cleaned] = cleaned
    return cleaned


# What clean_phone returns: "+" and up to 15 digits.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def validate_phone(value):
    if value:
        clean_phone(value)


# Norwegian 8-digit numbers outside the 8xx range are grouped in pairs. Lists show
# 50 of them per page, and parsing each with phonenumbers costs more than the page.
_NORWEGIAN_PAIRS = re.compile(r"\+47([2-79]\d)(\d\d)(\d\d)(\d\d)")


def format_phone(value):
    """E.164 -> '+47 41 23 45 67', grouped as phonenumbers groups it."""
    if not value:
        return ""
    if match := _NORWEGIAN_PAIRS.fullmatch(value):
        return "+47 " + " ".join(match.groups())
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
