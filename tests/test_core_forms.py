"""The form renderer (core.forms.Renderer): an <input> written by Python is the markup
Django's templates write for it, escaped the same way."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from core.forms import DateInput, DecimalInput, Renderer
from timesheets.forms import TimeInput

TRICKY = '"><script>alert(1)</script>&amp;'

WIDGETS = [
    (forms.TextInput(attrs={"maxlength": 30, "placeholder": TRICKY, "autofocus": True}), TRICKY),
    (forms.TextInput(attrs={"required": False, "data-x": "1"}), None),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "kari@example.no"),
    (forms.NumberInput(attrs={"step": "0.01", "min": 0}), 7),
    (forms.HiddenInput(), 3),
    (forms.PasswordInput(render_value=True), "hemmelig"),
    (forms.URLInput(), "https://example.no/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (DateInput(), "2026-12-04"),
    (DecimalInput(), "7,5"),
    (TimeInput(), "07:30"),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_an_input_is_written_as_djangos_template_writes_it(widget, value):
    attrs = {"id": "id_field"}
    written = widget.render("field", value, attrs, renderer=Renderer())
    templated = widget.render("field", value, attrs, renderer=TemplatesSetting())
    assert str(written) == str(templated)


def test_an_input_escapes_what_it_writes():
    html = forms.TextInput(attrs={"title": TRICKY}).render("q", TRICKY, renderer=Renderer())
    assert "<script>" not in html
    assert html.count("&quot;&gt;&lt;script&gt;") == 2  # the value and the attribute
    assert "&amp;amp;" in html


def test_other_widgets_and_forms_keep_their_templates():
    class Form(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    html = str(Form(renderer=Renderer()))
    assert '<textarea name="note"' in html and 'type="radio"' in html
    assert '<input type="text" name="name"' in html
