"""`manage.py backup` + `manage.py restore` keep every row (make backup / make restore)."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from .factories import CustomerFactory, TimeEntryFactory

TABLES = [
    "accounts_company",
    "accounts_user",
    "customers_customer",
    "customers_contactperson",
    "customers_customerevent",
    "projects_project",
    "timesheets_timeentry",
    "timesheets_timeentryevent",
]


def counts(params):
    with psycopg.connect(**params) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def empty_database():
    """Connection parameters of a new, empty database on the same server."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = f"{connection.settings_dict['NAME']}_restore"
    server = params | {"dbname": "postgres", "autocommit": True}
    with psycopg.connect(**server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield params | {"dbname": name}
    with psycopg.connect(**server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(dump, params):
    """`manage.py restore` in a new process pointed at the empty database, as
    `make restore` runs it."""
    host = params.get("host", "").replace("/", "%2F")
    url = f"postgresql://{params['user']}@{host}/{params['dbname']}"
    env = os.environ | {"DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(dump)],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_backup_then_restore_keeps_every_customer_entry_and_history_row(
    world, transactional_db, empty_database, tmp_path
):
    customer = CustomerFactory(company=world.company, name="Kari Nordmann")
    TimeEntryFactory.create_batch(5, user=world.employee, customer=customer)
    dump = tmp_path / "svenn.dump"

    call_command("backup", output=str(dump), stdout=open(os.devnull, "w"))  # noqa: SIM115
    result = restore(dump, empty_database)

    assert result.returncode == 0, result.stderr
    original = counts(
        connection.get_connection_params() | {"dbname": connection.settings_dict["NAME"]}
    )
    assert counts(empty_database) == original
    assert original["timesheets_timeentry"] == 7
    with psycopg.connect(**empty_database) as conn:
        row = conn.execute("SELECT name FROM customers_customer WHERE id = %s", [customer.pk])
        assert row.fetchone() == ("Kari Nordmann",)


def test_restore_refuses_a_database_that_is_not_empty(world, transactional_db, tmp_path):
    dump = tmp_path / "svenn.dump"
    call_command("backup", output=str(dump), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(dump))
