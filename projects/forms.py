import copy
from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DecimalField, PickerForm, SearchSelect
from customers.models import Customer
from customers.selectors import search_customers

from . import selectors
from .models import Project, ProjectAccess
from .services import FIELDS


def customer_label(customer):
    """A customer as the picker and the project card name it."""
    if customer.is_deleted:
        return customer.display_name
    if not customer.is_active:
        return gettext("%(name)s (inactive)") % {"name": customer.name}
    return customer.name


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return customer_label(obj)


class ProjectForm(PickerForm, forms.ModelForm):
    """Create or change a project. The rules are the model's (projects.models), the
    same for the Django admin and the services; the form never saves: the view hands
    ``project_fields()`` to the service."""

    name = forms.CharField(label=_("Project name"), max_length=200)
    number = forms.IntegerField(label=_("Project number"), max_value=2_147_483_647)
    customer = CustomerChoiceField(
        label=_("Customer"),
        queryset=None,
        required=False,
        empty_label=_("No customer"),
        widget=SearchSelect(
            options_url=reverse_lazy("projects:customer_options"),
            search=search_customers,
            search_label=_("Search for a customer"),
        ),
    )
    start_date = DateField(label=_("Start date"), required=False)
    end_date = DateField(label=_("End date"), required=False)
    estimated_hours = DecimalField(
        label=_("Estimated hours"), required=False, max_digits=9, decimal_places=2
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Optimistic locking: the version of the project this form was opened at.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = FIELDS

    def __init__(self, *args, user, project=None, **kwargs):
        # Checked on a copy: the page keeps showing the saved project.
        instance = copy.copy(project) if project else Project(company=user.company)
        super().__init__(*args, instance=instance, **kwargs)
        self.company, self.project = user.company, project
        hours = self.initial.get("estimated_hours")
        if isinstance(hours, Decimal):  # what was typed (kept over a search) stays as is
            self.initial["estimated_hours"] = hours.normalize()  # 37,5 rather than 37,50
        customers = selectors.pickable_customers(user)
        if project is not None and project.customer_id:
            # Keep the project's own customer choosable even if it was deleted since.
            customers = customers | Customer.objects.filter(pk=project.customer_id)
        self.fields["customer"].queryset = customers.order_by("name", "number")

    def project_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AccessForm(forms.Form):
    access = forms.ChoiceField(
        label=_("Employee access"),
        choices=ProjectAccess.choices,
        widget=forms.RadioSelect,
    )
    members = UserChoices(
        label=_("Selected employees"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.access_candidates()
