"""Money: ``Decimal`` throughout, rounded to øre only where an amount is shown or
summed for a document (GUIDE section 3), half up as Norwegian invoices round."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

ORE = Decimal("0.01")
ZERO = Decimal("0.00")
MVA_RATE = Decimal("0.25")  # unless a line says otherwise


def to_ore(amount):
    """``amount`` to the øre: 1,005 -> 1,01; None is 0."""
    return Decimal(amount or 0).quantize(ORE, rounding=ROUND_HALF_UP)


def line_amount(quantity, price):
    """A line's amount excl. MVA: quantity × price, to the øre; no price is 0."""
    if price is None:
        return ZERO
    return to_ore(Decimal(quantity) * Decimal(price))


def mva(net, rate=MVA_RATE):
    """The MVA of a document's sum excl. MVA, to the øre."""
    return to_ore(to_ore(net) * rate)


def format_money(value):
    """An amount the Norwegian way, to the øre, with its currency: 7125 -> "7 125,00 kr".
    None (no price) is empty, never "0,00 kr"."""
    if value in (None, ""):
        return ""
    amount = number_format(to_ore(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("%(amount)s kr") % {"amount": amount}
