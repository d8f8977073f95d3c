"""DATABASE_URL (and DATABASE_REPLICA_URL) to a Django DATABASES entry.

libpq itself reads the string (through psycopg), so every form it accepts works: a URL
(``postgresql://user@host:5432/svenn?sslmode=require``), a key=value string
(``host=a,b port=5432,5432 dbname=svenn target_session_attrs=read-write``) and a URL
with several hosts (``postgresql://user@a:5432,b:5432/svenn?target_session_attrs=read-write``).
With several hosts libpq tries them in turn on every new connection and keeps the
first that matches ``target_session_attrs``: after a failover, new connections find
the new primary without a change of settings.
"""

from psycopg.conninfo import conninfo_to_dict

# The parameters Django has its own settings for; the rest go to OPTIONS, which
# Django hands to psycopg as they are.
DJANGO_KEYS = {
    "dbname": "NAME",
    "user": "USER",
    "password": "PASSWORD",
    "host": "HOST",
    "port": "PORT",
}


def database_settings(url, *, conn_max_age, health_checks=True):
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": health_checks,
        "OPTIONS": {},
    }
    for key, value in conninfo_to_dict(url).items():
        if key in DJANGO_KEYS:
            settings[DJANGO_KEYS[key]] = value
        else:
            settings["OPTIONS"][key] = value
    return settings
