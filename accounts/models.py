import pgtrigger
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from core.fields import MoneyField
from core.history import events_of
from core.tenancy import CompanyOwned
from core.validators import format_org_number, format_phone, validate_org_number

from .permissions import TABLE, Role, role_allows


class TimerRounding(models.IntegerChoices):
    """The step, in minutes, a stopped timer's time is rounded to ("Firma")."""

    NONE = 0, _("No rounding")
    QUARTER = 15, _("To 15 minutes")
    HALF_HOUR = 30, _("To 30 minutes")


class Company(models.Model):
    """A firm: the tenant. Every firm-owned row points at one."""

    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Norwegian organisation number, 9 digits."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Administrators and Moderators must sign in with a code from an app."),
    )
    # The firm's default; a customer's or a project's own price is more specific.
    hourly_rate = MoneyField(
        _("hourly price"),
        null=True,
        blank=True,
        help_text=_("NOK excl. MVA, for hours whose customer and project have no price."),
    )
    moderators_may_invoice = models.BooleanField(
        _("Moderators may mark as invoiced"), default=False, db_default=False
    )
    # What a stopped timer's time is rounded to (timesheets.services.timer_hours).
    timer_rounding = models.PositiveSmallIntegerField(
        _("timer rounding"),
        choices=TimerRounding.choices,
        default=TimerRounding.NONE,
        db_default=TimerRounding.NONE,
    )
    # What "Kjøring" on a job is billed at (invoicing): km × this rate.
    rate_per_km = MoneyField(
        _("rate per km"),
        null=True,
        blank=True,
        help_text=_("NOK excl. MVA, for driving on a job."),
    )

    class Meta:
        verbose_name = _("firm")
        verbose_name_plural = _("firms")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def org_number_display(self):
        return format_org_number(self.org_number)


def normalise_email(email):
    """The one spelling of an e-mail address: how it is stored, how the login finds its
    user, and what failed logins and password resets are counted under."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Exact, on the stored spelling: a case-insensitive match in PostgreSQL would
        # also take "admın@…" (dotless ı) for "admin@…", under another lockout count.
        return self.get(email=normalise_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail. Firm users have a company and a role;
    platform staff (is_staff) use the Django admin and need no company."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("firm"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.EMPLOYEE)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("nb", "Norsk bokmål"), ("en", "English")],
        default="nb",
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive user cannot log in but keeps all their data."),
    )
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("May log in to the Django admin. Not a firm role."),
    )
    date_joined = models.DateTimeField(_("joined"), auto_now_add=True)
    # Set when an Administrator removes the user's two-factor devices (a lost phone), so
    # the reset is an event in the user's history with who did it.
    two_factor_reset_at = models.DateTimeField(_("two-factor reset"), null=True, blank=True)
    # What an hour of this employee costs the firm (pay and overhead), for a project's
    # margin; accounts.permissions.COSTS says who sees it.
    hourly_cost = MoneyField(_("cost per hour"), null=True, blank=True)

    # Authentication and the Django admin need every user; firm views use `in_company`,
    # which is scoped to the request user's firm.
    objects = UserManager()
    in_company = ScopedManager(company="company")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        indexes = [models.Index("company", Lower("name"), name="user_company_name")]
        constraints = [
            # The login looks e-mails up exactly, in their normalised spelling.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower_case"
            )
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)
        saved = type(self).objects.filter(pk=self.pk).values_list("company", flat=True).first()
        if self.pk and saved and saved != self.company_id:
            # Their hours, projects and history belong to the firm they were in.
            raise ValidationError(
                {
                    "company": _(
                        "A firm's user stays in that firm. Add a new user to the other firm."
                    )
                }
            )

    @property
    def phone_display(self):
        return format_phone(self.phone)

    def has_perm(self, perm, obj=None):
        """Firm permissions come from the role table alone, for superusers too (Django
        would grant a superuser everything); Django's model permissions (the admin)
        work as usual."""
        if perm in TABLE:
            return role_allows(self, perm)
        return super().has_perm(perm, obj)


class Session(AbstractBaseSession):
    """A session that knows its user (``accounts.sessions``), so that all of a user's
    sessions can be ended at once: on deactivation, a new role or a new password."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, null=True, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class Throttle(models.Model):
    """How often something was asked for in one window of time, per key: an HMAC of,
    say, an e-mail address or a client address (``accounts.throttle``), never the
    value itself."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="throttle_key_window")
        ]

    def __str__(self):
        return f"{self.key[:8]}… {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class CompanyEvent(
    events_of(
        Company,
        company="pgh_obj",
        verbose_name=_("firm event"),
        verbose_name_plural=_("firm events"),
        indexes=[models.Index(fields=["pgh_obj"], name="companyevent_obj")],
    )
):
    """The firm after each change; the object is the firm itself, so ``pgh_obj`` is
    the firm these rows belong to."""


class UserEvent(
    events_of(
        User,
        exclude=["password", "last_login"],
        verbose_name=_("user event"),
        verbose_name_plural=_("user events"),
        indexes=[models.Index(fields=["company", "pgh_obj"], name="userevent_obj")],
    )
):
    """A user's name, role, firm and active state after each change; never the password
    hash, and a login (``last_login``) is no event."""


class SecurityEventKind(models.TextChoices):
    """What a security log row records. Recorded through ``accounts.security_log.record``;
    docs/architecture.md ("Security log") lists who records each kind."""

    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    SIGNED_OUT = "signed_out", _("Signed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password set from e-mailed link")
    USER_CREATED = "user_created", _("User created")
    ROLE_CHANGED = "role_changed", _("Role changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    EXPORTED = "exported", _("Export or download")


class SecurityEvent(CompanyOwned):
    """One row of a firm's security log ("Sikkerhetslogg"): who did what, to whom, when
    and from which address. Append-only in the database (the same trigger as the
    history tables); only ``prune_security_log`` removes rows past the retention time.
    Never a password, token, session key or link: ``security_log.record`` refuses them."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("event"), max_length=30, choices=SecurityEventKind)
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("concerns"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["company", "-at", "-id"], name="securityevent_company_at"),
            models.Index(fields=["company", "user"], name="securityevent_user"),
            models.Index(fields=["company", "actor"], name="securityevent_actor"),
            # The retention cleanup looks across every firm.
            models.Index(fields=["at"], name="securityevent_at"),
        ]
        triggers = [
            # The history tables' trigger (django-pghistory's append_only).
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
