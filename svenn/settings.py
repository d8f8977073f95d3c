"""Settings for Svenn, read from the environment.

Development defaults are safe; with DEBUG off (production) the app refuses to
start without SECRET_KEY and turns on secure cookies, HSTS and SSL redirect.
"""

import os
from pathlib import Path

import pghistory
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from svenn.dburl import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("SVENN_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before Django's admin, so its object pages link to the object's events.
    "pghistory.admin",
    # Django's admin with a site that asks platform staff for a second factor.
    "svenn.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The work queue (core/queue.py): its tables come with `manage.py migrate`.
    "procrastinate.contrib.django",
    "core",
    "svenn",
    "accounts",
    "customers",
    "projects",
    "timesheets",
    "worktime",
    "invoicing",
]

MIDDLEWARE = [
    # Room on CPython's frame stack for everything below (core/headroom.py).
    "core.middleware.HeadroomMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML (Django adds random padding against BREACH); static files come
    # pre-compressed from whitenoise.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A user who just wrote reads from the primary for a while, not a replica (core/replica.py).
    "core.replica.PrimaryAfterWriteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulInQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified when the session's sign-in included a code (django-otp);
    # before the next one, which loads the user and so catches a database outage here.
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    # Nothing a signed-in user is sent may be kept by a browser or proxy cache.
    "core.middleware.NoStoreForSignedInMiddleware",
    # Every write of the request names its user and URL in the history (django-pghistory).
    "pghistory.middleware.HistoryMiddleware",
    # The security log takes the address of the request a service records an event in.
    "accounts.security_log.RequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A user who must use two-factor sign-in and has not is sent to set it up.
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.CompanyScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session lifetimes; after MessageMiddleware for its message.
    "accounts.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.HtmxPageOrFragmentMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After MessageMiddleware (and htmx's): puts messages into htmx answers before
    # MessageMiddleware keeps the rest for the next page.
    "core.middleware.HtmxMessagesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "svenn.urls"
WSGI_APPLICATION = "svenn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "svenn.context_processors.menu",
            ],
        },
    },
]

# Widget templates (e.g. templates/widgets/) come from the project's template dirs too.
FORM_RENDERER = "core.forms.Renderer"

# A URL or a libpq key=value string; several hosts with target_session_attrs=read-write
# follow a failover (svenn/dburl.py, docs/operations.md).
DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL", "postgresql://postgres@localhost/svenn"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
# Reports and exports may read from a replica (core/replica.py); everything else, and
# every write, uses the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_settings(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=env_int("CONN_MAX_AGE", 60)
    )
    # Tests create no database of their own for it: it is the default one, read through
    # another connection.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Seconds a user who just wrote reads only from the primary, longer than a replica lags.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
# The history triggers (django-pgtrigger) read the setting `pgtrigger.ignore` on every
# row they record; defined for the session (as "no trigger ignored"), that read does not
# raise and recover, which makes each recorded write about ten times cheaper.
# A page's queries read a customer's or a month's rows, a few thousand: PostgreSQL's
# parallel workers cost more to start than they save there (the customer card's amounts
# took 36 ms with them, 31 without), and under load they take the cores other requests
# need. Ten times the default setup cost keeps them for what reads hundreds of thousands
# of rows (long exports; docs/operations.md).
for _database in DATABASES.values():
    _options = _database["OPTIONS"]
    _options["options"] = (
        f"{_options.get('options', '')} -c pgtrigger.ignore={{}} -c parallel_setup_cost=10000"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The work queue (core/queue.py) uses the default database through Django's connection,
# and finds each app's tasks in its tasks.py. A job that succeeded is deleted at once
# (its effect is the record); a failed one stays in procrastinate_jobs for inspection.
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}
# A user's job (core.jobs.start) runs in the request that starts it instead of a worker:
# for the tests, whose transaction a worker could not see.
JOBS_RUN_AT_ONCE = env_bool("JOBS_RUN_AT_ONCE", TESTING)

AUTH_USER_MODEL = "accounts.User"

