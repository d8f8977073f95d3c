import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import fields
from core.history import events_of
from core.tenancy import CompanyOwned, scoped_manager

from . import calculation

FULL_DAY = Decimal("7.5")
HOURS_IN_DAY = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class SecondBand(models.TextChoices):
    OFF = "", _("No second band")
    SUNDAYS_AND_DAYS_OFF = calculation.SUNDAYS_AND_DAYS_OFF, _("Overtime on Sundays and days off")
    AFTER_HOUR = calculation.AFTER_HOUR, _("Overtime after a given time of day")


class OvertimeRules(CompanyOwned):
    """The firm's overtime rules ("Firma"); a firm without a row has the defaults."""

    daily_limit = fields.DecimalField(
        _("overtime after hours in a day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("9"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("24"))],
    )
    weekly_limit = fields.DecimalField(
        _("overtime after hours in a week"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("168"))],
    )
    overtime_percent = models.PositiveSmallIntegerField(
        _("overtime supplement (%)"), default=50, validators=[MaxValueValidator(300)]
    )
    second_band = models.CharField(
        _("second band"), max_length=20, choices=SecondBand, default=SecondBand.OFF, blank=True
    )
    second_band_percent = models.PositiveSmallIntegerField(
        _("second band supplement (%)"), default=100, validators=[MaxValueValidator(300)]
    )
    second_band_from = models.TimeField(
        _("second band from"),
        null=True,
        blank=True,
        help_text=_("For overtime after a given time of day, for example 21:00."),
    )
    ia_agreement = models.BooleanField(
        _("IA agreement"),
        default=False,
        help_text=_(
            "Egenmelding for up to 8 days at a time and 24 days in 12 months, instead of "
            "3 days at a time and 4 times in 12 months."
        ),
    )
    allow_negative_timebank = models.BooleanField(
        _("avspasering may take the timebank below zero"), default=False
    )
    # The reminders (worktime.reminders), sent by the work queue's hourly tasks.
    remind_hand_in = models.BooleanField(
        _("reminder to hand in"),
        default=True,
        help_text=_(
            "An e-mail on Monday at 10:00 to whoever has not handed in last week, with a "
            "link to it."
        ),
    )
    remind_empty_day = models.BooleanField(
        _("reminder at 16:00 on days without hours"),
        default=False,
        help_text=_(
            "An e-mail at 16:00 on a working day to whoever has logged no hours and has "
            "no approved absence that day."
        ),
    )

    class Meta:
        verbose_name = _("overtime rules")
        verbose_name_plural = _("overtime rules")
        constraints = [
            models.UniqueConstraint(fields=["company"], name="overtime_rules_one_per_firm")
        ]

    def __str__(self):
        return str(_("Overtime rules"))

    def clean(self):
        super().clean()
        if self.second_band == SecondBand.AFTER_HOUR and self.second_band_from is None:
            raise ValidationError({"second_band_from": _("Enter the time the second band starts.")})

    def as_rules(self):
        return calculation.Rules(
            daily_limit=self.daily_limit,
            weekly_limit=self.weekly_limit,
            overtime_percent=self.overtime_percent,
            second_band=self.second_band,
            second_band_percent=self.second_band_percent,
        )


class DayOff(CompanyOwned):
    """A day the firm gives off beside the public holidays (julaften, say)."""

    date = fields.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["company", "date"], name="day_off_one_per_date")
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.name}"


def this_monday():
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


