import uuid
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import fields
from core.history import events_of
from core.models import FirmModel, FirmQuerySet
from core.tenancy import CompanyOwned, scoped_manager
from customers.models import CustomerHours
from projects.models import ProjectHours


def invoiced_triggers(*, locked, kept):
    """The database's lock of an invoiced row (one with ``invoiced_at``): it changes
    only by leaving its basis (``invoiced_at`` emptied when the basis is reopened) and
    is never deleted, from any client: not the admin, not the shell."""
    return [
        pgtrigger.Protect(
            name=locked,
            operation=pgtrigger.Update,
            condition=pgtrigger.Q(old__invoiced_at__isnull=False)
            & pgtrigger.Q(new__invoiced_at__isnull=False),
        ),
        pgtrigger.Protect(
            name=kept,
            operation=pgtrigger.Delete,
            condition=pgtrigger.Q(old__invoiced_at__isnull=False),
        ),
    ]


# The totals of hours the database keeps, and the entry's column each is kept per.
KEPT_HOURS = [(ProjectHours, "project_id"), (CustomerHours, "customer_id")]

# Where an entry stands for the invoice basis (invoicing): billable and not invoiced,
# approved (what a basis takes now) or not approved yet; or neither (invoiced, or not
# billable). EntryTally counts the entries in each.
DONE, READY, WAITING = 0, 1, 2
BILLING_STATE_SQL = (
    "CASE WHEN billable AND invoiced_at IS NULL"
    f" THEN CASE WHEN approved_at IS NOT NULL THEN {READY} ELSE {WAITING} END ELSE {DONE} END"
)


