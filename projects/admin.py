from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import FIRM_MODEL_FIELDS, EventAdmin, VersionedAdminForm

from . import selectors, services
from .models import Project, ProjectEvent, ProjectMember, ProjectMemberEvent


class ProjectAdminForm(VersionedAdminForm):
    def clean(self):
        data = super().clean()
        self.current.check_editable()
        return data


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
    """Platform staff's view of every firm's projects. Staff change a project's fields
    through projects.services, as the firm's form does: the model's rules (a customer
    of the project's own firm, among them), the version, a finished project read-only.
    Status and employee access stay the firm's choice on the project card; projects
    are created and soft-deleted by the firms themselves."""

    form = ProjectAdminForm
    list_display = [
        "number",
        "name",
        "company",
        "customer",
        "status",
        "access",
        "logged_hours",
        "deleted_at",
    ]
    list_filter = ["status", "access", "company"]
    search_fields = ["name", "number", "customer__name"]
    list_select_related = ["company", "customer"]
    raw_id_fields = ["customer"]
    readonly_fields = [
        "company",
        "status",
        "access",
        "logged_hours",
        *FIRM_MODEL_FIELDS,
    ]
    inlines = [ProjectMemberInline]

    def get_queryset(self, request):
        return selectors.with_logged_hours(super().get_queryset(request))

    @admin.display(description=_("Logged hours"), ordering="logged_hours")
    def logged_hours(self, project):
        return project.logged_hours

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.project_update(
            project=obj,
            by=request.user,
            version=form.cleaned_data["opened_version"],
            **{field: getattr(obj, field) for field in services.FIELDS},
        )


admin.site.register([ProjectEvent, ProjectMemberEvent], EventAdmin)
