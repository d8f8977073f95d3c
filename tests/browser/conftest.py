"""Browser tests: Playwright drives Debian's Chromium against a live server.

Every test here is marked ``browser``; run only these with ``make test PYTEST_ARGS="-m browser"``.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from accounts.demo import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _tables_with_rows(cursor):
    tables = connection.introspection.django_table_names(include_views=False)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _can_skip_triggers(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return cursor.fetchone()[0]


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The rows `manage.py demo` writes, loaded once per test process and kept as
    COPY data, or None where they cannot be put back as they were (a database user
    who may not skip triggers). Loading the demo takes half a second; copying its
    rows back takes a few hundredths. The database is left empty again."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if not _can_skip_triggers(cursor):
            return None
        before = _tables_with_rows(cursor)
        call_command("demo", verbosity=0)
        after = _tables_with_rows(cursor)
        rows = {}
        for table, count in after.items():
            if count and not before[table]:
                data = io.BytesIO()
                name = connection.ops.quote_name(table)
                with cursor.copy(f"COPY {name} TO STDOUT (FORMAT BINARY)") as copy:
                    for block in copy:
                        data.write(block)
                rows[table] = data.getvalue()
        # Tables seeded before the demo (content types, permissions) must be as they were.
        unchanged = all(after[table] == count for table, count in before.items() if count)
        for sql in connection.ops.sql_flush(no_style(), list(rows), allow_cascade=True):
            cursor.execute(sql)
    return rows if unchanged else None


@pytest.fixture
def demo(transactional_db, demo_rows):
    """The demo firms exactly as `make run` loads them, history included."""
    if demo_rows is None:
        call_command("demo", verbosity=0)
        return
    with connection.cursor() as cursor:
        # The history's and the foreign keys' triggers: the rows are the demo's own,
        # its history written when it was loaded, copied in any order.
        cursor.execute("SET session_replication_role = replica")
        try:
            for table, data in demo_rows.items():
                name = connection.ops.quote_name(table)
                with cursor.copy(f"COPY {name} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        # New rows are numbered after the copied ones.
        models = [model for model in apps.get_models() if model._meta.db_table in demo_rows]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


def log_out(page):
    """Log out as the menu's "Logg ut" does, when someone is logged in. Only clearing the
    cookies is no logout: a page the service worker was fetching with the old session
    would then set its cookies again over the next user's login page."""
    if page.locator("form[data-logout]").count():
        with page.expect_navigation():
            page.locator("form[data-logout]").evaluate("form => form.requestSubmit()")
    page.context.clear_cookies()


@pytest.fixture
def login(live_server, page):
    """login(email) logs in through the real form and returns the page."""

    def do(email, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()
        return page

    return do


@pytest.fixture
def axe():
    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check
