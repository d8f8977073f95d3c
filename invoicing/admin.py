from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import InvoiceBasis, InvoicedEntry


class InvoicedEntryInline(admin.TabularInline):
    model = InvoicedEntry
    fields = readonly_fields = ["entry", "hours", "rate", "released_at"]
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InvoiceBasis)
class InvoiceBasisAdmin(ReadOnlyAdmin):
    """Platform staff read every firm's invoiced bases; a basis is made and reopened by
    the firm, with who, when and why, so the admin changes nothing."""

    list_display = ["number", "company", "customer", "date_from", "date_to", "net", "invoiced_at"]
    list_filter = ["company", ("reopened_at", admin.EmptyFieldListFilter)]
    list_select_related = ["company", "customer"]
    inlines = [InvoicedEntryInline]

    def get_queryset(self, request):
        return InvoiceBasis.objects.all()
