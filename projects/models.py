from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import DateField, DecimalField, MoneyField, PostalCodeField
from core.history import events_of
from core.models import FirmModel, FirmQuerySet, KeptHours
from core.tenancy import CompanyOwned, scoped_manager


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Finished")


class ProjectAccess(models.TextChoices):
    ALL = "all", _("All employees")
    SELECTED = "selected", _("Selected employees")


# What a user edits on the project form (and its history lists), in that order.
EDITABLE_FIELDS = [
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
# What only those who see prices edit and read in its history (accounts.permissions.PRICES).
PRICE_FIELDS = ["hourly_rate", "billable"]


class ProjectQuerySet(FirmQuerySet):
    def open(self):
        """Not deleted and not finished: what pickers offer."""
        return self.alive().filter(status=ProjectStatus.IN_PROGRESS)


NUMBER_TAKEN = _("Another project already has this number.")


class Project(FirmModel):
    """A firm's project ("Prosjekt"), optionally for one customer."""

    number = models.PositiveIntegerField(_("project number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("project name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("customer"),
    )
    address = models.CharField(_("site address"), max_length=200, blank=True)
    postal_code = PostalCodeField(_("postal code"), blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    start_date = DateField(_("start date"), null=True, blank=True)
    end_date = DateField(_("end date"), null=True, blank=True)
    estimated_hours = DecimalField(
        _("estimated hours"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    # The most specific price (invoicing.prices): over the customer's and the firm's.
    hourly_rate = MoneyField(
        _("hourly price"),
        null=True,
        blank=True,
        help_text=_("NOK excl. MVA; empty: the customer's or the firm's price."),
    )
    # What a new entry on the project starts as ("Ikke fakturerbar" when unchecked):
    # internal projects, warranty work.
    billable = models.BooleanField(
        _("billable"),
        default=True,
        db_default=True,  # also for rows written without the ORM (bench data)
        help_text=_("Uncheck for internal projects and warranty work: its hours are not billed."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.IN_PROGRESS
    )
    access = models.CharField(
        _("employee access"), max_length=10, choices=ProjectAccess, default=ProjectAccess.ALL
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProjectMember",
        related_name="member_projects",
        blank=True,
        verbose_name=_("selected employees"),
    )

    stale_message = _("The project has been changed by %(name)s since you opened it.")

    objects = scoped_manager(ProjectQuerySet)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                name="project_number_per_company",
                violation_error_message=NUMBER_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer"], name="project_company_customer"),
            models.Index(fields=["company", "status", "-number"], name="project_company_status"),
        ]

    def __str__(self):
        return self.label(self.number, self.name)

    @staticmethod
    def label(number, name):
        """A project's label, "1042 Tak Storgata 5": ``str(project)``."""
        return f"{number} {name}"

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.customer_id and self.customer.is_deleted and not self._keeps_customer():
            errors["customer"] = _("Choose a customer from the list.")
        if errors:
            raise ValidationError(errors)

    def _keeps_customer(self):
        """Whether the project already had this customer: one deleted since may stay."""
        if self.pk is None:
            return False
        saved = Project._base_manager.filter(pk=self.pk).values_list("customer_id", flat=True)
        return saved.first() == self.customer_id

    def check_editable(self):
        """A finished project is read-only until it is reopened."""
        if self.is_done:
            raise ValidationError(_("A finished project cannot be changed. Reopen it first."))

    @property
    def is_done(self):
        return self.status == ProjectStatus.DONE

    @property
    def is_behind_schedule(self):
        """ "Bak skjema": the end date has passed and the project is not finished."""
        return (
            not self.is_done and self.end_date is not None and self.end_date < timezone.localdate()
        )

    @property
    def is_over_budget(self):
        """ "Over budsjett": more hours logged than estimated. Needs the ``logged_hours``
        annotation of ``selectors.with_logged_hours``."""
        logged = getattr(self, "logged_hours", None)
        return bool(self.estimated_hours is not None and logged and logged > self.estimated_hours)


class ProjectHours(KeptHours):
    """The hours logged on a project: what the project list, the project page and
    "Over budsjett" read instead of summing the project's entries on every read."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="logged"
    )

    class Meta:
        verbose_name = _("logged hours of a project")
        verbose_name_plural = _("logged hours of projects")


class ProjectMember(CompanyOwned):
    """An employee chosen under "Valgte ansatte" on a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once"),
        ]
        indexes = [models.Index(fields=["company", "user"], name="projectmember_company_user")]


class ProjectEvent(
    events_of(
        Project,
        verbose_name=_("project event"),
        verbose_name_plural=_("project events"),
        indexes=[models.Index(fields=["company", "pgh_obj"], name="projectevent_obj")],
    )
):
    """The project after each change (written by a trigger, see core.history)."""


class ProjectMemberEvent(
    events_of(
        ProjectMember,
        verbose_name=_("project member event"),
        verbose_name_plural=_("project member events"),
        indexes=[models.Index(fields=["company", "project"], name="memberevent_project")],
    )
):
    """An employee chosen or unchosen under "Valgte ansatte"."""
