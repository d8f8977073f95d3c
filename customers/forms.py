import copy
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict, ErrorList
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import tables
from core.forms import PhoneField
from core.pages import form_status
from core.validators import clean_org_number, format_org_number, format_phone

from . import brreg, imports, selectors
from .models import Customer, CustomerKind, DuplicateChoice
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
    # The number a new card suggested: left as it is, the number is the next free one
    # when the customer is saved, not when the form was opened.
    suggested_number = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = FIELDS

    def __init__(self, *args, company, customer=None, **kwargs):
        self.company = company
        self.customer = customer
        self.org_number_owner = None
        self.number_chosen = False
        if customer is None:
            suggested = customer_next_number(company=company)
            kwargs.setdefault("initial", {"number": suggested, "suggested_number": suggested})
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
        # Typing a name or an org. no. asks the registry and the firm's customers.
        lookup = reverse("customers:lookup")
        if customer is not None:
            lookup += f"?customer={customer.pk}"
        # Both fields go with either, so the hints of the one do not replace the other's.
        both = f"#{self['name'].auto_id}, #{self['org_number'].auto_id}"
        for name in ("name", "org_number"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": lookup,
                    "hx-include": both,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#registry-results",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                    "aria-controls": "registry-results",
                    "autocomplete": "off",
                }
            )

    def clean_org_number(self):
        """Refuse the org. no. of another customer of the firm, naming it (the card
        links to it); the database constraint has the last word under a race."""
        value = self.cleaned_data["org_number"]
        if not value:
            return value
        owner = selectors.org_number_owner(
            company=self.company,
            org_number=clean_org_number(value),
            exclude_pk=self.customer.pk if self.customer else None,
        )
        if owner is None:
            return value
        self.org_number_owner = owner
        names = {"name": owner.name, "number": owner.number}
        if owner.is_deleted:
            message = _("%(name)s (customer %(number)s, deleted) has this organisation number.")
        elif not owner.is_active:
            message = _("%(name)s (customer %(number)s, inactive) has this organisation number.")
        else:
            message = _("%(name)s (customer %(number)s) has this organisation number.")
        raise forms.ValidationError(message % names, code="org_number_taken")

    def clean(self):
        data = super().clean()
        suggested = data.get("suggested_number")
        if self.customer is None and suggested and data.get("number") == suggested:
            # Left as suggested: checked as the next free number now, and taken as
            # the next free one by the service when it saves.
            self.number_chosen = True
            data["number"] = customer_next_number(company=self.company)
        return data

    def _post_clean(self):
        super()._post_clean()
        # What the model's fields normalised ("923 609 016" -> "923609016") is what
        # the service will save.
        for field in FIELDS:
            if field in self.cleaned_data:
                self.cleaned_data[field] = getattr(self.instance, field)

    def customer_data(self):
        data = {field: self.cleaned_data[field] for field in FIELDS}
        if self.number_chosen:
            data["number"] = None  # the service takes the next free one
        return data


class RefreshForm(forms.Form):
    """ "Oppdater fra Brønnøysund": the version of the card the differences were shown
    for, so a save in between is a conflict, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


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


@dataclass
class Hints:
    """What the card shows beside its fields from Brønnøysund and the firm's own
    customers (templates/customers/_registry.html)."""

    registry: brreg.Answer | None = None  # None: the registry was not asked
    confirm: brreg.Unit | None = None  # chosen, but with a warning to confirm first
    filled: brreg.Unit | None = None  # the unit the card was just filled from
    similar: list = ()  # "Finnes kunden allerede?"
    similar_key: str = ""
    asked_on_save: bool = False  # the save waits for the user to see ``similar``
    owner: Customer | None = None  # the customer that has the typed org. no.

    @classmethod
    def typed(cls, *, company, name="", org_number="", exclude_pk=None):
        """As the user types a name or an org. no.: the registry's units and the
        firm's customers it may already be."""
        number = brreg.org_number_in(org_number)
        text = number or (name if brreg.is_name_query(name) else "")
        hints = cls(registry=brreg.find(text) if text else None)
        if number:
            hints.owner = selectors.org_number_owner(
                company=company, org_number=number, exclude_pk=exclude_pk
            )
        if name:
            hints.look_for_similar(company=company, name=name, exclude_pk=exclude_pk)
        return hints

    def look_for_similar(self, *, company, name, exclude_pk=None):
        self.similar = selectors.similar_customers(
            company=company, name=name, exclude_pk=exclude_pk
        )
        self.similar_key = selectors.name_key(name) if self.similar else ""
        return self.similar


