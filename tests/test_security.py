"""Production settings pass Django's deploy checks; responses carry security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from svenn import settings as svenn_settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    """Run manage.py as production would: only the environment given here (the test
    process's own switches, such as SVENN_TESTING, are left out)."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    base["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="svenn.example.no",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="svenn.example.no")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_pages_carry_security_headers(db):
    response = Client().get(reverse("accounts:login"))

    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_not_readable_by_scripts_where_it_matters(world):
    client = Client()
    client.post(
        reverse("accounts:login"),
        {"username": world.admin.email, "password": "svenn-test-pw"},
    )

    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_argon2_hashes_passwords(db):
    # The settings as production reads them (the tests put a cheaper Argon2 first).
    assert svenn_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    user = User.objects.create_user("ny@demo.no", "Grus-og-Sement-2026", name="Nina Ny")

    assert user.password.startswith("argon2")
    assert user.check_password("Grus-og-Sement-2026")


PRODUCTION_REQUESTS = """
import json
from django.test import Client
client = Client(HTTP_HOST="svenn.example.no")
plain = client.get("/accounts/login/")
https = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "https": [https.status_code, dict(https.headers)],
    "cookies": {name: bool(c["secure"]) for name, c in https.cookies.items()},
}))
"""


def test_production_sends_plain_http_to_https_and_https_gets_hsts_and_secure_cookies(tmp_path):
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "svenn.example.no",
        "STATIC_ROOT": str(tmp_path),  # production pages need collected static files
    }
    # Svenn's own files are enough for the login page; the admin's thousand are left out.
    collected = manage(
        "collectstatic", "--noinput", "-v0", "-i", "admin", "-i", "ext", **production
    )
    assert collected.returncode == 0, collected.stderr
    result = manage("shell", "-c", PRODUCTION_REQUESTS, **production)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["plain"] == [301, "https://svenn.example.no/accounts/login/"]
    status, headers = answers["https"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert answers["cookies"] == {settings.CSRF_COOKIE_NAME: True}


def test_plain_http_gets_no_hsts(db):
    response = Client().get(reverse("accounts:login"))

    assert "Strict-Transport-Security" not in response


def test_htmx_history_restore_gets_the_whole_page_and_responses_vary_on_htmx(world, client_for):
    client = client_for(world.moderator)
    fragment = client.get("/customers/", headers={"HX-Request": "true"})
    restore = client.get(
        "/customers/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" not in fragment.content
    assert b"<html" in restore.content
    assert "HX-Request" in fragment["Vary"]


def test_firm_permissions_come_from_the_role_table_even_for_a_superuser(world, client_for):
    world.employee.is_superuser = True
    world.employee.save()
    assert client_for(world.employee).get("/customers/").status_code == 403
