"""Enhetsregisteret (Brønnøysundregistrene): the units the customer card looks up.

One small client of the documented ``/enheter`` API at ``settings.BRREG_API_URL``,
with the versioned media type, a 2 s timeout and a day's cache per org. no. It never
raises to its caller: a slow, down or unreachable registry, a 5xx or an answer that
is not the documented JSON is ``UNAVAILABLE``, and the card works as before.
"""

import logging
import re
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from stdnum.no import orgnr

from core.validators import format_org_number, is_postal_code

from .models import CustomerKind

log = logging.getLogger(__name__)

# The one media type of a unit and of a list of units (API version 2).
ACCEPT = "application/vnd.brreg.enhetsregisteret.enhet.v2+json;charset=UTF-8"
TIMEOUT = 2.0  # seconds; the card must not wait longer for a suggestion
CACHE_SECONDS = 24 * 60 * 60
SEARCH_SIZE = 8
MIN_NAME_LETTERS = 3


@dataclass(frozen=True)
class Unit:
    """A unit (enhet) of the register, as far as the customer card needs it."""

    org_number: str
    name: str = ""
    form: str = ""  # organisasjonsform.kode: AS, ENK, ...
    address: str = ""
    postal_code: str = ""
    postal_place: str = ""
    bankrupt: bool = False
    under_liquidation: bool = False
    forced_liquidation: bool = False
    deleted_on: str = ""  # slettedato, ISO
    removed: bool = False  # answered 410: gone from the register

    @property
    def org_number_display(self):
        return format_org_number(self.org_number)

    @property
    def warnings(self):
        """Why the unit is no customer to fill in without a second look."""
        found = []
        if self.removed or self.deleted_on:
            found.append(_("Deleted from the register."))
        if self.bankrupt:
            found.append(_("Bankrupt."))
        if self.under_liquidation:
            found.append(_("Under liquidation."))
        if self.forced_liquidation:
            found.append(_("Under compulsory liquidation or dissolution."))
        return found

    def card_values(self):
        """The customer card's fields this unit fills."""
        return {
            "name": self.name,
            "org_number": self.org_number,
            "kind": CustomerKind.COMPANY,
            "address": self.address,
            "postal_code": self.postal_code,
            "postal_place": self.postal_place,
        }


@dataclass(frozen=True)
class Answer:
    """What the registry said: the units found (none for an unknown number), or that
    it could not be asked now."""

    units: tuple = ()
    unavailable: bool = False

    @property
    def unit(self):
        return self.units[0] if self.units else None


UNAVAILABLE = Answer(unavailable=True)


class Malformed(ValueError):
    """An answer that is not the documented shape."""


def org_number_in(text):
    """The 9 digits of ``text`` if it is a valid org. no. ("915 333 141"), else ""."""
    digits = re.sub(r"[\s.]", "", text or "")
    return digits if orgnr.is_valid(digits) else ""


def find(text):
    """The units ``text`` points at: an org. no. (with or without spaces) is looked
    up, at least three letters of a name are searched, anything shorter asks nothing."""
    number = org_number_in(text)
    if number:
        return lookup(number)
    if is_name_query(text):
        return search(text.strip()[:100])
    return Answer()


def is_name_query(text):
    """Whether ``text`` has the three letters a name search needs."""
    return sum(char.isalpha() for char in text or "") >= MIN_NAME_LETTERS


def lookup(org_number):
    """The unit with ``org_number`` (9 digits): from the cache, else the registry."""
    key = _cache_key(org_number)
    answer = cache.get(key)
    if answer is None:
        answer = _ask(f"/enheter/{org_number}", {}, _parse_one)
        if not answer.unavailable:
            cache.set(key, answer, CACHE_SECONDS)
    return answer


def search(name, size=SEARCH_SIZE):
    """Units whose name matches ``name``; each found is cached for ``lookup``."""
    answer = _ask("/enheter", {"navn": name, "size": size}, _parse_list)
    cache.set_many(
        {_cache_key(unit.org_number): Answer(units=(unit,)) for unit in answer.units},
        CACHE_SECONDS,
    )
    return answer


def _cache_key(org_number):
    return f"brreg:enhet:{org_number}"


def _ask(path, params, parse):
    url = settings.BRREG_API_URL + path
    try:
        response = httpx.get(url, params=params, headers={"Accept": ACCEPT}, timeout=TIMEOUT)
        if response.status_code == 404:
            return Answer()
        if response.status_code not in (200, 410):
            raise Malformed(f"status {response.status_code}")
        return parse(response)
    except (httpx.HTTPError, ValueError) as error:  # JSON errors are ValueErrors
        log.warning("Enhetsregisteret unavailable (%s): %s", url, error)
        return UNAVAILABLE


def _parse_one(response):
    body = response.json()
    return Answer(units=(_unit(body, removed=response.status_code == 410),))


def _parse_list(response):
    body = response.json()
    if not isinstance(body, dict):
        raise Malformed("not an object")
    units = (body.get("_embedded") or {}).get("enheter", [])
    if not isinstance(units, list):
        raise Malformed("_embedded.enheter is not a list")
    return Answer(units=tuple(_unit(unit) for unit in units))


def _unit(body, *, removed=False):
    if not isinstance(body, dict) or not org_number_in(str(body.get("organisasjonsnummer"))):
        raise Malformed("no organisasjonsnummer")
    # The business address, or the postal address of a unit without one.
    place = body.get("forretningsadresse") or body.get("postadresse") or {}
    if not isinstance(place, dict):
        raise Malformed("address is not an object")
    lines = place.get("adresse") or []
    postal_code = str(place.get("postnummer") or "")
    return Unit(
        org_number=body["organisasjonsnummer"],
        name=_text(body.get("navn"), 200),
        form=_text((body.get("organisasjonsform") or {}).get("kode"), 10),
        address=_text(", ".join(str(line) for line in lines if line), 200),
        # A foreign unit's postnummer is no Norwegian postal code.
        postal_code=postal_code if is_postal_code(postal_code) else "",
        postal_place=_text(place.get("poststed"), 100),
        bankrupt=body.get("konkurs") is True,
        under_liquidation=body.get("underAvvikling") is True,
        forced_liquidation=body.get("underTvangsavviklingEllerTvangsopplosning") is True,
        deleted_on=_text(body.get("slettedato"), 10),
        removed=removed,
    )


def _text(value, limit):
    return str(value or "").strip()[:limit]
