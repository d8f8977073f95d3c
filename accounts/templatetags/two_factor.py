"""The two-factor panel of a user's page in "Brukere": on or off, the reset button and
the resets so far."""

from django import template

from .. import two_factor

register = template.Library()


@register.inclusion_tag("accounts/two_factor/_user.html", takes_context=True)
def two_factor_of(context, person):
    return {
        "person": person,
        "enabled": two_factor.has_two_factor(person),
        "resets": two_factor.resets_of(person),
        "csrf_token": context.get("csrf_token"),
    }
