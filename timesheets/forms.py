import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms
from accounts.selectors import users_of_company
from core.forms import (
    DateField,
    DecimalField,
    ListSelect,
    PickerForm,
    RowLabels,
    SearchSelect,
)
from core.pages import id_from
from customers.models import Customer
from customers.selectors import search_customers
from projects.models import Project
from projects.selectors import pickable_customers, pickable_projects, search_projects

from . import services
from .models import TimeEntry
from .selectors import Week, latest_work, today


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# "7:30": hours and minutes, as a clock shows a duration.
_CLOCK = re.compile(r"([0-9]{1,2}):([0-5][0-9])")
# "7½", "7 ½", "½": the fractions a phone's keyboard offers.
_FRACTION = re.compile(r"([0-9]{0,2})\s*([½¼¾])")
_FRACTIONS = {"½": Decimal("0.5"), "¼": Decimal("0.25"), "¾": Decimal("0.75")}


class HoursField(DecimalField):
    """Hours as people type them: "7,5", "7.5", "7:30" or "7½", whatever the user's
    language. That a day has at most 24 of them is the service's rule (one message for
    "0" and "25")."""

    default_error_messages = {
        "invalid": _("Enter hours as a number, for example 7,5 or 7:30."),
        "max_decimal_places": _("Use at most two decimals."),
    }

    def __init__(self, **kwargs):
        super().__init__(max_digits=4, decimal_places=2, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if clock := _CLOCK.fullmatch(text):
            minutes = int(clock[1]) * 60 + int(clock[2])
            value = (Decimal(minutes) / 60).quantize(services.HUNDREDTH, ROUND_HALF_UP)
        elif fraction := _FRACTION.fullmatch(text):
            value = Decimal(fraction[1] or 0) + _FRACTIONS[fraction[2]]
        return super().to_python(value)


class CustomerChoiceField(RowLabels, forms.ModelChoiceField):
    label_values = ("name", "number")

    def label_of(self, name, number):
        return f"{name} ({number})"


class ProjectChoiceField(RowLabels, forms.ModelChoiceField):
    label_values = ("number", "name", "customer__name")

    def label_of(self, number, name, customer_name):
        customer = f" – {customer_name}" if customer_name is not None else ""
        return f"{number} {name}{customer}"


class UserChoiceField(RowLabels, forms.ModelChoiceField):
    """An employee, named as ``str(user)`` names them: the name, or the e-mail."""

    label_values = ("name", "email")

    def label_of(self, name, email):
        return name or email


def project_picker(empty_label, **attrs):
    """The searchable "Prosjekt" picker of this app's forms (querysets set per form)."""
    return ProjectChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=empty_label,
        widget=SearchSelect(
            options_url=reverse_lazy("timesheets:project_options"),
            search=search_projects,
            search_label=_("Search projects"),
            attrs=attrs,
        ),
    )


def customer_picker(empty_label):
    """The searchable "Kunde" picker of this app's forms (querysets set per form)."""
    return CustomerChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        required=False,
        empty_label=empty_label,
        widget=SearchSelect(
            options_url=reverse_lazy("timesheets:customer_options"),
            search=search_customers,
            search_label=_("Search customers"),
        ),
    )