class WorkSchedule(CompanyOwned):
    """An employee's working time from a date on ("Arbeidstid"): the position and the
    normal hours of each weekday. A new schedule starts on a later date; weeks that
    have begun keep the schedule they were worked under."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_schedules",
        verbose_name=_("employee"),
    )
    valid_from = fields.DateField(_("valid from"))
    position_percent = fields.DecimalField(
        _("position (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    monday = fields.DecimalField(
        _("Monday"), max_digits=4, decimal_places=2, default=FULL_DAY, validators=HOURS_IN_DAY
    )
    tuesday = fields.DecimalField(
        _("Tuesday"), max_digits=4, decimal_places=2, default=FULL_DAY, validators=HOURS_IN_DAY
    )
    wednesday = fields.DecimalField(
        _("Wednesday"), max_digits=4, decimal_places=2, default=FULL_DAY, validators=HOURS_IN_DAY
    )
    thursday = fields.DecimalField(
        _("Thursday"), max_digits=4, decimal_places=2, default=FULL_DAY, validators=HOURS_IN_DAY
    )
    friday = fields.DecimalField(
        _("Friday"), max_digits=4, decimal_places=2, default=FULL_DAY, validators=HOURS_IN_DAY
    )
    saturday = fields.DecimalField(
        _("Saturday"), max_digits=4, decimal_places=2, default=0, validators=HOURS_IN_DAY
    )
    sunday = fields.DecimalField(
        _("Sunday"), max_digits=4, decimal_places=2, default=0, validators=HOURS_IN_DAY
    )
    flex = models.BooleanField(
        _("fleksitid"),
        default=False,
        help_text=_("Hours beyond the normal day go into the timebank instead of overtime."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("working time")
        verbose_name_plural = _("working times")
        ordering = ["user", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "valid_from"], name="schedule_one_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(position_percent__gt=0, position_percent__lte=100),
                name="schedule_position_percent",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.valid_from:%d.%m.%Y}"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_from < this_monday():
            raise ValidationError(
                {
                    "valid_from": _(
                        "A schedule applies from this week on; weeks that have begun keep "
                        "the one they were worked under."
                    )
                }
            )

    def hours_on(self, date):
        return getattr(self, WEEKDAYS[date.weekday()])

    @property
    def weekly_hours(self):
        return sum((getattr(self, day) for day in WEEKDAYS), Decimal(0))


# An employee without a schedule works the default one: 7,5 hours Monday to Friday.
DEFAULT_SCHEDULE = WorkSchedule(valid_from=datetime.date.min)


class TimebankStart(CompanyOwned):
    """An employee's timebank balance at the start of a day, from which the
    timebank counts on (the balance brought from before Svenn)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employee"),
    )
    date = fields.DateField(_("from"))
    balance = fields.DecimalField(
        _("start balance (hours)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(Decimal("-9999")), MaxValueValidator(Decimal("9999"))],
    )

    class Meta:
        verbose_name = _("timebank start")
        verbose_name_plural = _("timebank starts")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="timebank_start_one_per_user")
        ]

    def __str__(self):
        return f"{self.user} {self.date:%d.%m.%Y}: {self.balance}"


class AbsenceKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    SELF_CERTIFIED = "self_certified", _("Self-certified sick leave")
    SICK_NOTE = "sick_note", _("Sick note")
    SICK_CHILD = "sick_child", _("Sick child")
    TIME_OFF = "time_off", _("Time off in lieu")
    PAID_LEAVE = "paid_leave", _("Paid leave")
    UNPAID_LEAVE = "unpaid_leave", _("Unpaid leave")


# A wage type code ("lønnsart") as a payroll system knows it: "1000", "T-120".
WAGE_CODE_LENGTH = 10
validate_wage_code = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
    _("A wage type code is letters and digits, for example 1000."),
)


def wage_code_field(verbose_name, default, **options):
    return models.CharField(
        verbose_name,
        max_length=WAGE_CODE_LENGTH,
        default=default,
        validators=[validate_wage_code],
        **options,
    )


# The built-in kinds a firm's own absence type counts as, by whether it is paid.
OWN_TYPE_KINDS = {True: AbsenceKind.PAID_LEAVE, False: AbsenceKind.UNPAID_LEAVE}


