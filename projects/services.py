"""Writes of projects: every change goes through here. The field rules are the
model's (projects.models, applied by ``full_clean``); these functions keep the rest:
the version, the state (a finished project is read-only), the unique number when two
save at once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import violates

from .models import (
    EDITABLE_FIELDS,
    NUMBER_TAKEN,
    PRICE_FIELDS,
    Project,
    ProjectAccess,
    ProjectMember,
    ProjectStatus,
)
from .selectors import project_has_hours

# The fields of the project form, as the services take them.
FIELDS = [*EDITABLE_FIELDS, *PRICE_FIELDS]


def _save(project):
    """Apply the model's rules (projects.models, the same for the form and the Django
    admin), then save, turning a lost race for the same number into a field error."""
    project.clean_for_save()
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        if not violates(error, "project_number_per_company"):
            raise
        # Two people took the same number at the same moment.
        raise ValidationError({"number": NUMBER_TAKEN}) from error


def _fields(values):
    """The project's fields among ``values``; a field not given keeps its default (on
    create) or its value (on update)."""
    return {field: values[field] for field in FIELDS if field in values}


@transaction.atomic
def project_create(*, company, by, **fields):
    project = Project(company=company, created_by=by, updated_by=by, **_fields(fields))
    _save(project)
    return project


@transaction.atomic
def project_update(*, project, by, version, **fields):
    """Save the form over ``project`` if nobody saved it since ``version`` was read.

    Raises StaleVersion for a stale version, ValidationError for bad input or a
    finished project (read-only until it is reopened).
    """
    current = Project.objects.locked(project.pk)
    current.check_version(version)
    current.check_editable()
    for field, value in _fields(fields).items():
        setattr(current, field, value)
    current.version += 1
    current.updated_by = by
    _save(current)
    return current


@transaction.atomic
def project_set_status(*, project, by, status):
    if status not in ProjectStatus.values:
        raise ValidationError(_("Unknown status."))
    Project.objects.filter(pk=project.pk).update(
        status=status, updated_by=by, updated_at=timezone.now()
    )
    project.status = status
    return project


@transaction.atomic
def project_set_access(*, project, by, access, members):
    """Set "Ansattes tilgang": all employees, or the chosen ``members``.

    ``members`` are chosen among the firm's active users; a membership of a user who
    has since been deactivated is kept, since that user was not on the list to untick.
    """
    project.check_editable()
    if access not in ProjectAccess.values:
        raise ValidationError(_("Choose all employees or selected employees."))
    if any(user.company_id != project.company_id or not user.is_active for user in members):
        raise ValidationError(_("Choose employees from the list."))
    chosen = {user.pk for user in members}
    project.memberships.filter(user__is_active=True).exclude(user_id__in=chosen).delete()
    existing = set(project.memberships.values_list("user_id", flat=True))
    ProjectMember.objects.bulk_create(
        ProjectMember(company_id=project.company_id, project=project, user_id=pk)
        for pk in sorted(chosen - existing)
    )
    Project.objects.filter(pk=project.pk).update(
        access=access, updated_by=by, updated_at=timezone.now()
    )
    project.access = access
    return project


@transaction.atomic
def project_delete(*, project, by):
    """Soft delete: only a project without hours (one with hours is set "Ferdig")."""
    if project_has_hours(project):
        raise ValidationError(
            _(
                "Hours have been logged on this project, so it cannot be deleted. "
                "Set it to Finished instead."
            )
        )
    Project.objects.filter(pk=project.pk).update(deleted_at=timezone.now(), deleted_by=by)