class EntryTally(models.Model):
    """How many time entries (not deleted) of a customer and a project have the same
    hours and the same billing state (DONE, READY, WAITING): kept by the database (the
    triggers of ``kept_totals_triggers``), never written by the app.

    What the customer card and the project card price (invoicing.selectors.amounts): n
    entries of the same hours at the same price come to n times that hour's amount to
    the øre, so the sum of its rows (146 for the benchmark's key customer and its 20,000
    entries) is the sum of each entry's rounded amount, at the prices of now. A row
    whose entries have all gone counts 0."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,  # the key's unique index serves lookups by customer
        verbose_name=_("customer"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,  # entrytally_project serves lookups by project
        verbose_name=_("project"),
    )
    hours = fields.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    state = models.PositiveSmallIntegerField(_("billing state"))
    entries = models.IntegerField(_("time entries"))

    class Meta:
        verbose_name = _("tally of time entries")
        verbose_name_plural = _("tallies of time entries")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "project", "hours", "state"],
                nulls_distinct=False,
                name="entrytally_key",
            ),
        ]
        indexes = [models.Index(fields=["project"], name="entrytally_project")]

    def __str__(self):
        return f"{self.customer_id}/{self.project_id}: {self.entries} × {self.hours}"


TALLY_KEY = "customer_id, project_id, hours, state"

# An entry's approval as "Timeoversikt" filters it: not approved, approved by someone
# else, approved by its own employee (accounts.permissions: an Administrator may).
# DayTally keeps the entries of each.
OPEN, APPROVED, SELF_APPROVED = 0, 1, 2
APPROVAL_SQL = (
    f"CASE WHEN approved_at IS NULL THEN {OPEN}"
    f" WHEN approved_by_id = user_id THEN {SELF_APPROVED} ELSE {APPROVED} END"
)
DAY_KEY = "company_id, date, user_id, approval"


class DayTally(CompanyOwned):
    """The hours and the number of an employee's time entries (not deleted) on one day,
    per approval (OPEN, APPROVED, SELF_APPROVED): kept by the database (the triggers of
    ``kept_totals_triggers``), never written by the app.

    What "Timeoversikt" sums per employee when no customer or project is filtered: the
    benchmark's big firm has 7,471 of these in a month against 33,618 entries. A row
    whose entries have all gone counts 0."""

    # The firm's and the employee's rows go with them (their entries are kept by PROTECT).
    company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,  # the key's unique index serves lookups by firm
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("employee"),
    )
    date = models.DateField(_("date"))
    approval = models.PositiveSmallIntegerField(_("approval"))
    hours = models.DecimalField(_("hours"), max_digits=12, decimal_places=2)
    entries = models.IntegerField(_("time entries"))

    class Meta:
        verbose_name = _("day's tally of time entries")
        verbose_name_plural = _("days' tallies of time entries")
        constraints = [
            # The period of a firm is read from this index alone.
            models.UniqueConstraint(
                fields=["company", "date", "user", "approval"],
                include=["hours", "entries"],
                name="daytally_key",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.date}: {self.entries} ({self.hours})"


def kept_totals_triggers():
    """Keep projects.ProjectHours, customers.CustomerHours, EntryTally and DayTally:
    after each statement that inserts, changes or deletes time entries, what it added
    and took away (of entries not deleted) is summed per project, per customer, per
    tally key and per employee's day, and added to the kept totals in one upsert each.

    Per statement, not per row: a bulk change of 10,000 entries is one upsert each, and
    the totals' rows are locked in the order of their keys, so two statements over the
    same projects wait for each other instead of deadlocking."""
    upserts = [
        f"""WITH changed AS ({{changes}})
        INSERT INTO {model._meta.db_table} AS kept ({key}, hours)
        SELECT {key}, SUM(d_hours) FROM changed WHERE {key} IS NOT NULL
        GROUP BY {key} HAVING SUM(d_hours) <> 0 ORDER BY {key}
        ON CONFLICT ({key}) DO UPDATE SET hours = kept.hours + EXCLUDED.hours;"""  # noqa: S608
        for model, key in KEPT_HOURS
    ]
    upserts.append(
        f"""WITH changed AS ({{changes}})
        INSERT INTO {EntryTally._meta.db_table} AS kept ({TALLY_KEY}, entries)
        SELECT {TALLY_KEY}, SUM(d_entries) FROM changed
        WHERE customer_id IS NOT NULL OR project_id IS NOT NULL
        GROUP BY {TALLY_KEY} HAVING SUM(d_entries) <> 0 ORDER BY {TALLY_KEY}
        ON CONFLICT ({TALLY_KEY}) DO UPDATE SET entries = kept.entries + EXCLUDED.entries;"""  # noqa: S608
    )
    upserts.append(
        f"""WITH changed AS ({{changes}})
        INSERT INTO {DayTally._meta.db_table} AS kept ({DAY_KEY}, hours, entries)
        SELECT {DAY_KEY}, SUM(d_hours), SUM(d_entries) FROM changed
        GROUP BY {DAY_KEY} HAVING SUM(d_entries) <> 0 OR SUM(d_hours) <> 0 ORDER BY {DAY_KEY}
        ON CONFLICT ({DAY_KEY}) DO UPDATE
        SET hours = kept.hours + EXCLUDED.hours, entries = kept.entries + EXCLUDED.entries;"""  # noqa: S608
    )
    signs = {  # the transition tables each operation has, and the sign of what they add
        "insert": (pgtrigger.Insert, {"new": ""}),
        "update": (pgtrigger.Update, {"old": "-", "new": ""}),
        "delete": (pgtrigger.Delete, {"old": "-"}),
    }
    triggers = []
    for name, (operation, sides) in signs.items():
        changes = " UNION ALL ".join(
            f"SELECT project_id, customer_id, hours, {BILLING_STATE_SQL} AS state,"  # noqa: S608
            f" company_id, date, user_id, {APPROVAL_SQL} AS approval,"
            f" {sign}hours AS d_hours, {sign}1 AS d_entries FROM {side}_entries"
            " WHERE deleted_at IS NULL"
            for side, sign in sides.items()
        )
        triggers.append(
            pgtrigger.Trigger(
                name=f"kept_totals_{name}",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=operation,
                referencing=pgtrigger.Referencing(**{side: f"{side}_entries" for side in sides}),
                func="\n".join(upsert.format(changes=changes) for upsert in upserts)
                + "\nRETURN NULL;",
            )
        )
    return triggers


class TimeEntryQuerySet(FirmQuerySet):
    def approved(self):
        return self.filter(approved_at__isnull=False)

    def unapproved(self):
        return self.filter(approved_at__isnull=True)

    def self_approved(self):
        """Approved by their own employee (an Administrator: accounts.permissions)."""
        return self.filter(approved_by=models.F("user"))

    def day_hours(self, user, day, *, besides=None):
        """The hours ``user`` has logged on ``day`` (not deleted), leaving out the entry
        ``besides`` (the one being changed)."""
        entries = self.alive().filter(user=user, date=day)
        if besides is not None:
            entries = entries.exclude(pk=besides.pk)
        return entries.aggregate(total=models.Sum("hours"))["total"] or Decimal("0")


class TimeEntry(FirmModel):
    """Hours an employee logged ("Timeføring"). Locked once approved; deleting one is
    a soft delete, so what happened to it after approval stays readable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("employee"),
    )
    date = fields.DateField(_("date"))
    hours = fields.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("project"),
        db_index=False,  # entry_project_hours below serves lookups by project
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("customer"),
    )
    description = models.TextField(_("description"), blank=True)
    # Unchecked is "Ikke fakturerbar": left out of the invoice basis. A new entry takes
    # its project's (timesheets.services.billable_for).
    billable = models.BooleanField(_("billable"), default=True, db_default=True)
    # Set while the entry is in an invoice basis (invoicing.services): locked for
    # everyone, in the service and in the database (the triggers below).
    invoiced_at = models.DateTimeField(_("invoiced"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    stale_message = _("Someone else changed this entry while you were editing it.")

    objects = scoped_manager(TimeEntryQuerySet)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=Decimal("0")) & models.Q(hours__lte=Decimal("24")),
                name="time_entry_hours_in_day",
            ),
        ]
        triggers = [
            *invoiced_triggers(locked="invoiced_locked", kept="invoiced_kept"),
            *kept_totals_triggers(),
        ]
        indexes = [
            models.Index(fields=["company", "user", "date"], name="entry_company_user_date"),
            models.Index(fields=["company", "date"], name="entry_company_date"),
            # "Timeoversikt"'s totals of a period from the index alone, and the order of
            # its page of rows; filters by employee, customer, project and approval read
            # it too.
            models.Index(
                fields=["company", "date"],
                include=["user", "customer", "project", "hours", "approved_at", "approved_by"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_alive_period",
            ),
            # A customer's entries of a period (its invoice basis, its card's sums) from the
            # index alone: what those read of each entry is in it.
            models.Index(
                fields=["company", "customer", "date"],
                include=[
                    "hours",
                    "project",
                    "user",
                    "approved_at",
                    "billable",
                    "invoiced_at",
                    "deleted_at",
                ],
                name="entry_customer_period",
            ),  # fmt: skip
            models.Index(fields=["company", "project", "date"], name="entry_company_project"),
            # A project's entries not deleted (deleted_at IS NULL, as every sum asks):
            # the lookups by project, and its hours from the index alone (the kept
            # ProjectHours were counted from it; "Slett" asks whether there are any).
            models.Index(
                fields=["project"],
                include=["hours"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_project_hours",
            ),
            # A user's latest entries (what "Før timer" starts from: their projects, the
            # last one's customer) from the index alone, read backwards, not by sorting
            # all their years of entries.
            models.Index(
                fields=["company", "user", "created_at", "id"],
                include=["project", "customer"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_user_latest",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.hours} {self.user}"

    @property
    def is_approved(self):
        return self.approved_at is not None

    @property
    def is_invoiced(self):
        return self.invoiced_at is not None

    @property
    def is_self_approved(self):
        return self.is_approved and self.approved_by_id == self.user_id


class TimeEntryEvent(
    events_of(
        TimeEntry,
        verbose_name=_("time entry event"),
        verbose_name_plural=_("time entry events"),
        indexes=[models.Index(fields=["company", "pgh_obj"], name="entryevent_obj")],
    )
):
    """The entry after each change, and the old entry on delete: the trail of an
    approved entry outlives the entry (written by a trigger, see core.history)."""


class Timer(CompanyOwned):
    """A running timer ("Tidtaker"): ``user`` started work on a project and/or customer
    at ``started_at``. Kept on the server, so it outlives a reload, a closed tab and a
    second phone; stopping it makes a time entry (timesheets.services.timer_stop) and
    removes the row. One per user (the constraint is the guard against a race).
    ``key`` names it before the server has it: the start form carries it, so a phone
    without a connection can stop (or discard) the timer it started offline."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employee"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    started_at = models.DateTimeField(_("started"))
    key = models.UUIDField(_("key"), default=uuid.uuid4, editable=False)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("timer")
        verbose_name_plural = _("timers")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="timer_one_per_user"),
            models.UniqueConstraint(fields=["company", "key"], name="timer_key_per_company"),
        ]

    def __str__(self):
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class TimerEvent(
    events_of(
        Timer,
        verbose_name=_("timer event"),
        verbose_name_plural=_("timer events"),
        indexes=[models.Index(fields=["company", "user"], name="timerevent_user")],
    )
):
    """Each start, and the timer as it was when stopped or discarded (written by a
    trigger): a timer that went missing can be traced."""
