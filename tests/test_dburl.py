"""DATABASE_URL in every form libpq reads, several hosts included (svenn/dburl.py)."""

import pytest
from django.db import connection

from svenn.dburl import database_settings
from svenn.pgtools import environment


def parsed(url):
    return database_settings(url, conn_max_age=60)


def test_a_plain_url_gives_django_its_own_settings():
    settings = parsed("postgresql://svenn:hemmelig@db.example.no:5433/svenn?sslmode=require")
    assert settings["HOST"] == "db.example.no"
    assert settings["PORT"] == "5433"
    assert (settings["NAME"], settings["USER"], settings["PASSWORD"]) == (
        "svenn",
        "svenn",
        "hemmelig",
    )
    assert settings["OPTIONS"] == {"sslmode": "require"}
    assert settings["CONN_MAX_AGE"] == 60
    assert settings["CONN_HEALTH_CHECKS"] is True


def test_a_socket_folder_in_the_url_is_decoded():
    assert parsed("postgresql://postgres@%2Ftmp%2Fsvenn-pg/svenn")["HOST"] == "/tmp/svenn-pg"


def test_a_key_value_string_with_two_hosts_keeps_both_and_the_session_attribute():
    settings = parsed(
        "host=db1,db2 port=5432,5433 dbname=svenn user=svenn "
        "target_session_attrs=read-write connect_timeout=2"
    )
    assert settings["HOST"] == "db1,db2"
    assert settings["PORT"] == "5432,5433"
    assert settings["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": "2"}


def test_a_url_with_two_hosts_gives_the_same_settings_as_the_key_value_string():
    url = parsed("postgresql://svenn@db1:5432,db2:5433/svenn?target_session_attrs=read-write")
    conninfo = parsed(
        "host=db1,db2 port=5432,5433 dbname=svenn user=svenn target_session_attrs=read-write"
    )
    assert url == conninfo


def test_a_password_with_reserved_characters_is_decoded():
    assert parsed("postgresql://svenn:p%40ss%2Fw@db/svenn")["PASSWORD"] == "p@ss/w"


def test_pg_dump_and_pg_restore_look_for_the_primary_among_the_hosts():
    env = environment(
        parsed("host=db1,db2 dbname=svenn user=svenn target_session_attrs=read-write")
    )
    assert env["PGHOST"] == "db1,db2"
    assert env["PGTARGETSESSIONATTRS"] == "read-write"


@pytest.mark.django_db
def test_every_connection_starts_with_the_apps_session_settings():
    """No trigger ignored (a recorded write stays cheap), and parallel workers only for
    queries far bigger than a page's (docs/operations.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('pgtrigger.ignore'), current_setting('parallel_setup_cost')"
        )
        assert cursor.fetchone() == ("{}", "10000")
