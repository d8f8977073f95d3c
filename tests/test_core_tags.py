from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(source, **context):
    with translation.override("nb"):
        return Template("{% load core %}" + source).render(Context(context))


def test_hours_drop_trailing_zeros_and_use_a_decimal_comma():
    assert render("{{ a|hours }}|{{ b|hours }}|{{ c|hours }}", a=Decimal("7.50"), b=8, c=100) == (
        "7,5|8|100"
    )


def test_hours_are_rounded_to_the_hundredth_and_grouped():
    assert render("{{ a|hours }}", a=Decimal("1234.256")) == "1\xa0234,26"


def test_no_hours_render_as_nothing():
    assert render("{{ a|hours }}|{{ b|hours }}", a=None, b="") == "|"