# History is written by PostgreSQL triggers (django-pghistory), so no write path can skip
# it. Each event row carries its context (who, from which URL or command) itself rather
# than pointing into a shared context table: a firm's history stays in that firm's rows.
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
# Snapshots may lack a value: a column added later has none in older events, and history
# migrated from the former change tables does not know every value.
PGHISTORY_FIELD = pghistory.Field(null=True)
# Event tables are indexed by (company, object) where they are read, not on every column.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
# Nothing updates or deletes history, not even the Django admin.
PGHISTORY_APPEND_ONLY = True
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# At least 12 characters (OWASP ASVS 2.1.1) and no upper limit (64 and 128 characters
# work); not a common password, not only digits, not like the user's e-mail or name.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "name"]},
    },
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "start"  # svenn.views.start: each user's first page
LOGOUT_REDIRECT_URL = "accounts:login"

# Repeated failed logins: lock the e-mail + IP pair for a while (django-axes). The
# e-mail is counted in the spelling the login finds the user by (any upper case is the
# same address), the address as accounts.throttle finds the client behind proxies.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttle.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Proxies (load balancers) in front of the app that append the client's address to
# X-Forwarded-For; 0 means clients connect directly and REMOTE_ADDR is theirs.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Password reset e-mails per hour: per e-mail address, and requests per client address.
PASSWORD_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)
PASSWORD_RESET_CLIENT_LIMIT = env_int("PASSWORD_RESET_CLIENT_LIMIT", 20)

# Sessions (accounts/sessions.py), in seconds: expire when left alone for the idle
# timeout, and the absolute timeout after logging in however busy (defaults fit phones
# on a building site). The expiry moves on as the user works, with one write of the
# session an interval at most.
SESSION_ENGINE = "accounts.sessions"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 14 * 24 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 30 * 24 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_REFRESH_INTERVAL = min(60 * 60, SESSION_IDLE_TIMEOUT // 10)

# The firm's security log ("Sikkerhetslogg") keeps its events this long; the command
# prune_security_log, run daily, deletes older ones.
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 400)
# Two-factor sign-in (django-otp, TOTP apps and single-use recovery codes; docs/operations.md).
# Platform staff need it for the Django admin; only development and tests may turn it off.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not (DEBUG or TESTING))
# Seconds between a correct password and the code before the sign-in starts over.
TWO_FACTOR_LOGIN_TIMEOUT = env_int("TWO_FACTOR_LOGIN_TIMEOUT", 300)
OTP_TOTP_ISSUER = "Svenn"
# After n wrong codes in a row the next one is checked only after 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin shows no TOTP secrets or recovery codes, even to staff.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "svenn" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# One date and time format per language, the same in both (core/formats).
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".local" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Svenn <noreply@svenn.no>")
# The site's address for links in e-mails sent outside a request (the work queue's
# reminders, worktime/reminders.py): scheme and host, no trailing slash. By default the
# first of ALLOWED_HOSTS over HTTPS, or the development server.
SITE_URL = env_str(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG or TESTING else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Enhetsregisteret (Brønnøysundregistrene), for the customer card's look-up
# (customers/brreg.py). Tests never reach the network: with SVENN_TESTING the default
# is a local port nobody listens on, and the tests start their own fake registry.
BRREG_API_URL = env_str(
    "BRREG_API_URL",
    "http://127.0.0.1:9" if TESTING else "https://data.brreg.no/enhetsregisteret/api",
).rstrip("/")

# "Importer kunder" (customers/imports.py): the largest file and the most rows one import
# takes; a larger one is refused with a message before anything is read or written.
CUSTOMER_IMPORT_MAX_BYTES = env_int("CUSTOMER_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
CUSTOMER_IMPORT_MAX_ROWS = env_int("CUSTOMER_IMPORT_MAX_ROWS", 50_000)
# The largest file any page receives (today only the import's): a larger upload is
# stopped as it arrives, not written to a temporary file first (core.tables.UploadLimit).
UPLOAD_MAX_BYTES = CUSTOMER_IMPORT_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "core.tables.UploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Registry answers are cached per process (a day, per org. no.): each app server asks
# Brønnøysund at most once a day per unit, and nothing else depends on a shared cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "svenn",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}

# Security. Behind DEBUG=False everything is strict; a TLS-terminating proxy must
# set X-Forwarded-Proto.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads nothing from it; the token comes from the page
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
