import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DecimalField, MoneyField, PickerForm
from customers.models import Customer
from projects.models import Project
from timesheets.forms import customer_picker, project_picker
from timesheets.selectors import today

from .models import QUANTITY_DECIMALS, QUANTITY_DIGITS, Kind, Unit, validate_quantity
from .selectors import GROUPS

# What materials are counted in: every unit but driving's km.
MATERIAL_UNITS = [(value, label) for value, label in Unit.choices if value != Unit.KM]


def last_month():
    """The period a basis is usually made for: the month before this one."""
    first_of_this = today().replace(day=1)
    last = first_of_this - datetime.timedelta(days=1)
    return last.replace(day=1), last


class BasisForm(PickerForm):
    """Which basis to show (GET): a customer, optionally one of its projects, a period
    and how to group the hours."""

    GROUP_CHOICES = [("date", _("Date")), ("employee", _("Employee"))]

    customer = customer_picker(_("Choose a customer"))
    project = project_picker(_("All projects"))
    date_from = DateField(label=_("From date"))
    date_to = DateField(label=_("To date"))
    group = forms.ChoiceField(label=_("Hours per"), choices=GROUP_CHOICES, required=False)

    def __init__(self, data, *, asked=None):
        """``asked``: whether ``data`` asks for a basis (a POST always does); by default,
        when it names a customer."""
        start, end = last_month()
        if asked or (asked is None and "customer" in data):
            data = data.copy()
            if not data.get("date_from") and not data.get("date_to"):
                data["date_from"], data["date_to"] = start, end
            super().__init__(data)
        else:  # the page opened from the menu: nothing asked yet, nothing wrong
            super().__init__(initial={"date_from": start, "date_to": end})
        # A customer deleted since still has hours to bill.
        self.fields["customer"].queryset = Customer.objects.order_by("name", "number")
        self.fields["customer"].required = True
        self.fields["project"].queryset = Project.objects.select_related("customer")
        for name in ("customer", "project"):
            widget = self.fields[name].widget
            widget.options_url = f"{widget.options_url}?all=1"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("“To date” must be on or after “From date”."))
        project, customer = data.get("project"), data.get("customer")
        if project and customer and project.customer_id != customer.pk:
            self.add_error("project", _("Choose one of the customer's projects."))
        return data

    def choice(self):
        """The valid choice as keyword arguments of selectors.basis, or None."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "project": data.get("project"),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "group": data.get("group") if data.get("group") in GROUPS else "date",
        }


def basis_query(choice):
    """``choice`` (BasisForm.choice) as the fields BasisForm reads it from: the basis
    page's address, the hidden fields of "Marker som fakturert"."""
    query = {
        "customer": choice["customer"].pk,
        "date_from": choice["date_from"].isoformat(),
        "date_to": choice["date_to"].isoformat(),
        "group": choice["group"],
    }
    if choice["project"] is not None:
        query["project"] = choice["project"].pk
    return query


class MarkForm(BasisForm):
    """ "Marker som fakturert": the basis as shown, and the sum the user saw."""

    expected_net = DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the basis is reopened; kept with it."),
    )


class LineForm(forms.Form):
    """A materials or driving line ("Materiell", "Kjøring"): what its kind asks for. The
    unit price only for someone who sees prices (``prices``), and only for materials;
    the day only for a line directly on a project (an entry's line has the entry's)."""

    description = forms.CharField(label=_("Description"), max_length=200)
    route = forms.CharField(
        label=_("From–to"),
        max_length=200,
        required=False,
        help_text=_("For example Lager Alna – Storgata 5, Oslo."),
    )
    quantity = DecimalField(
        label=_("Quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_DECIMALS,
        error_messages={
            "invalid": _("Enter a quantity, for example 2,5."),
            "max_digits": _("The quantity is too large."),
            "max_whole_digits": _("The quantity is too large."),
            "max_decimal_places": _("Use at most two decimals."),
        },
        validators=[validate_quantity],
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=MATERIAL_UNITS, initial=Unit.PIECE)
    date = DateField(label=_("Date"))
    unit_price = MoneyField(
        label=_("Unit price"), required=False, help_text=_("NOK excl. MVA, per unit.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, kind, prices, on_project, initial=None):
        super().__init__(data, initial=initial)
        self.kind = kind
        if kind == Kind.DRIVING:
            del self.fields["unit"], self.fields["unit_price"]
            self.fields["quantity"].label = _("Km")
            self.fields["description"].required = False
            self.fields["route"].required = True
        else:
            del self.fields["route"]
            if not prices:
                del self.fields["unit_price"]
        if not on_project:
            del self.fields["date"]

    def line_values(self):
        """The cleaned fields as the services take them (no price field: none given)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class LinePriceForm(forms.Form):
    """A manager prices a line they may not otherwise change (an approved entry's)."""

    unit_price = MoneyField(label=_("Unit price"), help_text=_("NOK excl. MVA, per unit."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
