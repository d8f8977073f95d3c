"""The Django admin of core's models, and what the admin of every firm table shares:
it writes through the app's services, so platform staff keep the rules the firms'
users keep."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from pghistory.admin import EventModelAdmin

from .models import Job, StaleVersion, SubmittedForm


class ReadOnlyAdmin(admin.ModelAdmin):
    """For tables platform staff only read: what the firms write on their own pages,
    under their services' rules, or what is append-only (the security log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Users' jobs (core.jobs), to see what ran and why one failed; read-only, and
    without the file, which is only its user's to download."""

    list_display = ["created", "kind", "status", "done", "total", "user", "company", "finished"]
    list_filter = ["status", "kind"]
    list_select_related = ["user", "company"]
    search_fields = ["id", "kind", "user__email"]
    date_hierarchy = "created"
    exclude = ["result"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("result")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# FirmModel's bookkeeping: shown to staff, written only by the services.
FIRM_MODEL_FIELDS = [
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "deleted_at",
    "deleted_by",
]


class VersionedAdminForm(forms.ModelForm):
    """An admin form that carries the version it was read at, as the app's forms do.

    The model's rules (field validators, ``clean()``, the per-firm unique constraints)
    come with the ModelForm. ``clean()`` here locks the row for the rest of the
    request (the admin saves inside one transaction) and refuses a stale version
    next to the other errors, so the service that then saves finds nothing to refuse.
    ``current`` is the row as saved, for the state checks of a subclass.
    """

    # Not "version": that one is the model's, not editable, shown read-only.
    opened_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        self.current = type(self.instance).objects.locked(self.instance.pk)
        try:
            self.current.check_version(data.get("opened_version"))
        except StaleVersion as stale:
            raise ValidationError(stale.message, code="stale") from stale
        return data


class EventAdmin(EventModelAdmin):
    """Platform staff's read-only view of one history table (django-pghistory's events:
    nothing can be added, changed or deleted). "Events" on a tracked object's page lists
    every event of that object."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context"]
    date_hierarchy = "pgh_created_at"
