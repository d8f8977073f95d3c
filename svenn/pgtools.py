"""Run PostgreSQL's client tools (pg_dump, pg_restore) against a Django database."""

import glob
import os
import shutil
import subprocess


def binary(tool):
    """The tool from the newest installed PostgreSQL, else from PATH.

    pg_dump refuses servers newer than itself, so the newest one is the safe choice.
    """
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    found = versions[-1] if versions else shutil.which(tool)
    if not found:
        raise FileNotFoundError(f"{tool} not found; install PostgreSQL's client tools.")
    return found


def environment(database):
    """libpq environment variables for a Django DATABASES entry."""
    env = dict(os.environ)
    for key, var in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if database.get(key):
            env[var] = str(database[key])
    # With several hosts, so that a restore finds the primary (svenn/dburl.py).
    for option, var in [
        ("target_session_attrs", "PGTARGETSESSIONATTRS"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
        ("sslmode", "PGSSLMODE"),
    ]:
        if database.get("OPTIONS", {}).get(option):
            env[var] = str(database["OPTIONS"][option])
    return env


def run(tool, args, database):
    return subprocess.run(  # noqa: S603 - fixed tool, arguments built by us
        [binary(tool), *args],
        env=environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
