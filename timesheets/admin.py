from django.contrib import admin

from core.admin import FIRM_MODEL_FIELDS, EventAdmin, ReadOnlyAdmin

from . import services
from .models import TimeEntry, TimeEntryEvent, Timer, TimerEvent


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
        "billable",
        "approved_at",
        "approved_by",
        *FIRM_MODEL_FIELDS,
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # An invoiced entry (locked in the database too) or one of a handed-in week:
        # shown, never saved.
        locked = obj is not None and services.entry_lock(obj) is not None
        return super().has_change_permission(request, obj) and not locked

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Timer)
class TimerAdmin(ReadOnlyAdmin):
    """The timers running now; their users start and stop them on "Mine timer"."""

    list_display = ["user", "started_at", "project", "customer", "company"]
    readonly_fields = ["key"]  # what its "Stopp" names it by (made by the start form)
    list_filter = ["company"]
    list_select_related = ["user", "project", "customer", "company"]
    search_fields = ["user__name", "user__email"]
    date_hierarchy = "started_at"


admin.site.register([TimeEntryEvent, TimerEvent], EventAdmin)
