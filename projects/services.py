"""Writes of projects: every change goes through here, validated."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StaleVersion
from core.validators import is_postal_code

from .models import Project, ProjectAccess, ProjectMember, ProjectStatus
from .selectors import project_has_hours, project_number_taken

# The fields of the project form, as the services take them.
FIELDS = [
    "name",
    "number",
    "customer",
    "address",
    "postal_code",
    "postal_place",
    "start_date",
    "end_date",
    "estimated_hours",
    "description",
]

NUMBER_TAKEN = _("Another project already has this number.")


def _clean_project(company, data, project=None):
    """Normalise and validate the form's fields; raise ValidationError per field."""
    data = {field: data.get(field) for field in FIELDS}
    for field in ("name", "address", "postal_code", "postal_place", "description"):
        data[field] = (data[field] or "").strip()
    errors = {}
    if not data["name"]:
        errors["name"] = _("Enter the project's name.")
    number = data["number"]
    if not isinstance(number, int) or number < 1:
        errors["number"] = _("Enter a whole number above zero.")
    elif project_number_taken(number, company=company, exclude=project):
        errors["number"] = NUMBER_TAKEN
    customer = data["customer"]
    if customer is not None:
        unchanged = project is not None and customer.pk == project.customer_id
        if customer.company_id != company.pk or (customer.is_deleted and not unchanged):
            errors["customer"] = _("Choose a customer from the list.")
    if data["postal_code"] and not is_postal_code(data["postal_code"]):
        errors["postal_code"] = _("A postal code has four digits.")
    start, end = data["start_date"], data["end_date"]
    if start and end and end < start:
        errors["end_date"] = _("The end date cannot be before the start date.")
    hours = data["estimated_hours"]
    if hours is not None and hours < Decimal(0):
        errors["estimated_hours"] = _("Estimated hours cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return data


def _save(project):
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        # Two people took the same number at the same moment.
        raise ValidationError({"number": NUMBER_TAKEN}) from error


@transaction.atomic
def project_create(*, company, by, **fields):
    data = _clean_project(company, fields)
    project = Project(company=company, created_by=by, updated_by=by, **data)
    _save(project)
    return project


@transaction.atomic
def project_update(*, project, by, version, **fields):
    """Save the form over ``project`` if nobody saved it since ``version`` was read.

    Raises StaleVersion for a stale version, ValidationError for bad input or a
    finished project (read-only until it is reopened).
    """
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.version != version:
        raise StaleVersion(current)
    if current.is_done:
        raise ValidationError(_("A finished project cannot be changed. Reopen it first."))
    data = _clean_project(current.company, fields, project=current)
    for field, value in data.items():
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
    if project.is_done:
        raise ValidationError(_("A finished project cannot be changed. Reopen it first."))
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
