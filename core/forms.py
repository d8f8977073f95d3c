"""Form fields and widgets shared by the apps."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .validators import clean_phone

# The date picker sends ISO dates; typed Norwegian dates work too (no date picker).
DATE_INPUTS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class DateInput(forms.DateInput):
    """A browser date picker; it shows and sends ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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


# A picker never renders more options than this, however many rows the firm has.
PICKER_LIMIT = 50


class SearchSelect(forms.Select):
    """A <select> for a ModelChoiceField over a possibly huge queryset.

    It renders the selected object plus the first PICKER_LIMIT others, and a search
    box above it named ``<field>_q``. With htmx, typing there replaces the options with
    the matches found by ``options_url`` (a view using ``render_options``). Without
    JavaScript a search button (in <noscript>) sends the form with GET to its own page,
    which shows the form again with the typed values and, since the box's ``term``
    comes along (``PickerForm``), only ``search(queryset, term)`` as options.
    Validation still uses the field's whole queryset, so any allowed object can be
    chosen, and nothing else.
    """

    template_name = "widgets/search_select.html"

    def __init__(self, *, options_url, search, search_label=None, attrs=None):
        super().__init__(attrs)
        self.options_url = options_url
        self.search = search  # (queryset, term) -> the objects of queryset matching term
        self.search_label = search_label or _("Search")
        self.term = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_url"] = str(self.options_url)
        context["widget"]["search_label"] = self.search_label
        context["widget"]["term"] = self.term
        return context

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        # The submitted value may be anything; only an id can select an option.
        selected = [v for v in value if str(v).isdecimal()]
        chosen = list(queryset.filter(pk__in=selected)) if selected else []
        others = queryset.exclude(pk__in=selected)
        if self.term:
            others = self.search(others, self.term)
        others = list(others[:PICKER_LIMIT])
        choices = [iterator.choice(obj) for obj in chosen + others]
        if iterator.field.empty_label is not None:
            choices.insert(0, ("", iterator.field.empty_label))
        full, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full


class PickerForm(forms.Form):
    """A form with SearchSelect pickers: each picker offers the matches of what its
    search box (``<field>_q``) holds in the submitted data or, for a form shown again
    after a search without JavaScript, in the initial data."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.data if self.is_bound else self.initial
        for name, field in self.fields.items():
            if isinstance(field.widget, SearchSelect):
                field.widget.term = str(values.get(f"{self.add_prefix(name)}_q") or "")


def search_term(request, name):
    """What an options view searches for: the picker's box ``<name>_q``, or ``q``."""
    return request.GET.get(f"{name}_q", request.GET.get("q", ""))


def render_options(request, objects, label=str, empty_label="---------"):
    """The <option>s of a SearchSelect for an htmx search: at most PICKER_LIMIT."""
    options = [(obj.pk, label(obj)) for obj in objects[:PICKER_LIMIT]]
    return render(
        request, "widgets/_options.html", {"options": options, "empty_label": empty_label}
    )
