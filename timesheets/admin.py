from django.contrib import admin

from core.admin import FIRM_MODEL_FIELDS

from .models import TimeEntry, TimeEntryChange


class TimeEntryChangeInline(admin.TabularInline):
    model = TimeEntryChange
    extra = 0
    fields = ["at", "by", "action", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    """Platform staff's read-mostly view of every firm's hours. The firms keep their
    own hours; what happens after approval is recorded, so the admin changes nothing."""

    list_display = [
        "date",
        "user",
        "hours",
        "company",
        "project",
        "customer",
        "approved_at",
        "deleted_at",
    ]
    list_filter = [
        "company",
        ("approved_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    date_hierarchy = "date"
    search_fields = ["user__name", "user__email", "customer__name", "project__name", "description"]
    list_select_related = ["company", "user", "project", "customer"]
    raw_id_fields = ["user", "project", "customer", "approved_by"]
    readonly_fields = [
        "company",
        "user",
        "date",
        "hours",
        "start_time",
        "end_time",
        "break_minutes",
        "project",
        "customer",
        "description",
        "approved_at",
        "approved_by",
        *FIRM_MODEL_FIELDS,
    ]
    inlines = [TimeEntryChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimeEntryChange)
class TimeEntryChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "by", "entry", "company"]
    list_filter = ["action", "company"]
    list_select_related = ["by", "entry", "company"]
    readonly_fields = ["company", "entry", "at", "by", "action", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
