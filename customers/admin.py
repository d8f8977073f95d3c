"""Django admin for platform staff: every firm's customers (the admin runs unscoped).

Deleting is soft everywhere: the foreign keys to a customer are PROTECT, so the
admin cannot cascade into projects, time entries or history; staff restore a
customer that a firm deleted with the "restore" action.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import FIRM_MODEL_FIELDS, EventAdmin, VersionedAdminForm

from . import services
from .models import ContactPerson, ContactPersonEvent, Customer, CustomerEvent, CustomerHours


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted (yes/no)")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("Deleted")), ("no", _("Not deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class ContactPersonInline(admin.TabularInline):
    """Read-only: the firm keeps its contact persons on the card."""

    model = ContactPerson
    fields = readonly_fields = ["name", "title", "phone", "email"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Staff change a customer's card fields here, through customers.services as the
    card does: the model's rules, the version and the history hold. Active/inactive
    stays the firm's choice on the card."""

    form = VersionedAdminForm
    list_display = [
        "number",
        "name",
        "kind",
        "company",
        "is_active",
        "logged_hours",
        "deleted_at",
        "updated_at",
    ]
    list_display_links = ["number", "name"]
    list_filter = [DeletedFilter, "is_active", "kind", "company"]
    list_select_related = ["company"]
    search_fields = ["name", "=number", "org_number", "email", "phone", "company__name"]
    ordering = ["company__name", "number"]
    readonly_fields = [
        "company",
        "is_active",
        "search_text",
        "logged_hours",
        *FIRM_MODEL_FIELDS,
    ]
    inlines = [ContactPersonInline]
    actions = ["restore"]

    def get_queryset(self, request):
        customers = Customer.objects.all().select_related("company")
        return customers.annotate(logged_hours=CustomerHours.of_row())

    @admin.display(description=_("Logged hours"), ordering="logged_hours")
    def logged_hours(self, customer):
        """The hours the database keeps for the customer (CustomerHours)."""
        return customer.logged_hours

    def has_add_permission(self, request):
        # Customers belong to a firm: they are created in the app, where the firm is known.
        return False

    @admin.action(description=_("Restore the selected deleted customers"))
    def restore(self, request, queryset):
        restored = 0
        for customer in queryset.filter(deleted_at__isnull=False):
            services.customer_restore(customer=customer, by=request.user)
            restored += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d customer has been restored.",
                "%(count)d customers have been restored.",
                restored,
            )
            % {"count": restored},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        services.customer_update(
            customer=obj,
            by=request.user,
            version=form.cleaned_data["opened_version"],
            data={field: getattr(obj, field) for field in services.FIELDS},
        )


admin.site.register([CustomerEvent, ContactPersonEvent], EventAdmin)
