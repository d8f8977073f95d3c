from django.contrib import admin

from core.admin import FIRM_MODEL_FIELDS, EventAdmin, ReadOnlyAdmin

from .models import InvoiceBasis, InvoicedEntry, InvoicedJobLine, JobLine, JobLineEvent


class InvoicedEntryInline(admin.TabularInline):
    model = InvoicedEntry
    fields = readonly_fields = ["entry", "hours", "rate", "released_at"]
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class InvoicedJobLineInline(InvoicedEntryInline):
    model = InvoicedJobLine
    fields = readonly_fields = ["line", "quantity", "unit_price", "released_at"]


@admin.register(InvoiceBasis)
class InvoiceBasisAdmin(ReadOnlyAdmin):
    """Platform staff read every firm's invoiced bases; a basis is made and reopened by
    the firm, with who, when and why, so the admin changes nothing."""

    list_display = ["number", "company", "customer", "date_from", "date_to", "net", "invoiced_at"]
    list_filter = ["company", ("reopened_at", admin.EmptyFieldListFilter)]
    list_select_related = ["company", "customer"]
    inlines = [InvoicedEntryInline, InvoicedJobLineInline]

    def get_queryset(self, request):
        return InvoiceBasis.objects.all()


@admin.register(JobLine)
class JobLineAdmin(admin.ModelAdmin):
    """Platform staff's read-mostly view of every firm's materials and driving, as of
    their hours (timesheets.admin): the firms keep their own lines, so the admin
    changes nothing, and an invoiced line (locked in the database too) not even in
    appearance."""

    list_display = ["kind", "description", "quantity", "unit", "company", "entry", "project"]
    list_filter = [
        "company",
        "kind",
        ("invoiced_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["description", "route", "user__name", "project__name"]
    list_select_related = ["company", "entry", "project"]
    readonly_fields = [
        "company",
        "kind",
        "entry",
        "project",
        "user",
        "date",
        "description",
        "quantity",
        "unit",
        "route",
        "unit_price",
        "approved_at",
        "approved_by",
        "invoiced_at",
        *FIRM_MODEL_FIELDS,
    ]

    def get_queryset(self, request):
        return JobLine.objects.all()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and obj.is_invoiced
        return super().has_change_permission(request, obj) and not locked

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(JobLineEvent, EventAdmin)
