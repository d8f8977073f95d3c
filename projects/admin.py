from django.contrib import admin

from core.admin import EventAdmin

from .models import Project, ProjectEvent, ProjectMember, ProjectMemberEvent


class ProjectMemberInline(admin.TabularInline):
    """Who was chosen under "Valgte ansatte". Read-only: the firm decides that on the
    project card, where only its own users can be chosen."""

    model = ProjectMember
    extra = 0
    can_delete = False
    fields = readonly_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Platform staff's view of every firm's projects. Projects are soft-deleted by the
    firms themselves, so the admin does not delete them."""

    list_display = ["number", "name", "company", "customer", "status", "access", "deleted_at"]
    list_filter = ["status", "access", "company"]
    search_fields = ["name", "number", "customer__name"]
    list_select_related = ["company", "customer"]
    raw_id_fields = ["customer"]
    readonly_fields = [
        "company",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "deleted_at",
        "deleted_by",
    ]
    inlines = [ProjectMemberInline]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register([ProjectEvent, ProjectMemberEvent], EventAdmin)