class CustomerCard:
    """The customer card as one form: the card's fields and its contact persons.

    A POST that only adds or removes a contact row ("Legg til kontaktperson"), searches
    Brønnøysund ("Søk i Brønnøysund") or fills the card from a unit found there shows
    the card again with the change, saves nothing and shows no errors yet.
    """

    def __init__(self, request, *, company, customer=None):
        data = request.POST if request is not None and request.method == "POST" else None
        self.company, self.customer = company, customer
        self.hints = Hints()
        self.only_rows = False
        if data is not None and "add_contact" in data:
            data, self.only_rows = with_contact_added(data), True
        elif data is not None and "remove_contact" in data:
            data, self.only_rows = with_contact_removed(data, data["remove_contact"]), True
        elif data is not None and REGISTRY_STEPS & set(data):
            data, self.only_rows = self._registry_step(data), True
        self.form = CustomerForm(data, company=company, customer=customer)
        self.contacts = contact_formset(data, customer=customer)
        if self.only_rows:
            self.form._errors = ErrorDict()
            for contact in self.contacts.forms:
                contact._errors = ErrorDict()
            self.contacts._non_form_errors = ErrorList()

    def _registry_step(self, data):
        """ "Søk i Brønnøysund" lists the units the org. no. (or else the name) points
        at; choosing one fills the card, after a confirmation if the unit is
        bankrupt, under liquidation or deleted."""
        exclude_pk = self.customer.pk if self.customer else None
        if "brreg_search" in data:
            self.hints = Hints.typed(
                company=self.company,
                name=data.get("name", ""),
                org_number=data.get("org_number", ""),
                exclude_pk=exclude_pk,
            )
            return data
        confirmed = "brreg_confirm" in data
        number = brreg.org_number_in(data.get("brreg_confirm") or data.get("brreg_use"))
        answer = brreg.lookup(number) if number else brreg.Answer()
        unit = answer.unit
        if unit is None:
            self.hints.registry = answer
            return data
        if unit.warnings and not confirmed:
            self.hints.confirm = unit
            return data
        data = data.copy()
        for field, value in unit.card_values().items():
            data[field] = format_org_number(value) if field == "org_number" else value
        self.hints.filled = unit
        self.hints.look_for_similar(company=self.company, name=unit.name, exclude_pk=exclude_pk)
        return data

    def wants_save(self):
        return self.form.is_bound and not self.only_rows

    def is_valid(self):
        """Valid, and not a name like another customer's that the user has not been
        shown yet ("Finnes kunden allerede?": shown once, then "Lagre" saves)."""
        valid = self.form.is_valid() & self.contacts.is_valid()
        return valid and not self._asks_about_similar()

    def _asks_about_similar(self):
        name = self.form.cleaned_data["name"]
        if self.customer is not None and name == self.customer.name:
            return False
        exclude_pk = self.customer.pk if self.customer else None
        if not self.hints.look_for_similar(company=self.company, name=name, exclude_pk=exclude_pk):
            return False
        if self.form.data.get("similar_confirmed") == self.hints.similar_key:
            return False
        self.hints.asked_on_save = True
        return True

    def values(self):
        """The keyword arguments of the customers services."""
        return {"data": self.form.customer_data(), "contacts": self.contacts.contacts()}

    def version(self):
        return self.form.cleaned_data.get("version") or 0

    def status(self):
        return 200 if self.only_rows else form_status(self.form, self.contacts)


# The POST names of the card's Brønnøysund buttons.
REGISTRY_STEPS = {"brreg_search", "brreg_use", "brreg_confirm"}


class ImportUploadForm(forms.Form):
    """ "Importer kunder", step 1: the file. It is read as far as the mapping's preview
    here; the whole file is read by the check and the import."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (separated by ; , or tab) or Excel (.xlsx), with the column names in the "
            "first row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.table = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            tables.check_size(upload.size, settings.CUSTOMER_IMPORT_MAX_BYTES)
            self.table = tables.read_table(upload.read(), max_rows=PREVIEW_ROWS, preview=True)
        except tables.Unreadable as error:
            raise forms.ValidationError(error.message, code="unreadable") from error
        upload.seek(0)
        return upload

    def full_clean(self):
        super().full_clean()
        if self.too_large:
            # The upload was stopped at the limit (core.tables.UploadLimit): say so,
            # not "this field is required".
            limit = settings.CUSTOMER_IMPORT_MAX_BYTES
            message = tables.too_large_message(limit + 1, limit)
            self._errors = ErrorDict({"file": self.error_class([message])})
            self.cleaned_data = {}


PREVIEW_ROWS = 5


class ImportMappingForm(forms.Form):
    """ "Importer kunder", step 2: the card field of each column (a dropdown each,
    recognised from the headers), and what to do with duplicates and rows with
    problems."""

    on_duplicate = forms.ChoiceField(
        label=_("Customers that are already in Svenn"),
        choices=DuplicateChoice.choices,
        initial=DuplicateChoice.SKIP,
        widget=forms.RadioSelect,
        help_text=_("Same organisation number or customer number (or, without either, name)."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip the rows with problems and import the rest"), required=False
    )

    def __init__(self, *args, upload, header, **kwargs):
        initial = {"on_duplicate": upload.on_duplicate, "skip_invalid": upload.skip_invalid}
        mapping = upload.mapping or imports.guess_mapping(header)
        super().__init__(*args, initial=initial, **kwargs)
        self.header = header
        self.columns = []
        choices = [(key, label) for key, label in imports.TARGETS.items()]
        for index, title in enumerate(header):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=title or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
            )
            self.columns.append(name)

    def mapping(self):
        return [self.cleaned_data[name] for name in self.columns]

    def clean(self):
        data = super().clean()
        if all(name in data for name in self.columns):
            for message in imports.mapping_errors(self.mapping()):
                self.add_error(None, message)
        return data

    def choices(self):
        return {
            "mapping": self.mapping(),
            "on_duplicate": self.cleaned_data["on_duplicate"],
            "skip_invalid": self.cleaned_data["skip_invalid"],
        }
