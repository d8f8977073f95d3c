from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import EventAdmin, ReadOnlyAdmin

from .models import Company, CompanyEvent, SecurityEvent, User, UserEvent
from .sessions import end_sessions


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number", "user_count", "created_at"]
    search_fields = ["name", "org_number"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description=_("users"), ordering="user_count")
    def user_count(self, obj):
        return obj.user_count


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "company", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "company"]
    list_select_related = ["company"]
    search_fields = ["email", "name", "company__name"]
    autocomplete_fields = ["company"]
    # Staff reset a lost device by deleting it under "TOTP devices" (django-otp's admin).
    readonly_fields = ["last_login", "date_joined", "two_factor_reset_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "phone", "language"]}),
        (_("Firm"), {"fields": ["company", "role", "is_active", "hourly_cost"]}),
        (_("Platform"), {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "two_factor_reset_at"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "name", "company", "role", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # As in the firm's own user management (accounts.services): a deactivated
        # user's sessions do not come back, and a new role starts with a new login.
        if change and ({"is_active", "role"} & set(form.changed_data)):
            end_sessions(obj)


admin.site.register([CompanyEvent, UserEvent], EventAdmin)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """Every firm's security log for platform staff; read-only, as the table is
    append-only (only prune_security_log deletes)."""

    list_display = ["at", "company", "kind", "actor", "user", "ip_address"]
    list_filter = ["kind", "company"]
    list_select_related = ["company", "actor", "user"]
    search_fields = ["user__email", "actor__email", "ip_address"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]
