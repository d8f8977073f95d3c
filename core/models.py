"""Models every app shares. Domain-free: foreign keys name the user model by setting."""

import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tenancy import CompanyOwned, scoped_manager


class SubmittedForm(models.Model):
    """The one-time token of a create form that was saved.

    A double tap on "Lagre" sends the same form twice; the second POST finds its token
    here and creates nothing (see core.idempotency).
    """

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("submitted form")
        verbose_name_plural = gettext_lazy("submitted forms")

    def __str__(self):
        return str(self.token)


class StaleVersion(Exception):
    """A save carried a version older than the saved object's: someone saved in between.

    Raised by every service that writes a versioned object; core.pages.conflict turns
    it into a 409 that keeps the user's input. ``current`` is the object as saved now.
    The model's ``stale_message`` (FirmModel's, with ``%(name)s`` for who saved) opens
    the message.
    """

    def __init__(self, current):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current

    @property
    def changed_by(self):
        by = getattr(self.current, "updated_by", None)
        return by.name if by else _("someone else")

    @property
    def message(self):
        return self.current.stale_message % {"name": self.changed_by}

    def message_for(self, form):
        """The message, naming the fields where the saved values now differ from the
        user's input, and what to do."""
        data = getattr(form, "cleaned_data", {})
        differ = [
            str(form.fields[name].label)
            for name, value in data.items()
            if name in form.fields and name != "version" and _differs(self.current, name, value)
        ]
        parts = [self.message]
        if differ:
            parts.append(
                _("Saved values differ from yours in: %(fields)s.") % {"fields": ", ".join(differ)}
            )
        parts.append(_("Your input is kept below: check it and save again."))
        return " ".join(parts)


def _differs(obj, name, value):
    if not hasattr(obj, name):
        return False
    saved = getattr(obj, name)
    if isinstance(saved, models.Model):
        saved = saved.pk
    if isinstance(value, models.Model):
        value = value.pk
    if saved in (None, "") and value in (None, ""):
        return False
    return saved != value


class FirmQuerySet(models.QuerySet):
    """What every firm table's manager offers (``objects = scoped_manager(...)``)."""

    def alive(self):
        """Not deleted: what lists, search, pickers and totals show."""
        return self.filter(deleted_at__isnull=True)

    def locked(self, pk):
        """The row ``pk``, locked until the transaction ends, with who changed it last
        (for the message of a StaleVersion)."""
        return self.select_for_update(of=("self",)).select_related("updated_by").get(pk=pk)


def _user_field(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


# The fields a service fills in from the request, never from input.
AUDIT_FIELDS = ("company", "created_by", "updated_by", "deleted_by")


def display_name(label, deleted_at):
    """An object's label as other rows show it: "Kari Nordmann (deleted)" once it is
    deleted, so history keeps the name and says why it is gone."""
    if deleted_at is not None:
        return _("%(name)s (deleted)") % {"name": label}
    return label


class KeptHours(models.Model):
    """Hours of the time entries not deleted, kept by the database for one row of
    another table (a project, a customer): the triggers on the time entries add what
    each statement changed (timesheets.models, ``kept_totals_triggers``), and nothing
    in the app writes it. A row without its kept hours has none logged."""

    hours = models.DecimalField(gettext_lazy("logged hours"), max_digits=12, decimal_places=2)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.pk}: {self.hours}"

    @classmethod
    def of_row(cls):
        """The kept hours of a project or a customer as an expression over its rows
        (through its ``logged`` relation), 0 for a row without any."""
        zero = models.Value(0, output_field=models.DecimalField(max_digits=12, decimal_places=2))
        return Coalesce(models.F("logged__hours"), zero)


