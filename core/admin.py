from django.contrib import admin
from pghistory.admin import EventModelAdmin

from .models import SubmittedForm


@admin.register(SubmittedForm)
class SubmittedFormAdmin(admin.ModelAdmin):
    """The tokens of saved create forms (double-submit guard); read-only."""

    list_display = ["token", "user", "result_url", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "result_url"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventAdmin(EventModelAdmin):
    """Platform staff's read-only view of one history table (django-pghistory's events:
    nothing can be added, changed or deleted). "Events" on a tracked object's page lists
    every event of that object."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context"]
    date_hierarchy = "pgh_created_at"