class AbsenceType(CompanyOwned):
    """One of the firm's own absence types ("Velferdspermisjon", "Kurs") beside the
    built-in ones. Paid, it counts as paid leave (``AbsenceKind.PAID_LEAVE``), else as
    unpaid leave: an absence of the type carries that kind, so the calculation, the
    balances and the calendar treat it as they treat the built-in one. A type in use is
    deactivated instead of deleted: it is no longer offered, and its absences keep its
    name."""

    name = models.CharField(_("name"), max_length=60)
    paid = models.BooleanField(
        _("paid"),
        default=True,
        help_text=_(
            "Paid, it covers the expected hours like paid leave; else it counts like unpaid leave."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active types can be asked for.")
    )
    # Empty: the code of paid or unpaid leave (WageTypes), as the type's kind.
    wage_code = wage_code_field(_("wage type code"), "", blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("absence type")
        verbose_name_plural = _("absence types")
        ordering = ["-active", Lower("name")]
        constraints = [
            models.UniqueConstraint(
                "company",
                Lower("name"),
                condition=models.Q(active=True),
                name="absence_type_active_name_unique",
                violation_error_message=_("The firm already has an active type of this name."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def kind(self):
        return OWN_TYPE_KINDS[self.paid]


class AbsenceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AbsenceQuerySet(models.QuerySet):
    def standing(self):
        """Requested or approved: what a new request may not overlap."""
        return self.filter(status__in=[AbsenceStatus.REQUESTED, AbsenceStatus.APPROVED])

    def overlapping(self, start, end):
        return self.filter(start__lte=end, end__gte=start)


class Absence(CompanyOwned):
    """Absence ("Fravær") an employee asks for: whole days, or some hours of each day,
    from ``start`` to ``end``. Approved, it covers the days' expected hours."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="absences",
        verbose_name=_("employee"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=AbsenceKind)
    custom_type = models.ForeignKey(
        AbsenceType,
        on_delete=models.PROTECT,
        related_name="absences",
        null=True,
        blank=True,
        verbose_name=_("firm's type"),
        help_text=_(
            "One of the firm's own types; the type above is then its paid or unpaid leave."
        ),
    )
    start = fields.DateField(_("from"))
    end = fields.DateField(_("to"))
    hours = fields.DecimalField(
        _("hours a day"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text=_("Leave empty for whole days."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AbsenceStatus, default=AbsenceStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = scoped_manager(AbsenceQuerySet)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["company", "user", "start"], name="absence_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="absence_end_after_start"
            ),
            # A firm's own type counts as paid or unpaid leave, never as another kind.
            models.CheckConstraint(
                condition=models.Q(custom_type__isnull=True)
                | models.Q(kind__in=[AbsenceKind.PAID_LEAVE, AbsenceKind.UNPAID_LEAVE]),
                name="absence_own_type_is_leave",
            ),
        ]

    def __str__(self):
        return f"{self.type_name} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    @property
    def type_name(self):
        """The firm's own type's name, else the built-in kind's."""
        return self.custom_type.name if self.custom_type_id else self.get_kind_display()

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("“To” must be on or after “From”.")})

    @property
    def whole_days(self):
        return self.hours is None


class HolidayAllowance(CompanyOwned):
    """An employee's holiday days ("feriedager") for a year, with those carried over;
    without a row, the default 25 days and none carried over."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employee"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    days = fields.DecimalField(
        _("holiday days"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    carried_over = fields.DecimalField(
        _("carried over"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )

    class Meta:
        verbose_name = _("holiday allowance")
        verbose_name_plural = _("holiday allowances")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "year"], name="holiday_allowance_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.year}: {self.days} + {self.carried_over}"


class WeekHandIn(CompanyOwned):
    """ "Lever uke": ``user`` has handed in the ISO week that begins on ``week`` (a
    Monday), which locks its entries for them (timesheets.services.entry_lock) until a
    manager sends it back with a comment ("Send tilbake", ``returned_at``). Handing in
    again uses the same row; every state it had is in its history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employee"),
    )
    week = fields.DateField(_("week (Monday)"))
    handed_in_at = models.DateTimeField(_("handed in"), default=timezone.now)
    returned_at = models.DateTimeField(_("sent back"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("sent back by"),
    )
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("handed-in week")
        verbose_name_plural = _("handed-in weeks")
        constraints = [
            models.UniqueConstraint(fields=["company", "user", "week"], name="handin_one_per_week"),
            # ISO day of week 1: the Monday the week is named by.
            models.CheckConstraint(
                condition=models.Q(week__iso_week_day=1), name="handin_week_is_monday"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.week:%G-W%V}"

    @property
    def is_locked(self):
        return self.returned_at is None


class WeekHandInEvent(
    events_of(
        WeekHandIn,
        verbose_name=_("handed-in week event"),
        verbose_name_plural=_("handed-in week events"),
    )
):
    """Every hand-in and every "Send tilbake" with its comment (written by a trigger)."""


# Oslo time (TIME_ZONE): the reminder to hand in last week goes from Monday at 10:00,
# the one of a day without hours from 16:00 that day (worktime.reminders).
HAND_IN_FROM = datetime.time(10)
EMPTY_DAY_FROM = datetime.time(16)


class ReminderKind(models.TextChoices):
    HAND_IN = "hand_in", _("Hand in the week")
    EMPTY_DAY = "empty_day", _("Day without hours")


class Reminder(CompanyOwned):
    """A reminder e-mail to ``user`` (worktime.reminders): to hand in the week that
    begins on ``period``, or to log the hours of the day ``period``. The row is written
    before the e-mail is sent and is unique per user, kind and period, so however many
    workers run the task at once, one of them sends it. ``sent_at`` is empty while it
    is being sent and after a send that failed (``error``), which a later run tries
    again, up to ``worktime.reminders.ATTEMPTS`` times."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employee"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind)
    period = fields.DateField(_("week (Monday) or day"))
    claimed_at = models.DateTimeField(_("last attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-period", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "kind", "period"], name="reminder_one_per_period"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="hand_in") | models.Q(period__iso_week_day=1),
                name="reminder_hand_in_week_is_monday",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()} {self.period:%d.%m.%Y}"


class WageTypes(CompanyOwned):
    """The firm's wage type codes ("Lønnsarter"): the code of each kind of line of the
    payroll basis ("Lønnsgrunnlag"), so its file reads into the firm's payroll system.
    A firm without a row has the defaults; a firm's own absence type has its code on
    the type (``AbsenceType.wage_code``)."""

    normal = wage_code_field(_("normal hours"), "1000")
    overtime = wage_code_field(_("overtime, first band"), "1100")
    overtime_second = wage_code_field(_("overtime, second band"), "1110")
    timebank_deposit = wage_code_field(_("timebank deposit (fleksitid)"), "1200")
    timebank_withdrawal = wage_code_field(_("timebank withdrawal (fleksitid)"), "1210")
    driving = wage_code_field(_("driving (km)"), "7000")
    holiday = wage_code_field(AbsenceKind.HOLIDAY.label, "2000")
    self_certified = wage_code_field(AbsenceKind.SELF_CERTIFIED.label, "2100")
    sick_note = wage_code_field(AbsenceKind.SICK_NOTE.label, "2110")
    sick_child = wage_code_field(AbsenceKind.SICK_CHILD.label, "2120")
    time_off = wage_code_field(AbsenceKind.TIME_OFF.label, "2200")
    paid_leave = wage_code_field(AbsenceKind.PAID_LEAVE.label, "2300")
    unpaid_leave = wage_code_field(AbsenceKind.UNPAID_LEAVE.label, "2310")

    # The fields in the order the page and the payroll basis list them; the absence
    # kinds' fields are named as AbsenceKind's values.
    FIELDS = [
        "normal",
        "overtime",
        "overtime_second",
        "timebank_deposit",
        "timebank_withdrawal",
        "driving",
        *AbsenceKind.values,
    ]

    class Meta:
        verbose_name = _("wage types")
        verbose_name_plural = _("wage types")
        constraints = [models.UniqueConstraint(fields=["company"], name="wage_types_one_per_firm")]

    def __str__(self):
        return str(_("Wage types"))

    def code_of(self, absence_type):
        """A firm's own absence type's code: its own, else its paid or unpaid leave's."""
        return absence_type.wage_code or getattr(self, absence_type.kind)