class FirmModel(CompanyOwned):
    """What every firm table repeats: who created, changed and deleted a row and when,
    soft delete, a version for optimistic locking, and the rules every write path
    (card form, Django admin, service) applies through ``full_clean()``.

    Never hard-deleted: ``deleted_at`` hides a row from lists and pickers while other
    rows keep pointing at it (``on_delete=PROTECT``).
    """

    # Optimistic locking: a save must carry the version it was read at.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    created_by = _user_field(gettext_lazy("created by"))
    updated_at = models.DateTimeField(gettext_lazy("changed"), auto_now=True)
    updated_by = _user_field(gettext_lazy("changed by"))
    deleted_at = models.DateTimeField(gettext_lazy("deleted"), null=True, blank=True)
    deleted_by = _user_field(gettext_lazy("deleted by"))

    # Opens the message of a StaleVersion; %(name)s is who saved in between.
    stale_message = gettext_lazy("This has been changed by %(name)s since you opened it.")

    objects = scoped_manager(FirmQuerySet)

    class Meta:
        abstract = True

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def display_name(self):
        """The object's label as other rows show it (``display_name``)."""
        return display_name(str(self), self.deleted_at)

    def check_version(self, version):
        """Raise StaleVersion unless this row (as saved) is at ``version``."""
        if self.version != int(version or 0):
            raise StaleVersion(self)

    def clean_for_save(self, *, exclude=()):
        """``full_clean()`` as a service runs it before saving: the firm and who wrote
        are the service's to set, so they need no lookup."""
        self.full_clean(exclude=[*AUDIT_FIELDS, *exclude])

    def clean_fields(self, exclude=None):
        # Text is kept without surrounding spaces, whichever path it came by (a form
        # strips it already): "  " is no name.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                setattr(self, field.attname, value.strip())
        super().clean_fields(exclude=exclude)

    def clean(self):
        """A reference to another firm table stays inside the firm."""
        super().clean()
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "company":
                continue
            if not issubclass(field.related_model, CompanyOwned):
                continue
            try:
                other = getattr(self, field.name)
            except ObjectDoesNotExist:
                continue  # clean_fields says so
            if other is not None and other.company_id != self.company_id:
                errors[field.name] = ValidationError(
                    _("This belongs to another firm. Choose one from the same firm."),
                    code="other_firm",
                )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        """Every constraint, the per-firm unique ones included: ``company`` is never a
        form field (it is the user's firm), yet "number per firm" needs it. A unique
        constraint's message goes on its one other field ("number")."""
        exclude = set(exclude or ()) - {"company"}
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude)
                except ValidationError as error:
                    fields = [f for f in getattr(constraint, "fields", ()) if f != "company"]
                    key = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
                    errors.setdefault(key, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def violates(error, constraint):
    """Whether an IntegrityError is PostgreSQL refusing ``constraint`` (by name), so a
    lost race for a unique number is told apart from any other refusal."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint


def next_number(queryset, *, first):
    """The suggested number of a new row: one above the highest ``number`` in
    ``queryset`` (a firm's rows, deleted ones too, since they keep their numbers), or
    ``first`` for the firm's first."""
    highest = queryset.aggregate(top=models.Max("number"))["top"]
    return first if highest is None else highest + 1


class Job(CompanyOwned):
    """One long piece of work a user asked for (core.jobs): its progress while a worker
    runs it, then its result (a file, or a summary) for that user only, until
    ``expires``. The row is what the status page reads; the queue's own job
    (procrastinate's) only carries its id."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("asked by"),
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=100)
    params = models.JSONField(gettext_lazy("parameters"), default=dict)
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(gettext_lazy("done"), default=0)
    total = models.PositiveIntegerField(gettext_lazy("total"), default=0)
    stage = models.CharField(gettext_lazy("stage"), max_length=200, blank=True)
    summary = models.JSONField(gettext_lazy("summary"), default=dict, blank=True)
    result_name = models.CharField(gettext_lazy("file name"), max_length=200, blank=True)
    result_type = models.CharField(gettext_lazy("file type"), max_length=200, blank=True)
    # Kept in PostgreSQL, not on one machine's disk, so every app server can hand it out.
    result = models.BinaryField(gettext_lazy("file"), null=True, blank=True)
    error = models.TextField(gettext_lazy("error"), blank=True)
    created = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    finished = models.DateTimeField(gettext_lazy("finished"), null=True, blank=True)
    expires = models.DateTimeField(gettext_lazy("expires"), db_index=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = gettext_lazy("job")
        verbose_name_plural = gettext_lazy("jobs")
        indexes = [models.Index(fields=["company", "user"], name="job_company_user")]

    def __str__(self):
        return f"{self.kind} {self.id}"

    def get_absolute_url(self):
        return reverse("core:job", args=[self.pk])

    # What a job's function calls on the job it is given (core.jobs says how and when).

    def report(self, done, total=None, stage=None):
        from . import jobs

        jobs.report(self, done, total=total, stage=stage)

    def finish(self, summary):
        from . import jobs

        jobs.finish(self, summary)

    def finish_file(self, name, content_type, data):
        from . import jobs

        jobs.finish_file(self, name, content_type, data)

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_file(self):
        # By its name: the page that asks this every second does not load the file.
        return self.status == self.Status.DONE and bool(self.result_name)
