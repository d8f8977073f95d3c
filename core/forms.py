"""Form fields and widgets shared by the apps."""

import contextlib
import datetime
import re
from decimal import Decimal

from django import forms
from django.core.validators import DecimalValidator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .markup import escape
from .validators import clean_phone, validate_date_in_range

# Dates as the firm writes them (01.12.2026, 1.12.26), and ISO ones (2026-12-01) from
# links and older pages.
DATE_INPUTS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
# What a phone's number pad offers between day, month and year besides the point.
_DATE_SEPARATORS = re.compile(r"[,/ ]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Django's widgets whose template is only django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "search",
        "tel", "date", "datetime", "time", "color", "checkbox", "file",
    )
)  # fmt: skip


class Renderer(TemplatesSetting):
    """The form renderer (FORM_RENDERER): every <input> widget written by Python
    (``input_html``), every other widget and form by its template as Django renders it.
    An <input> through Django's input.html and attrs.html cost about 0.12 ms, 22 of
    them a tenth of the customer card's time."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        return super().render(template_name, context, request)


def input_html(widget):
    """The <input> Django's input.html writes for a widget's context, as one f-string
    of escaped parts (core.markup); its attributes in their order as attrs.html writes
    them (True: the name alone; False and None: left out)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    return SafeString(
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
        f"{attrs_html(widget['attrs'])}>"
    )


def attrs_html(attrs):
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class DateInput(forms.DateInput):
    """A date shown and typed 01.12.2026 whatever the phone's language is: a browser's
    own date widget would show and take the phone's format (12/01/2026) instead."""

    def __init__(self, attrs=None):
        typed = {
            "inputmode": "decimal",
            "autocomplete": "off",
            "placeholder": _("dd.mm.yyyy"),
            "size": 10,
            "maxlength": 10,
        }
        super().__init__({**typed, **(attrs or {})}, format="%d.%m.%Y")

    def format_value(self, value):
        # An ISO date from an address (the week's "+" on a day: ?date=2026-12-04) is
        # shown as every other date is.
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            # Not a day (2026-02-31): shown as it came, and refused as typed.
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value)
        return super().format_value(value)


class DateField(forms.DateField):
    """A date typed 26.11.2026 (or 26,11,2026 from a number pad), within the days the
    app knows (core.validators.validate_date_in_range)."""

    widget = DateInput
    default_validators = [validate_date_in_range]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUTS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _DATE_SEPARATORS.sub(".", value.strip())
        return super().to_python(value)


class DecimalInput(forms.TextInput):
    """A number the Norwegian way ("7,5") with the number pad on phones."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value.normalize(), use_l10n=True)
        return super().format_value(value)


# A number as typed: ASCII digits, one decimal point, an exponent of at most three
# digits. Not "NaN", "∞" or Arabic-Indic digits, which Decimal() would read.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
# What people put between thousands: spaces, and the no-break ones Norwegian
# formatting writes.
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f")
MAX_NUMBER_LENGTH = 40


class DecimalField(forms.DecimalField):
    """A number with a decimal comma or point ("7,5", "1 200.50"), whatever the user's
    language. It is read within its ``max_digits`` and ``decimal_places`` before
    anything computes with it: Decimal reads "1e1000000" happily, and the first
    ``abs()`` of it raises Overflow. So a value that leaves here has at most
    ``max_digits`` digits, and every sum, rounding or comparison of it is safe."""

    widget = DecimalInput

    def __init__(self, *, max_digits, decimal_places, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.digits = DecimalValidator(max_digits, decimal_places)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, Decimal):
            text = str(value).strip().translate(_THOUSANDS).replace(",", ".")
            if len(text) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(text):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = Decimal(text)
        if not value.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # 7,50 is 7,5: trailing zeros are no decimals; and -0 is 0.
        value = value.normalize() if value else Decimal(0)
        try:
            self.digits(value)
        except forms.ValidationError as error:
            message = self.error_messages.get(error.code, error.message)
            raise forms.ValidationError(message, code=error.code, params=error.params) from None
        return value


class MoneyField(DecimalField):
    """An amount in NOK ("950" or "950,50"), never negative; the form field of
    core.fields.MoneyField."""

    default_error_messages = {
        "invalid": _("Enter an amount, for example 950 or 950,50."),
        "max_decimal_places": _("Use at most two decimals."),
        "max_digits": _("The amount is too large."),
        "max_whole_digits": _("The amount is too large."),
        "min_value": _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs):
        # Here, not at the top: core.fields imports this module for its form fields.
        from .fields import MONEY_DECIMALS, MONEY_DIGITS

        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMALS)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)


class PhoneField(forms.CharField):
    """Accepts Norwegian numbers with or without +47; cleans to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return clean_phone(value) if value else ""


class RowLabels:
    """For a ModelChoiceField: its options are read as rows of ``label_values`` (paths
    as ``values_list`` takes them) and labelled by ``label_of(*values)``, not built as
    model objects and labelled one by one. Building 300 employees as objects through
    ModelChoiceIterator took three times as long as reading them as rows."""

    label_values = ()

    def label_of(self, *values):
        raise NotImplementedError

    def label_from_instance(self, obj):
        values = []
        for path in self.label_values:
            value = obj
            for name in path.split("__"):
                value = None if value is None else getattr(value, name)
            values.append(value)
        return self.label_of(*values)

    def option_rows(self, queryset):
        """The (pk, label) options of ``queryset``'s objects, in its order."""
        label_of = self.label_of
        rows = queryset.values_list("pk", *self.label_values)
        return [(pk, label_of(*values)) for pk, *values in rows]


