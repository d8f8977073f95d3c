import copy

from django import forms
from django.forms.utils import ErrorDict, ErrorList
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField
from core.pages import form_status
from core.validators import format_org_number, format_phone

from .models import Customer, CustomerKind
from .services import FIELDS, customer_next_number


class CustomerForm(forms.ModelForm):
    """The customer card ("kundekort"). The rules are the model's (customers.models),
    the same for the Django admin and the services; this form puts their messages
    next to the fields. It never saves: the view hands ``customer_data()`` to the
    service."""

    name = forms.CharField(label=_("Name"), max_length=200)
    number = forms.IntegerField(
        label=_("Customer number"),
        max_value=2_000_000_000,
        help_text=_("Suggested: the next free number."),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=CustomerKind.choices,
        initial=CustomerKind.COMPANY,
        widget=forms.RadioSelect,
    )
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("Companies only: 9 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = PhoneField(label=_("Phone"))
    invoice_address = forms.CharField(
        label=_("Invoice address / invoice e-mail"), max_length=300, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = FIELDS

    def __init__(self, *args, company, customer=None, **kwargs):
        self.company = company
        self.customer = customer
        if customer is None:
            kwargs.setdefault("initial", {"number": customer_next_number(company=company)})
            instance = Customer(company=company)
        else:
            initial = {field: getattr(customer, field) for field in FIELDS}
            initial["org_number"] = format_org_number(customer.org_number)
            initial["phone"] = format_phone(customer.phone)
            initial["version"] = customer.version
            kwargs.setdefault("initial", initial)
            # Checked on a copy: the card keeps showing the saved customer.
            instance = copy.copy(customer)
        super().__init__(*args, instance=instance, **kwargs)
        if customer is not None:
            self.fields["number"].help_text = ""  # the suggestion is for a new customer

    def _post_clean(self):
        super()._post_clean()
        # What the model's fields normalised ("923 609 016" -> "923609016") is what
        # the service will save.
        for field in FIELDS:
            if field in self.cleaned_data:
                self.cleaned_data[field] = getattr(self.instance, field)

    def customer_data(self):
        return {field: self.cleaned_data[field] for field in FIELDS}


class ContactForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)


class BaseContactFormSet(forms.BaseFormSet):
    def contacts(self):
        """The contact persons to keep, as dicts for the services."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


# At most 50 contact persons; a request claiming more is refused, not processed.
LIMITS = {"max_num": 50, "absolute_max": 50, "validate_max": True}
ContactFormSet = forms.formset_factory(
    ContactForm, formset=BaseContactFormSet, extra=0, can_delete=True, **LIMITS
)
# A new customer's card starts with one empty contact person, which may stay empty.
NewContactFormSet = forms.formset_factory(
    ContactForm, formset=BaseContactFormSet, extra=1, can_delete=True, **LIMITS
)
CONTACTS_PREFIX = "contacts"


def contact_formset(data=None, customer=None):
    """The card's contact persons: the customer's, or one empty for a new customer."""
    if customer is None:
        return NewContactFormSet(data, prefix=CONTACTS_PREFIX)
    initial = [
        {
            "id": c.pk,
            "name": c.name,
            "title": c.title,
            "phone": format_phone(c.phone),
            "email": c.email,
        }
        for c in customer.contacts.all()
    ]
    return ContactFormSet(data, initial=initial, prefix=CONTACTS_PREFIX)


def with_contact_added(data):
    """The posted card with one more empty contact person ("Add contact person")."""
    data = data.copy()
    key = f"{CONTACTS_PREFIX}-TOTAL_FORMS"
    total = data.get(key, "")
    total = int(total) if total.isdecimal() else 0
    data[key] = str(min(total + 1, ContactFormSet.max_num))
    return data


def with_contact_removed(data, index):
    """The posted card with contact person ``index`` marked for removal on save."""
    data = data.copy()
    if str(index).isdecimal():
        data[f"{CONTACTS_PREFIX}-{index}-DELETE"] = "on"
    return data


class CustomerCard:
    """The customer card as one form: the card's fields and its contact persons.

    A POST that only adds or removes a contact row ("Legg til kontaktperson") shows the
    card again with the change, saves nothing and shows no errors yet.
    """

    def __init__(self, request, *, company, customer=None):
        data = request.POST if request is not None and request.method == "POST" else None
        self.only_rows = False
        if data is not None and "add_contact" in data:
            data, self.only_rows = with_contact_added(data), True
        elif data is not None and "remove_contact" in data:
            data, self.only_rows = with_contact_removed(data, data["remove_contact"]), True
        self.form = CustomerForm(data, company=company, customer=customer)
        self.contacts = contact_formset(data, customer=customer)
        if self.only_rows:
            self.form._errors = ErrorDict()
            for contact in self.contacts.forms:
                contact._errors = ErrorDict()
            self.contacts._non_form_errors = ErrorList()

    def wants_save(self):
        return self.form.is_bound and not self.only_rows

    def is_valid(self):
        return self.form.is_valid() & self.contacts.is_valid()

    def values(self):
        """The keyword arguments of the customers services."""
        return {"data": self.form.customer_data(), "contacts": self.contacts.contacts()}

    def version(self):
        return self.form.cleaned_data.get("version") or 0

    def status(self):
        return 200 if self.only_rows else form_status(self.form, self.contacts)
