from django.contrib import admin

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