def options_of(field, queryset):
    """The (value, label) options of ``queryset``'s objects for ``field``."""
    if isinstance(field, RowLabels):
        return field.option_rows(queryset)
    return [(obj.pk, field.label_from_instance(obj)) for obj in queryset]


class ListSelect(forms.Select):
    """A <select> of a list that may be long (a firm's employees), written by Python
    (``select_html``): Django builds a dictionary for each option and renders a
    template for it and another for its attributes, 300 employees' worth of which took
    a third of "Timeoversikt"'s time. The same markup as forms.Select (no option
    groups); a ModelChoiceField's options are read as ``options_of`` reads them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        field = getattr(self.choices, "field", None)
        if field is None:
            choices = self.choices
        else:
            choices = options_of(field, field.queryset)
            if field.empty_label is not None:
                choices.insert(0, ("", field.empty_label))
        return select_html(name, widget["attrs"], choices, widget["value"])


def select_html(name, attrs, choices, value):
    """The <select> forms.Select writes for ``choices`` ((value, label) pairs, no
    groups) with the first option of ``value`` (a list of strings) selected, as one
    f-string per option, its value and label escaped (markup.escape) as format_html
    would: calling format_html per option took half the time."""
    chosen = set(value)
    parts = []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        selected = option_value in chosen
        if selected:
            chosen = ()  # one selected option, as Django's Select marks it
        parts.append(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if selected else ''}>{escape(label)}</option>"
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        name,
        flatatt(attrs),
        SafeString("".join(parts)),  # every part of it escaped above
    )


# A picker never renders more options than this, however many rows the firm has.
PICKER_LIMIT = 50


class SearchSelect(forms.Select):
    """A <select> for a ModelChoiceField over a possibly huge queryset.

    It renders the selected object plus the first PICKER_LIMIT others, and a search
    box above it named ``<field>_q``. With JavaScript the box and the select become one
    ARIA combobox (static/js/combobox.js): typing replaces the options with the matches
    found by ``options_url`` (a view using ``render_options``) and lists them under the
    box. Without JavaScript a search button (in <noscript>) sends the form with GET to
    its own page, which shows the form again with the typed values and, since the box's
    ``term`` comes along (``PickerForm``), only ``search(queryset, term)`` as options,
    the first match selected when nothing was chosen.
    Validation still uses the field's whole queryset, so any allowed object can be
    chosen, and nothing else. A RowLabels field's options read only what their labels
    show.
    """

    template_name = "widgets/search_select.html"

    def __init__(self, *, options_url, search, search_label=None, attrs=None):
        super().__init__(attrs)
        self.options_url = options_url
        self.search = search  # (queryset, term) -> the objects of queryset matching term
        self.search_label = search_label or _("Search")
        self.term = ""
        self.pick_match = False  # the form is shown again after a search (PickerForm)

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        choices, value = self.shown_choices(widget["value"])
        widget["options_url"] = str(self.options_url)
        widget["search_label"] = self.search_label
        widget["term"] = self.term
        widget["select"] = select_html(name, widget["attrs"], choices, value)
        return context

    def shown_choices(self, value):
        """The (value, label) options shown and the value selected among them: the
        chosen object, then the first PICKER_LIMIT others (of the search, if any)."""
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return list(iterator), value
        field = iterator.field
        # The submitted value may be anything; only an id can select an option.
        selected = [v for v in value if str(v).isdecimal()]
        chosen = options_of(field, queryset.filter(pk__in=selected)) if selected else []
        others = queryset.exclude(pk__in=selected)
        if self.term:
            others = self.search(others, self.term)
        others = options_of(field, others[:PICKER_LIMIT])
        if self.term and self.pick_match and others and not chosen:
            # A search without JavaScript picks its first match: "Lagre" next saves
            # what was searched for, not the empty choice above it.
            value = [str(others[0][0])]
        choices = chosen + others
        if field.empty_label is not None:
            choices.insert(0, ("", field.empty_label))
        return choices, value


class PickerForm(forms.Form):
    """A form with SearchSelect pickers: each picker offers the matches of what its
    search box (``<field>_q``) holds in the submitted data or, for a form shown again
    after a search without JavaScript, in the initial data."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.data if self.is_bound else self.initial
        for name, field in self.fields.items():
            if isinstance(field.widget, SearchSelect):
                term = str(values.get(f"{self.add_prefix(name)}_q") or "")
                # No search needs NUL, and PostgreSQL refuses it in a text comparison.
                field.widget.term = term.replace("\x00", "")
                # Sent, the form's choice stands as made, even an empty one.
                field.widget.pick_match = not self.is_bound


def search_term(request, name):
    """What an options view searches for: the picker's box ``<name>_q``, or ``q``."""
    return request.GET.get(f"{name}_q", request.GET.get("q", ""))


def render_options(request, objects, label=str, empty_label="---------"):
    """The <option>s of a SearchSelect for an htmx search: at most PICKER_LIMIT."""
    options = [(obj.pk, label(obj)) for obj in objects[:PICKER_LIMIT]]
    return render(
        request, "widgets/_options.html", {"options": options, "empty_label": empty_label}
    )