class TimeEntryForm(PickerForm):
    """Log or change hours. The choices are exactly what ``user`` may pick
    (projects.selectors); anything else, however it was posted, is a field error.
    A new entry starts on today with the project and customer of the user's last one."""

    date = DateField(label=_("Date"))
    hours = HoursField(label=_("Hours"), required=False, help_text=_("For example 7,5 or 7:30"))
    start_time = forms.TimeField(label=_("From"), required=False, widget=TimeInput)
    end_time = forms.TimeField(label=_("To"), required=False, widget=TimeInput)
    break_minutes = forms.IntegerField(
        label=_("Break (min)"), required=False, min_value=0, max_value=24 * 60
    )
    # Choosing a project fills in its customer.
    project = project_picker(
        _("No project"),
        **{
            "hx-get": reverse_lazy("timesheets:customer_field"),
            "hx-trigger": "change",
            "hx-target": "#customer-field",
            "hx-swap": "outerHTML",
            "hx-include": "#id_customer",
        },
    )
    customer = customer_picker(_("No customer"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The answers to the form's questions: each is asked once, next to its box.
    long_day = forms.BooleanField(label=_("Yes, that day was that long"), required=False)
    no_project = forms.BooleanField(
        label=_("Yes, save it without project and customer"), required=False
    )
    # Only for those who see prices (accounts.permissions.PRICES); others' entries take
    # their project's default.
    not_billable = forms.BooleanField(
        label=_("Not billable"),
        required=False,
        help_text=_("Left out of the invoice basis. On a non-billable project it always is."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, entry=None, **kwargs):
        if entry is not None:
            # What was typed before a search without JavaScript overrides the saved values.
            kwargs["initial"] = {**entry_initial(entry), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.user = user
        self.entry = entry
        projects = pickable_projects(user)
        customers = pickable_customers(user)
        if entry is not None:
            # Keeping what the entry already has is not a new choice: a project that
            # has since finished or a customer since deleted stays on it.
            if entry.project_id:
                projects = projects | Project.objects.filter(pk=entry.project_id)
            if entry.customer_id:
                customers = customers | Customer.objects.filter(pk=entry.customer_id)
        self.fields["project"].queryset = projects.select_related("customer").order_by("-number")
        self.fields["customer"].queryset = customers.order_by("name", "number")
        self.latest = None if entry else latest_work(user, projects)
        self.recent_projects = self.latest.projects if self.latest else []
        if entry is not None and not self.is_bound and self.initial.get("describe"):
            # Made by the timer just now: what is left is to say what the work was.
            self.fields["description"].widget.attrs["autofocus"] = True
        if entry is None and not self.is_bound:
            self.initial.setdefault("date", today())
            self._preselect()
            # The number is what there is to type: the phone's keyboard opens for it.
            self.fields["hours"].widget.attrs["autofocus"] = True
        if not user.has_perm(perms.PRICES):
            del self.fields["not_billable"]

    def _preselect(self):
        """The last entry's project and customer, unless the address says (a recent
        project tapped without JavaScript: its customer with it; a search without
        JavaScript: what was chosen, however empty)."""
        project_field, customer_field = self.fields["project"], self.fields["customer"]
        if "project" in self.initial or "customer" in self.initial:
            chosen = project_field.queryset.filter(pk=id_from(self.initial.get("project"))).first()
            if chosen is not None and not self.initial.get("customer"):
                self.initial["customer"] = chosen.customer_id
            return
        latest = self.latest  # the last entry's project is among what may be picked
        if latest.project is not None:
            self.initial["project"] = latest.project
        if (
            latest.customer is not None
            and customer_field.queryset.filter(pk=latest.customer).exists()
        ):
            self.initial["customer"] = latest.customer

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start or end:
            if not start:
                self.add_error("start_time", _("Enter when you started, or leave “To” empty."))
            elif not end:
                self.add_error("end_time", _("Enter when you finished, or leave “From” empty."))
            else:
                try:
                    computed = services.hours_from_times(
                        start=start,
                        end=end,
                        break_minutes=data.get("break_minutes"),
                        day=data.get("date"),
                    )
                except ValidationError as error:
                    self.add_error(None, error)
                else:
                    typed = data.get("hours")
                    if typed is not None and typed != computed:
                        # Never drop what the user typed without a word.
                        self.add_error(
                            "hours",
                            _(
                                "From and To give %(hours)s hours. Change the hours or the "
                                "times, or empty From and To."
                            )
                            % {"hours": number_format(computed.normalize(), use_l10n=True)},
                        )
                    data["hours"] = computed
        elif data.get("hours") is None and "hours" not in self.errors:
            self.add_error("hours", _("Enter the hours, or when you started and finished."))
        if data.get("hours") is not None and not self.errors.get("hours"):
            try:
                services.validate_hours(data["hours"])
            except ValidationError as error:
                self.add_error(None, error)
        project = data.get("project")
        if project and not data.get("customer") and project.customer_id:
            # Without JavaScript nothing filled "Kunde": take the project's customer.
            data["customer"] = (
                self.fields["customer"].queryset.filter(pk=project.customer_id).first()
            )
        if not self.errors:
            self._ask(data)
        return data

    def _ask(self, data):
        """Once the entry is valid: a day over 24 hours is refused; a day over 12 hours
        and an entry with neither project nor customer are asked about once (an entry
        saved that way before was asked already)."""
        owner = self.entry.user if self.entry else self.user
        day = TimeEntry.objects.day_hours(owner, data["date"], besides=self.entry)
        total = day + data["hours"]
        if total > services.MAX_HOURS:
            self.add_error("hours", services.day_too_long(total))
            return
        if total > services.LONG_DAY and not data.get("long_day"):
            self.add_error(
                "long_day",
                _("That day adds up to %(hours)s hours. Is that right?")
                % {"hours": number_format(total.normalize(), use_l10n=True)},
            )
        had_one = self.entry is None or self.entry.project_id or self.entry.customer_id
        neither = not data.get("project") and not data.get("customer")
        if neither and had_one and not data.get("no_project"):
            self.add_error(
                "no_project", _("The entry has neither a project nor a customer. Is that meant?")
            )

    def entry_values(self):
        values = {name: self.cleaned_data.get(name) for name in services.ENTRY_FIELDS}
        if "not_billable" in self.fields:
            # Checked, never billed; else as the project says.
            project = values["project"]
            default = project.billable if project is not None else True
            values["billable"] = default and not self.cleaned_data["not_billable"]
        return values


def entry_initial(entry):
    return {
        "date": entry.date,
        "hours": entry.hours,
        "start_time": entry.start_time,
        "end_time": entry.end_time,
        "break_minutes": entry.break_minutes,
        "project": entry.project_id,
        "customer": entry.customer_id,
        "description": entry.description,
        "not_billable": not entry.billable,
        "version": entry.version,
    }


class OverviewFilterForm(PickerForm):
    """The filters of "Timeoversikt" (GET); invalid ones are shown and ignored."""

    STATUS_CHOICES = [
        ("", _("All")),
        ("open", _("Not approved")),
        ("approved", _("Approved")),
        ("self_approved", _("Approved by the employee themselves")),
    ]
    GROUP_CHOICES = [
        ("employee", _("Employee")),
        ("customer", _("Customer")),
        ("project", _("Project")),
    ]

    date_from = DateField(label=_("From date"), required=False)
    date_to = DateField(label=_("To date"), required=False)
    user = UserChoiceField(
        label=_("Employee"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("All"),
        widget=ListSelect,
    )
    customer = customer_picker(_("All"))
    project = project_picker(_("All"))
    status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, required=False, widget=ListSelect
    )
    group = forms.ChoiceField(
        label=_("Totals per"), choices=GROUP_CHOICES, required=False, widget=ListSelect
    )

    def __init__(self, data, *, user):
        data = data.copy()
        if not data.get("date_from") and not data.get("date_to"):
            week = Week.of(today())
            data["date_from"], data["date_to"] = week.monday, week.sunday
        super().__init__(data)
        self.fields["user"].queryset = users_of_company()
        # Reports cover deleted customers and projects too: their hours happened.
        self.fields["customer"].queryset = Customer.objects.order_by("name", "number")
        self.fields["project"].queryset = Project.objects.select_related("customer")
        # Searching from the overview includes the deleted ones.
        for name in ("customer", "project"):
            widget = self.fields[name].widget
            widget.options_url = f"{widget.options_url}?all=1"

    def filters(self):
        """The valid filters as keyword arguments for selectors.filter_entries."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status")
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "user": data.get("user"),
            "customer": data.get("customer"),
            "project": data.get("project"),
            "approved": {"approved": True, "open": False}.get(status),
            "self_approved": status == "self_approved",
        }

    @property
    def grouping(self):
        self.is_valid()
        return self.cleaned_data.get("group") or "employee"


class TimerForm(forms.Form):
    """ "Start tidtaker" on "Før timer": the project and customer picked there, among
    what ``user`` may pick; the form's other fields are for the entry and not read."""

    project = ProjectChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    customer = CustomerChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    # The timer's key, made with the form ({% timer_key %}): its "Stopp" names it so,
    # also before the server has it (a start kept on a phone without a connection).
    timer_key = forms.UUIDField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = pickable_projects(user).select_related("customer")
        self.fields["customer"].queryset = pickable_customers(user)
